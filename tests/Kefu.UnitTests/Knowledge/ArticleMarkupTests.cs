using Kefu.Web.Features.Knowledge;
using Xunit;

namespace Kefu.UnitTests.Knowledge;

public sealed class ArticleMarkupTests
{
    [Fact]
    public void Parse_ReadsHeadingsListsAndBold_AndKeepsHtmlAsText()
    {
        var blocks = ArticleMarkup.Parse("## 处理步骤\n1. 先**道歉**\n2. 再确认\n\n- 余额：即时\n- 银行卡：3-5 天\n<script>alert(1)</script>");
        Assert.Equal([MarkupBlockKind.Heading, MarkupBlockKind.NumberedList, MarkupBlockKind.BulletList, MarkupBlockKind.Paragraph], blocks.Select(b => b.Kind).ToArray());
        Assert.Equal("处理步骤", blocks[0].Items[0][0].Text);
        Assert.Equal(new MarkupSpan("道歉", Bold: true), blocks[1].Items[0][1]);
        Assert.Equal(2, blocks[2].Items.Count);
        Assert.Equal("<script>alert(1)</script>", blocks[3].Items[0][0].Text); // rendered encoded by Blazor, never as markup
    }

    [Fact]
    public void Parse_WithAnUnmatchedBoldMarker_KeepsTheMarkerAsText()
    {
        var spans = ArticleMarkup.Parse("满 200 元**以上").Single().Items[0];
        Assert.Equal("满 200 元**以上", string.Concat(spans.Select(s => s.Text)));
        Assert.DoesNotContain(spans, s => s.Bold);
    }
}
