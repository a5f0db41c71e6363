using System.Text;
using Kefu.Web.Features.Complaints;

namespace Kefu.UnitTests.Complaints.Reports;

public sealed class CaseReportPdfTests
{
    private const string TimelineHeader = "时间处理人处理内容";
    private static readonly string[] SectionHeadings = ["事件描述", "补救措施", "原因分析", "整改方案"];

    [Fact]
    public void Output_is_a_pdf_document()
    {
        var pdf = CaseReportPdf.Render(SampleReports.Repair());

        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.Contains("%%EOF", Encoding.ASCII.GetString(pdf, pdf.Length - 32, 32), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_of_the_report_can_be_extracted()
    {
        var text = PdfText.Normalize(PdfText.Text(CaseReportPdf.Render(SampleReports.Repair())));

        Assert.Contains("投诉案例报告", text, StringComparison.Ordinal);
        Assert.Contains(PdfText.Normalize("案例编号：" + SampleReports.Number), text, StringComparison.Ordinal);
        Assert.Contains("客户名称陈先生", text, StringComparison.Ordinal);
        Assert.Contains("投诉类别维修质量", text, StringComparison.Ordinal);
        Assert.Contains("负责人张敏", text, StringComparison.Ordinal);
        Assert.Contains("当前步骤已结案", text, StringComparison.Ordinal);
        Assert.All(SectionHeadings, heading => Assert.Contains(heading, text, StringComparison.Ordinal));
        Assert.Contains(PdfText.Normalize(SampleReports.EventSentence), text, StringComparison.Ordinal);
        Assert.Contains(PdfText.Normalize(SampleReports.RemedialSentence), text, StringComparison.Ordinal);
        Assert.Contains(PdfText.Normalize(SampleReports.CauseSentence), text, StringComparison.Ordinal);
        Assert.Contains(PdfText.Normalize(SampleReports.RectificationSentence), text, StringComparison.Ordinal);
        Assert.Contains("处理经过", text, StringComparison.Ordinal);
        Assert.Contains(TimelineHeader, text, StringComparison.Ordinal);
        Assert.Contains(PdfText.Normalize("2024-09-02 16:45 张敏 " + SampleReports.TimelineText), text, StringComparison.Ordinal);
        Assert.Contains("第1页", text, StringComparison.Ordinal);
        Assert.Contains("本报告由客服系统自动生成", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_follow_each_other_in_order()
    {
        var text = PdfText.Normalize(PdfText.Text(CaseReportPdf.Render(SampleReports.Repair())));

        var positions = SectionHeadings.Append("处理经过").Select(h => text.IndexOf(h, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Times_are_shown_in_china_standard_time_by_default_and_in_the_given_zone_otherwise()
    {
        var report = SampleReports.Repair();

        var china = PdfText.Normalize(PdfText.Text(CaseReportPdf.Render(report)));
        var utc = PdfText.Normalize(PdfText.Text(CaseReportPdf.Render(report, TimeZoneInfo.Utc)));

        Assert.Contains("创建时间2024-08-2809:30", china, StringComparison.Ordinal);
        Assert.Contains("结案时间2024-09-0711:20", china, StringComparison.Ordinal);
        Assert.Contains("创建时间2024-08-2801:30", utc, StringComparison.Ordinal);
        Assert.Contains("结案时间2024-09-0703:20", utc, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_sections_show_not_filled_and_an_empty_timeline_is_left_out()
    {
        var report = SampleReports.Repair() with
        {
            ClosedAt = null,
            EventDescription = "",
            RemedialMeasures = "   ",
            CauseAnalysis = "",
            RectificationPlan = "\n",
            Timeline = [],
        };

        var text = PdfText.Normalize(PdfText.Text(CaseReportPdf.Render(report)));

        Assert.Equal(4, PdfText.Occurrences(text, PdfText.Normalize(CaseReportPdf.NotFilled)));
        Assert.All(SectionHeadings, heading => Assert.Contains(heading + PdfText.Normalize(CaseReportPdf.NotFilled), text, StringComparison.Ordinal));
        Assert.Contains(PdfText.Normalize("结案时间（未结案）"), text, StringComparison.Ordinal);
        Assert.DoesNotContain("处理经过", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TimelineHeader, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_report_runs_over_several_pages_and_repeats_the_timeline_header()
    {
        var pdf = CaseReportPdf.Render(SampleReports.Long(120));

        var pageCount = PdfText.PageCount(pdf);
        var pages = PdfText.Pages(pdf).Select(PdfText.Normalize).ToList();
        var all = string.Concat(pages);

        Assert.True(pageCount >= 3, $"expected at least 3 pages, got {pageCount}");
        Assert.Equal(pageCount, pages.Count);
        for (var n = 1; n <= pageCount; n++)
        {
            Assert.Contains($"第{n}页", pages[n - 1], StringComparison.Ordinal);
        }

        // Every page that holds timeline rows starts its table with the header row.
        var pagesWithRows = pages.Where(p => p.Contains("记录#", StringComparison.Ordinal)).ToList();
        Assert.True(pagesWithRows.Count >= 2, $"the timeline should span pages, it is on {pagesWithRows.Count}");
        Assert.All(pagesWithRows, page =>
            Assert.True(page.IndexOf(TimelineHeader, StringComparison.Ordinal) is var at && at >= 0 && at < page.IndexOf("记录#", StringComparison.Ordinal)));
        Assert.Equal(pagesWithRows.Count, PdfText.Occurrences(all, TimelineHeader));

        // No row is lost or split, and rows keep their order.
        var positions = Enumerable.Range(1, 120).Select(i => all.IndexOf($"记录#{i:000}:", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Timeline_pages_start_their_table_with_the_header_row()
    {
        var followUps = SampleReports.Long(60).Timeline.Select(l => l with { At = l.At.AddDays(10) });
        var report = SampleReports.Repair() with { Timeline = [.. SampleReports.Repair().Timeline, .. followUps] };

        var pdf = CaseReportPdf.Render(report);
        var sample = Environment.GetEnvironmentVariable("CASEREPORT_SAMPLE_PDF");
        if (!string.IsNullOrEmpty(sample))
        {
            File.WriteAllBytes(sample, pdf);   // for looking at the layout: CASEREPORT_SAMPLE_PDF=/tmp/sample.pdf dotnet test
        }

        var pages = PdfText.Pages(pdf).Select(PdfText.Normalize).ToList();
        var first = pages.FindIndex(p => p.Contains("处理经过", StringComparison.Ordinal));
        Assert.InRange(first, 0, pages.Count - 2);   // the timeline starts on one page and goes on
        Assert.Contains("处理经过" + TimelineHeader + "2024-08-2809:30李娜", pages[first], StringComparison.Ordinal);
        Assert.All(pages.Skip(first + 1), page => Assert.StartsWith(TimelineHeader, page, StringComparison.Ordinal));
        Assert.Contains("记录#060", pages[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeline_row_taller_than_a_page_is_split_over_pages()
    {
        var text = string.Concat(Enumerable.Range(1, 400).Select(i => $"处理说明S{i:0000}。"));
        var report = SampleReports.Repair() with { Timeline = [new CaseReportLine(SampleReports.CreatedAtUtc, "张敏", text)] };

        var pdf = CaseReportPdf.Render(report);
        var pages = PdfText.Pages(pdf).Select(PdfText.Normalize).ToList();
        var all = string.Concat(pages);

        Assert.True(pages.Count >= 3, $"expected the row to need at least 3 pages, got {pages.Count}");
        var positions = Enumerable.Range(1, 400).Select(i => all.IndexOf($"S{i:0000}。", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.All(pages.Skip(pages.FindIndex(p => p.Contains("处理经过", StringComparison.Ordinal)) + 1),
            page => Assert.StartsWith(TimelineHeader, page, StringComparison.Ordinal));
    }

    [Fact]
    public void Long_unbroken_text_and_unusual_characters_do_not_break_rendering()
    {
        var url = "https://kefu.example.com/complaints/" + new string('x', 300);
        var report = SampleReports.Repair() with
        {
            CustomerName = "Zhang Wei（张伟）\t😀",
            EventDescription = url,
            Timeline = [new CaseReportLine(SampleReports.CreatedAtUtc, "", url)],
        };

        var text = PdfText.Normalize(PdfText.Text(CaseReportPdf.Render(report)));

        Assert.Equal(2, PdfText.Occurrences(text, url));
        Assert.Contains(PdfText.Normalize("ZhangWei（张伟）"), text, StringComparison.Ordinal);
    }
}
