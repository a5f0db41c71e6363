using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Improvements;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MiniExcelLibs;
using SkiaSharp;

namespace Kefu.Web.Features.Insights;

/// <summary>
/// The monthly service report (seed 003 §5.3, seed 001): KPIs against their targets, weekly trends, the top complaint
/// categories and root causes, satisfaction per service type with its main reasons, and the improvement items with
/// their status — as JSON, PDF (CJK font) and Excel.
/// </summary>
public static class MonthlyReport
{
    public sealed record WeekLine(string Week, long Offered, double? ConnectionRate, double? AverageHandleSeconds, double? FirstContactResolution,
        double? AnsweredWithin3Rings);

    public sealed record ImprovementLine(string Title, string Department, string Status, DateTime? DueAt, DateTime? DoneAt, string? Outcome);

    public sealed record SatisfactionLine(string ServiceType, long Answers, double? Csat, IReadOnlyList<string> TopReasons);

    public sealed record Report(string Month, DateTime From, DateTime To, KpisApi.KpiReport Calls, ComplaintInsights.View Complaints,
        IReadOnlyList<WeekLine> Weeks, IReadOnlyList<SatisfactionLine> Satisfaction, IReadOnlyList<ImprovementLine> Improvements, DateTime GeneratedAt);

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapMonthlyReportApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/reports/monthly").WithTags("KPIs").RequireAuthorization(KefuPolicies.Insights)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", Get).WithName("GetMonthlyReport").WithSummary("The monthly service report of month=yyyy-MM (China time) as JSON.");
        group.MapGet("/pdf", Pdf).WithName("GetMonthlyReportPdf").WithSummary("The monthly service report as a PDF (A4, Chinese).")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf");
        group.MapGet("/xlsx", Xlsx).WithName("GetMonthlyReportXlsx").WithSummary("The monthly service report as an Excel workbook (one sheet per section).")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType);
        return routes;
    }

    internal static async Task<Ok<Report>> Get(string? month, KefuDbContext db, TimeProvider clock, IOptions<CallTargets> targets, IOptions<KpiOptions> options,
        IOptions<Surveys.SurveyOptions> surveys, CancellationToken cancellationToken) =>
        TypedResults.Ok(await BuildAsync(db, month, clock, targets.Value, options.Value, surveys.Value, cancellationToken));

    internal static async Task<FileContentHttpResult> Pdf(string? month, KefuDbContext db, TimeProvider clock, IOptions<CallTargets> targets,
        IOptions<KpiOptions> options, IOptions<Surveys.SurveyOptions> surveys, CancellationToken cancellationToken)
    {
        var report = await BuildAsync(db, month, clock, targets.Value, options.Value, surveys.Value, cancellationToken);
        return TypedResults.File(RenderPdf(report), "application/pdf", $"kefu-monthly-{report.Month}.pdf");
    }

    internal static async Task<FileContentHttpResult> Xlsx(string? month, KefuDbContext db, TimeProvider clock, IOptions<CallTargets> targets,
        IOptions<KpiOptions> options, IOptions<Surveys.SurveyOptions> surveys, CancellationToken cancellationToken)
    {
        var report = await BuildAsync(db, month, clock, targets.Value, options.Value, surveys.Value, cancellationToken);
        return TypedResults.File(await RenderXlsxAsync(report, cancellationToken), XlsxType, $"kefu-monthly-{report.Month}.xlsx");
    }

    /// <summary>The month named yyyy-MM (China time); without one, the last full month.</summary>
    public static (string Month, KpiPeriod Period) MonthOf(string? month, DateTime nowUtc)
    {
        DateTime first;
        if (string.IsNullOrWhiteSpace(month))
        {
            var today = ComplaintTime.ToChina(nowUtc);
            first = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(-1);
        }
        else if (!DateTime.TryParseExact(month.Trim(), "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out first))
        {
            throw FieldValidationException.For("month", "must be a month as yyyy-MM");
        }

        return (first.ToString("yyyy-MM", CultureInfo.InvariantCulture), new KpiPeriod(ComplaintTime.FromChina(first), ComplaintTime.FromChina(first.AddMonths(1))));
    }

    public static async Task<Report> BuildAsync(KefuDbContext db, string? month, TimeProvider clock, CallTargets targets, KpiOptions options,
        Surveys.SurveyOptions surveys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var (name, period) = MonthOf(month, now);
        var calls = await KpisApi.ReportAsync(db, period, null, (string?)null, targets, options, surveys.SatisfiedMinRating, cancellationToken);
        var complaints = await ComplaintInsights.BuildAsync(db, period, new ComplaintInsights.Filter(null, null, null, null), "week", now, cancellationToken);
        var weeks = (await KpisApi.SeriesAsync(db, period, "week", null, (string?)null, cancellationToken))
            .Select(p => new WeekLine(p.Key, p.Counts.Offered, p.Kpis.ConnectionRate, p.Kpis.AverageHandleSeconds, p.Kpis.FirstContactResolution,
                p.Kpis.AnsweredWithin3Rings)).ToList();
        var satisfaction = await CallSurveys.ByServiceTypeAsync(db, period, surveys.SatisfiedMinRating, surveys, cancellationToken);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var improvements = (await db.Set<ImprovementItem>().AsNoTracking()
                .Where(i => (i.CreatedAt >= period.From && i.CreatedAt < period.To) || (i.DoneAt >= period.From && i.DoneAt < period.To)
                    || (i.CreatedAt < period.To && (i.Status == ImprovementStatus.Open || i.Status == ImprovementStatus.InProgress)))
                .OrderBy(i => i.Status).ThenBy(i => i.DueAt).Take(200).ToListAsync(cancellationToken))
            .Select(i => new ImprovementLine(i.Title, departments.GetValueOrDefault(i.DepartmentId, "—"), StatusName(i.Status), i.DueAt, i.DoneAt, i.Outcome))
            .ToList();
        return new Report(name, period.From, period.To, calls, complaints, weeks, satisfaction, improvements, now);
    }

    public static string StatusName(ImprovementStatus status) => status switch
    {
        ImprovementStatus.Open => "待处理",
        ImprovementStatus.InProgress => "进行中",
        ImprovementStatus.Done => "已完成",
        ImprovementStatus.Rejected => "不采纳",
        _ => status.ToString(),
    };

    public static string Value(double? value, string unit) => value switch
    {
        null => "—",
        { } v when unit == "ratio" => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
        { } v => v.ToString("0.0", CultureInfo.InvariantCulture) + " 秒",
    };

    /// <summary>The report as an Excel workbook: KPIs, weeks, categories, root causes, satisfaction, improvements.</summary>
    public static async Task<byte[]> RenderXlsxAsync(Report report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["服务指标"] = report.Calls.Indicators.Select(i => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["指标"] = i.Name, ["数值"] = i.Value, ["目标"] = i.Target, ["方向"] = i.Direction == "atLeast" ? "≥" : "≤",
                ["达标"] = i.Met is { } m ? (m ? "是" : "否") : "—", ["单位"] = i.Unit == "ratio" ? "比例" : "秒", ["公式"] = i.Formula,
            }).ToList(),
            ["每周趋势"] = report.Weeks.Select(w => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["周"] = w.Week, ["来电"] = w.Offered, ["接通率"] = w.ConnectionRate, ["平均处理时长(秒)"] = w.AverageHandleSeconds,
                ["一次性解决率"] = w.FirstContactResolution, ["响铃3声内接通率"] = w.AnsweredWithin3Rings,
            }).ToList(),
            ["投诉类别"] = report.Complaints.ByCategory.Select(c => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["类别"] = c.Label, ["数量"] = c.Count, ["占比"] = c.Share, ["累计占比"] = c.CumulativeShare,
            }).ToList(),
            ["根因"] = report.Complaints.RootCauses.Select(c => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["根因"] = c.Label, ["数量"] = c.Count, ["占比"] = c.Share,
            }).ToList(),
            ["满意度"] = report.Satisfaction.Select(s => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["服务类型"] = s.ServiceType, ["评价数"] = s.Answers, ["满意度"] = s.Csat, ["主要原因"] = string.Join("；", s.TopReasons),
            }).ToList(),
            ["整改项"] = report.Improvements.Select(i => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["整改项"] = i.Title, ["责任部门"] = i.Department, ["状态"] = i.Status, ["期限(UTC)"] = i.DueAt, ["完成(UTC)"] = i.DoneAt, ["结果"] = i.Outcome,
            }).ToList(),
        };
        using var stream = new MemoryStream();
        await stream.SaveAsAsync(sheets, cancellationToken: cancellationToken);
        return stream.ToArray();
    }

    /// <summary>The report as an A4 PDF with the CJK font the case reports use.</summary>
    public static byte[] RenderPdf(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var typeface = CaseReportPdf.ReportTypeface;
        var accent = new SKColor(0x1F, 0x4E, 0x8C);
        var muted = new SKColor(0x66, 0x66, 0x66);
        var text = new SKColor(0x22, 0x22, 0x22);
        var fill = new SKColor(0xEE, 0xF2, 0xF7);
        using var title = new TextStyle(typeface, 20, accent, bold: true);
        using var subtitle = new TextStyle(typeface, 11, muted);
        using var heading = new TextStyle(typeface, 13, accent, bold: true);
        using var bold = new TextStyle(typeface, 9.5f, text, bold: true, lineSpacing: 1.4f);
        using var cell = new TextStyle(typeface, 9.5f, text, lineSpacing: 1.4f);
        using var body = new TextStyle(typeface, 10.5f, text, lineSpacing: 1.6f);
        using var footer = new TextStyle(typeface, 8, muted);
        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"客服中心月度服务报告 {report.Month}", Subject = "月度服务报告", Creator = "Kefu 客服", Creation = report.GeneratedAt,
        };
        using var output = new MemoryStream();
        using (var pdf = new PdfLayout(output, metadata, footer, $"本报告由客服系统自动生成 · {ComplaintTime.China(report.GeneratedAt)}"))
        {
            var heading1 = $"客服中心月度服务报告（{report.Month}）";
            pdf.DrawLine(heading1, PdfLayout.Left + ((PdfLayout.ContentWidth - title.Measure(heading1)) / 2), title);
            pdf.Y += title.LineHeight;
            var counts = report.Calls.Counts;
            var summary = $"统计周期：{ComplaintTime.China(report.From)} 至 {ComplaintTime.China(report.To)}；来电 {counts.Offered} 通，接通 {counts.Answered} 通；"
                + $"新增投诉 {report.Complaints.Measures.Created} 件，结案 {report.Complaints.Measures.Closed} 件。";
            pdf.Paragraph(summary, subtitle);

            Section(pdf, "一、服务指标与目标", heading, bold, cell);
            Table(pdf, bold, cell, fill, [("指标", 150), ("数值", 80), ("目标", 80), ("达标", 50), ("来源", 135)],
                report.Calls.Indicators.Select(i => (IReadOnlyList<string>)
                [
                    i.Name, Value(i.Value, i.Unit), i.Target is { } t ? (i.Direction == "atLeast" ? "≥ " : "≤ ") + Value(t, i.Unit) : "—",
                    i.Met is { } m ? (m ? "达标" : "未达标") : "—", i.Source,
                ]));
            var m2 = report.Complaints.Measures;
            Table(pdf, bold, cell, fill, [("投诉指标", 250), ("数值", 245)],
            [
                ["平均处理时长（小时）", m2.AverageHandlingHours is { } h ? h.ToString("0.0", CultureInfo.InvariantCulture) : "—"],
                ["重复投诉率", Value(m2.RepeatComplaintRate, "ratio")],
                ["时限达成率（首次响应、解决）", Value(m2.DeadlinesMetRate, "ratio")],
                ["按时回电率", Value(m2.CallbacksOnTimeRate, "ratio")],
                ["质检平均分", m2.QaAverageScore is { } q ? q.ToString("0.0", CultureInfo.InvariantCulture) : "—"],
            ]);

            Section(pdf, "二、每周趋势", heading, bold, cell);
            Table(pdf, bold, cell, fill, [("周", 95), ("来电", 70), ("接通率", 80), ("平均处理时长", 90), ("一次性解决率", 80), ("3声内接通", 80)],
                report.Weeks.Select(w => (IReadOnlyList<string>)
                [
                    w.Week, w.Offered.ToString(CultureInfo.InvariantCulture), Value(w.ConnectionRate, "ratio"), Value(w.AverageHandleSeconds, "seconds"),
                    Value(w.FirstContactResolution, "ratio"), Value(w.AnsweredWithin3Rings, "ratio"),
                ]));

            Section(pdf, "三、投诉类别与根因", heading, bold, cell);
            Table(pdf, bold, cell, fill, [("投诉类别", 235), ("数量", 80), ("占比", 90), ("累计占比", 90)],
                report.Complaints.ByCategory.Take(10).Select(c => (IReadOnlyList<string>)
                    [c.Label, c.Count.ToString(CultureInfo.InvariantCulture), Value(c.Share, "ratio"), Value(c.CumulativeShare, "ratio")]));
            Table(pdf, bold, cell, fill, [("主要根因", 325), ("数量", 80), ("占比", 90)],
                report.Complaints.RootCauses.Take(10).Select(c => (IReadOnlyList<string>)
                    [c.Label, c.Count.ToString(CultureInfo.InvariantCulture), Value(c.Share, "ratio")]));

            Section(pdf, "四、客户满意度分析", heading, bold, cell);
            if (report.Satisfaction.Count == 0)
            {
                pdf.Paragraph("本月暂无满意度评价。", body);
            }
            else
            {
                Table(pdf, bold, cell, fill, [("服务类型", 130), ("评价数", 60), ("满意度", 70), ("主要原因", 235)],
                    report.Satisfaction.Select(s => (IReadOnlyList<string>)
                        [s.ServiceType, s.Answers.ToString(CultureInfo.InvariantCulture), Value(s.Csat, "ratio"), string.Join("；", s.TopReasons)]));
            }

            Section(pdf, "五、整改项及进展", heading, bold, cell);
            if (report.Improvements.Count == 0)
            {
                pdf.Paragraph("本月无整改项。", body);
            }
            else
            {
                Table(pdf, bold, cell, fill, [("整改项", 200), ("责任部门", 80), ("状态", 60), ("期限", 75), ("完成", 80)],
                    report.Improvements.Select(i => (IReadOnlyList<string>)
                    [
                        i.Title, i.Department, i.Status, i.DueAt is { } due ? ComplaintTime.ToChina(due).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—",
                        i.DoneAt is { } done ? ComplaintTime.ToChina(done).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—",
                    ]));
            }
        }

        return output.ToArray();
    }

    private static void Section(PdfLayout pdf, string title, TextStyle heading, TextStyle bold, TextStyle cell)
    {
        pdf.Y += 14;
        pdf.EnsureSpace(heading.LineHeight + 8 + bold.LineHeight + cell.LineHeight + (4 * PdfLayout.CellPadding));
        pdf.DrawLine(title, PdfLayout.Left, heading);
        pdf.Y += heading.LineHeight;
        pdf.Rule();
        pdf.Y += 4;
    }

    private static void Table(PdfLayout pdf, TextStyle bold, TextStyle cell, SKColor fill, IReadOnlyList<(string Name, float Width)> columns,
        IEnumerable<IReadOnlyList<string>> rows)
    {
        var header = columns.Select(c => new PdfCell(c.Name, c.Width, bold, fill)).ToList();
        pdf.Row(header);
        foreach (var row in rows)
        {
            pdf.Row(row.Select((value, i) => new PdfCell(value, columns[i].Width, cell)).ToList(), header);
        }

        pdf.Y += 6;
    }
}
