using System.Globalization;
using System.Text;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// The seed-004 case report (事件描述、补救措施、原因分析、整改方案) built from a complaint's step records, as PDF,
/// and the complaint list as an Excel workbook.
/// </summary>
public static class ComplaintReports
{
    public static IEndpointRouteBuilder MapComplaintReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/complaints").WithTags("Complaints").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{id:guid}/report.pdf", ReportPdf).WithName("GetComplaintCaseReport")
            .WithSummary("The case report (event description, remedial measures, cause analysis, rectification plan, timeline) as PDF.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/export.xlsx", ExportXlsx).WithName("ExportComplaints")
            .WithSummary("The complaint list (same filters as GET /api/v1/complaints, up to 10,000 rows) as an Excel workbook.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType);
        return routes;
    }

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    internal static async Task<FileContentHttpResult> ReportPdf(Guid id, KefuDbContext db, CancellationToken cancellationToken)
    {
        var report = await BuildAsync(db, id, cancellationToken);
        return TypedResults.File(CaseReportPdf.Render(report), "application/pdf", $"{report.Number}.pdf");
    }

    /// <summary>Gathers the report's text from the step records; empty parts are left empty (the PDF shows （未填写）).</summary>
    public static async Task<CaseReport> BuildAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var c = await ComplaintStore.LoadAsync(db, id, cancellationToken);
        var customer = await db.Customers.AsNoTracking().Where(x => x.Id == c.CustomerId).Select(x => x.Name).SingleAsync(cancellationToken);
        var category = await db.ComplaintCategories.AsNoTracking().Where(x => x.Id == c.CategoryId).Select(x => x.Name).SingleAsync(cancellationToken);
        var owner = await db.Users.AsNoTracking().Where(x => x.Id == c.OwnerId).Select(x => x.DisplayName).SingleAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);

        var events = Paragraphs(
            c.Summary,
            Line("时间", c.EventTime), Line("地点", c.EventPlace), Line("涉及人员", c.PeopleInvolved), Line("原因", c.EventCause),
            Line("对客户的影响", c.CustomerImpact), Line("凭证", c.EvidenceNotes),
            c.Demands.Count > 0 ? "客户诉求：" + string.Join("；", c.Demands) : null,
            Line("事实简述", c.FactSummary));
        var remedies = Paragraphs(
            c.PlanKind is null ? null : $"方案（{PlanName(c.PlanKind.Value)}）：{c.PlanDescription}",
            c.PlanAmount is { } amount ? $"金额：{amount.ToString("0.00", CultureInfo.InvariantCulture)} {c.PlanCurrency}" : null,
            Line("我方义务", c.PlanObligations), Line("预期效果", c.PlanExpectedEffect),
            c.ExplainedOnCallAt is not null ? "已电话解释，客户接受。" : null,
            c.CustomerConfirmedDoneAt is not null ? "客户已确认处理完毕。" : null,
            c.PaymentReceivedAt is not null ? "客户已确认收到款项。" : null);
        var findings = c.Findings.Select((f, i) =>
            $"{i + 1}. [{(f.Side == FindingSide.Company ? "公司方" : "客户方")}{(f.DepartmentId is { } d && departments.TryGetValue(d, out var n) ? "·" + n : "")}] {f.Description}"
            + (string.IsNullOrWhiteSpace(f.PolicyBasis) ? "" : $"（依据：{f.PolicyBasis}）"));
        var causes = Paragraphs([Line("根本原因", c.RootCause), .. findings, c.Verdict is { } v ? "判责结论：" + VerdictName(v) : null, Line("总结原因", c.ReviewCause)]);
        var rectification = Paragraphs(Line("改善建议", c.ReviewImprovements), Line("公司风险", c.ReviewCompanyRisk));

        return new CaseReport(c.Number, customer, category, SeverityName(c.Severity), CreateComplaint.Describe(c.Channel), owner,
            c.CreatedAt, c.ClosedAt, ComplaintActions.StepName(c.Step), events, remedies, causes, rectification,
            c.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new CaseReportLine(t.At, t.ActorName ?? "", t.Text)).ToList());
    }

    internal static async Task<FileContentHttpResult> ExportXlsx(
        ComplaintStep? step, Guid? ownerId, Guid? customerId, ComplaintSeverity? severity, ComplaintChannel? channel, Guid? categoryId,
        bool? open, bool? pendingApproval, bool? repeat, bool? overdue, string? query, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var filter = new SearchComplaints.Filter(step, ownerId, customerId, severity, channel, categoryId, open, pendingApproval, repeat, query,
            overdue == true ? clock.GetUtcNow().UtcDateTime : null);
        var rows = new List<Dictionary<string, object?>>();
        for (var page = 1; page <= 50; page++)
        {
            var batch = await SearchComplaints.RunAsync(db, filter, new PageRequest(page, PageRequest.MaxPageSize), cancellationToken);
            rows.AddRange(batch.Items.Select(r => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["投诉编号"] = r.Number,
                ["客户"] = r.CustomerName,
                ["渠道"] = CreateComplaint.Describe(r.Channel),
                ["分类"] = r.CategoryName,
                ["严重程度"] = SeverityName(r.Severity),
                ["紧急程度"] = r.Urgency.ToString(),
                ["当前步骤"] = ComplaintActions.StepName(r.Step),
                ["负责人"] = r.OwnerName,
                ["重复投诉"] = r.IsRepeat ? "是" : "否",
                ["已升级"] = r.IsEscalated ? "是" : "否",
                ["承诺回复时间(UTC)"] = r.PromisedReplyAt,
                ["创建时间(UTC)"] = r.CreatedAt,
                ["更新时间(UTC)"] = r.UpdatedAt,
            }));
            if (page * PageRequest.MaxPageSize >= batch.Total)
            {
                break;
            }
        }

        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows, sheetName: "投诉列表", cancellationToken: cancellationToken);
        return TypedResults.File(stream.ToArray(), XlsxType, "complaints.xlsx");
    }

    private static string? Line(string label, string? value) => string.IsNullOrWhiteSpace(value) ? null : $"{label}：{value}";

    private static string Paragraphs(params IEnumerable<string?> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            builder.AppendLine(part);
        }

        return builder.ToString().TrimEnd();
    }

    public static string SeverityName(ComplaintSeverity severity) => severity switch
    {
        ComplaintSeverity.Low => "低",
        ComplaintSeverity.Medium => "中",
        ComplaintSeverity.High => "高",
        ComplaintSeverity.Critical => "严重",
        _ => severity.ToString(),
    };

    public static string PlanName(PlanKind kind) => kind switch
    {
        PlanKind.ExplanationOnly => "电话解释",
        PlanKind.OfflineWork => "线下处理（维修/补发/手续）",
        PlanKind.Refund => "退款",
        PlanKind.Compensation => "赔付",
        PlanKind.Coupon => "优惠券",
        PlanKind.CompensatoryCare => "补偿性关照",
        _ => kind.ToString(),
    };

    public static string VerdictName(ResponsibilityVerdict verdict) => verdict switch
    {
        ResponsibilityVerdict.CompanyLiable => "公司责任",
        ResponsibilityVerdict.CustomerLiable => "客户责任",
        ResponsibilityVerdict.SharedLiability => "双方均有责任",
        ResponsibilityVerdict.NoFault => "双方均无责任",
        _ => verdict.ToString(),
    };
}
