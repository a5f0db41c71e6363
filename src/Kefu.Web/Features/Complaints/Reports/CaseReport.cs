namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Data of the case report (案例报告) of one complaint. Times are UTC (an unspecified kind is treated as UTC);
/// <see cref="CaseReportPdf"/> shows them in the reader's time zone.
/// </summary>
public sealed record CaseReport(string Number, string CustomerName, string Category, string Severity, string Channel, string Owner,
    DateTime CreatedAt, DateTime? ClosedAt, string Step, string EventDescription, string RemedialMeasures, string CauseAnalysis,
    string RectificationPlan, IReadOnlyList<CaseReportLine> Timeline);

/// <summary>One entry of the handling timeline (处理经过).</summary>
public sealed record CaseReportLine(DateTime At, string Actor, string Text);
