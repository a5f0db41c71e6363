using Kefu.Web.Features.Complaints;
using SkiaSharp;

namespace Kefu.UnitTests.Complaints.Reports;

public sealed class PdfLayoutTests : IDisposable
{
    private readonly TextStyle style = new(CaseReportPdf.LoadTypeface([("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)]), 10, SKColors.Black);

    public void Dispose() => style.Dispose();

    [Fact]
    public void Chinese_text_breaks_between_characters_and_fills_the_lines()
    {
        const string text = "用户第一次送机至维修站前台工程师根据用户描述只收下了主机未留适配器用户描述黑屏偶尔会有无法充电的现象";
        var width = style.Measure("用户第一次送机至维修") + 1;   // ten characters a line

        var lines = PdfLayout.Wrap(text, style, width);

        Assert.Equal(text, string.Concat(lines));
        Assert.All(lines, line => Assert.True(style.Measure(line) <= width, line));
        Assert.All(lines.SkipLast(1), line => Assert.Equal(10, line.Length));
    }

    [Fact]
    public void Latin_text_breaks_at_spaces_only()
    {
        const string text = "Please keep the power adapter together with the notebook when the customer hands it in";
        var width = style.Measure("Please keep the power");

        var lines = PdfLayout.Wrap(text, style, width);

        Assert.True(lines.Count > 2);
        Assert.Equal(text, string.Join(' ', lines));
        Assert.All(lines, line => Assert.True(style.Measure(line) <= width && line == line.Trim(), line));
    }

    [Fact]
    public void Latin_words_inside_chinese_text_stay_whole()
    {
        const string text = "检测工程师重组机器更新BIOS后未发现用户所描述现象，向用户解释我们才是DELL的售后服务";
        for (var width = 40f; width < 200f; width += 3f)
        {
            var lines = PdfLayout.Wrap(text, style, width);

            Assert.Equal(text, string.Concat(lines));
            Assert.Single(lines, l => l.Contains("BIOS", StringComparison.Ordinal));
            Assert.Single(lines, l => l.Contains("DELL", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Closing_punctuation_never_starts_a_line_and_opening_never_ends_one()
    {
        const string text = "一二三四，五六七（八九）十一二三四五六七八九。";
        for (var width = 25f; width < 120f; width += 2f)
        {
            var lines = PdfLayout.Wrap(text, style, width);

            Assert.Equal(text, string.Concat(lines));
            Assert.All(lines.Skip(1), line => Assert.DoesNotContain(line[0], "，。）"));
            Assert.All(lines, line => Assert.NotEqual('（', line[^1]));
        }
    }

    [Fact]
    public void Explicit_newlines_are_kept_including_empty_lines()
    {
        var lines = PdfLayout.Wrap("第一行\r\n\n第三行\n", style, 400);

        Assert.Equal(["第一行", "", "第三行", ""], lines);
    }

    [Fact]
    public void A_word_wider_than_the_line_is_split_between_characters()
    {
        var word = "https://kefu.example.com/" + new string('a', 80);
        var width = style.Measure("https://kefu.example.com");

        var lines = PdfLayout.Wrap("见 " + word, style, width);

        Assert.Equal("见", lines[0]);
        Assert.Equal(word, string.Concat(lines.Skip(1)));
        Assert.All(lines, line => Assert.True(style.Measure(line) <= width, line));
    }

    [Fact]
    public void Font_loading_falls_back_when_the_files_are_missing()
    {
        var missing = CaseReportPdf.LoadTypeface([("/nonexistent/wqy-zenhei.ttc", 0)]);
        var installed = CaseReportPdf.LoadTypeface([("/nonexistent/wqy-zenhei.ttc", 0), ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)]);

        Assert.NotNull(missing);
        Assert.Equal("WenQuanYi Zen Hei", installed.FamilyName);
        using var font = new SKFont(installed);
        Assert.True(font.ContainsGlyphs("投诉案例报告"));
    }
}
