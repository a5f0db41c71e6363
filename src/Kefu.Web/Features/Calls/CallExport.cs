using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcelLibs;

namespace Kefu.Web.Features.Calls;

/// <summary>The call list as an Excel workbook (the KPI dashboard's drill-down can be taken away).</summary>
public static class CallExport
{
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private const int MaxRows = 20_000;

    public static IEndpointRouteBuilder MapCallExportApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/calls/export.xlsx", Export).WithTags("Calls").RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("ExportCalls")
            .WithSummary($"The call list (same filters as GET /api/v1/calls, newest first, up to {MaxRows:N0} rows) as an Excel workbook; caller numbers masked.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    internal static async Task<FileContentHttpResult> Export(string? agent, string? queue, CallOutcome? outcome, CallStatus? status, Guid? customerId,
        DateTime? from, DateTime? to, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var filter = new CallsApi.CallFilter(agent, queue, outcome, status, customerId, from, to);
        var rows = new List<Dictionary<string, object?>>();
        for (var page = 1; rows.Count < MaxRows; page++)
        {
            var batch = await CallsApi.SearchAsync(db, filter, new PageRequest(page, PageRequest.MaxPageSize), user, cancellationToken);
            rows.AddRange(batch.Items.Select(c => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["通话ID"] = c.Id,
                ["来电号码"] = c.From,
                ["状态"] = c.Status.ToString(),
                ["结果"] = c.Outcome?.ToString(),
                ["队列"] = c.Queue,
                ["坐席"] = c.Agent,
                ["IVR"] = c.IvrPath,
                ["来电时间(北京)"] = c.OfferedAt is { } o ? ComplaintTime.ToChina(o) : null,
                ["接通时间(北京)"] = c.AnsweredAt is { } a ? ComplaintTime.ToChina(a) : null,
                ["结束时间(北京)"] = c.EndedAt is { } e ? ComplaintTime.ToChina(e) : null,
                ["等待(秒)"] = c.WaitSeconds,
                ["通话(秒)"] = c.TalkSeconds,
                ["3声内接听"] = YesNo(c.AnsweredWithinRings),
                ["15秒内转人工"] = YesNo(c.ReachedAgentInTarget),
                ["一次性解决"] = YesNo(c.SolvedOnFirstContact),
            }));
            if (page * PageRequest.MaxPageSize >= batch.Total)
            {
                break;
            }
        }

        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows.Take(MaxRows), sheetName: "通话记录", cancellationToken: cancellationToken);
        return TypedResults.File(stream.ToArray(), XlsxType, "calls.xlsx");
    }

    private static string? YesNo(bool? value) => value switch
    {
        true => "是",
        false => "否",
        null => null,
    };
}
