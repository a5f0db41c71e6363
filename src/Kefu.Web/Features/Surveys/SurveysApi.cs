using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MiniExcelLibs;

namespace Kefu.Web.Features.Surveys;

/// <summary>Satisfaction surveys: the customer's public link (no login, rate-limited) and the staff's results.</summary>
public static class SurveysApi
{
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapSurveysApi(this IEndpointRouteBuilder routes)
    {
        var open = routes.MapGroup("/api/v1/public/surveys").WithTags("Surveys (public)").AllowAnonymous().RequireRateLimiting(RateLimits.PublicSurvey)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status429TooManyRequests);
        open.MapGet("/{token}", GetPublic).WithName("GetPublicSurvey")
            .WithSummary("The survey behind a link: what is rated, until when, the reasons to tick, and whether it was answered (410 once expired).");
        open.MapPost("/{token}", Answer).WithName("AnswerSurvey")
            .WithSummary("Answer a survey once: rating 1–5, reasons (codes from the list), comment (PII masked). 409 when already answered, 410 when expired.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        var staff = routes.MapGroup("/api/v1/surveys").WithTags("Surveys").RequireAuthorization(KefuPolicies.SurveyRead)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        staff.MapGet("/", List).WithName("ListSurveys")
            .WithSummary("Survey invitations and answers (newest first) with CSAT and reason counts; filters from, to (invitation time, UTC), kind, agent, queue, satisfied, answered.")
            .ProducesValidationProblem();
        staff.MapGet("/export.xlsx", ExportXlsx).WithName("ExportSurveys")
            .WithSummary("The survey list (same filters, up to 10,000 rows) as an Excel workbook.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType);
        return routes;
    }

    internal static async Task<Ok<SurveyAnswers.PublicSurvey>> GetPublic(string token, KefuDbContext db, IOptions<SurveyOptions> options, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await SurveyAnswers.GetAsync(db, token, options.Value, clock, cancellationToken));

    internal static async Task<Ok<SurveyAnswers.PublicSurvey>> Answer(string token, SurveyAnswers.AnswerInput input, KefuDbContext db, IOptions<SurveyOptions> options,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SurveyAnswers.AnswerAsync(db, token, input, options.Value, clock, cancellationToken));

    internal static async Task<Ok<SurveyResults.Result>> List(DateTime? from, DateTime? to, string? kind, string? agent, string? queue, bool? satisfied, bool? answered,
        DateTime? callsFrom, DateTime? callsTo, int? page, int? pageSize, KefuDbContext db, IOptions<SurveyOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var filter = new SurveyResults.Filter(from, to, kind, agent, queue, satisfied, answered, callsFrom, callsTo);
        return TypedResults.Ok(await SurveyResults.RunAsync(db, filter, PageRequest.From(page, pageSize), options.Value, clock, cancellationToken));
    }

    internal static async Task<FileContentHttpResult> ExportXlsx(DateTime? from, DateTime? to, string? kind, string? agent, string? queue, bool? satisfied, bool? answered,
        DateTime? callsFrom, DateTime? callsTo, KefuDbContext db, IOptions<SurveyOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var filter = new SurveyResults.Filter(from, to, kind, agent, queue, satisfied, answered, callsFrom, callsTo);
        var labels = options.Value.EffectiveReasons.ToDictionary(r => r.Code, r => r.Label, StringComparer.Ordinal);
        var rows = new List<Dictionary<string, object?>>();
        for (var page = 1; page <= 50; page++)
        {
            var batch = await SurveyResults.RunAsync(db, filter, new PageRequest(page, PageRequest.MaxPageSize), options.Value, clock, cancellationToken);
            rows.AddRange(batch.Page.Items.Select(r => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["类型"] = KindName(r.Kind),
                ["坐席"] = r.Agent,
                ["队列"] = r.Queue,
                ["渠道"] = r.Channel,
                ["通话"] = r.CallId,
                ["投诉"] = r.ComplaintId?.ToString(),
                ["发送时间(UTC)"] = r.CreatedAt,
                ["回答时间(UTC)"] = r.AnsweredAt,
                ["评分"] = r.Rating,
                ["满意"] = r.Satisfied is { } s ? (s ? "是" : "否") : null,
                ["原因"] = string.Join("、", r.Reasons.Select(c => labels.GetValueOrDefault(c, c))),
                ["意见"] = r.Comment,
            }));
            if (page * PageRequest.MaxPageSize >= batch.Page.Total)
            {
                break;
            }
        }

        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows, sheetName: "满意度调查", cancellationToken: cancellationToken);
        return TypedResults.File(stream.ToArray(), XlsxType, "surveys.xlsx");
    }

    public static string KindName(string kind) => kind switch
    {
        SurveyKinds.Call => "通话",
        SurveyKinds.Complaint => "投诉结案",
        SurveyKinds.ReturnVisit => "回访",
        _ => kind,
    };
}
