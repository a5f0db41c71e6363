using System.Globalization;
using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Improvements;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Quality;

/// <summary>Employee feedback from the monthly staff meeting: raised by any staff member, answered by a supervisor, closed,
/// optionally turned into an improvement item.</summary>
public static class EmployeeFeedbackApi
{
    public static IEndpointRouteBuilder MapEmployeeFeedbackApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/quality/feedback").WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListEmployeeFeedback").WithSummary("Employee feedback, newest first (status, category, month filters).");
        group.MapGet("/{id:guid}", Get).WithName("GetEmployeeFeedback").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", Create).WithName("RaiseEmployeeFeedback")
            .WithSummary("Any staff member raises a problem or suggestion: topic, text, category (Process, System, Script, Knowledge, Customer, Other), meetingMonth (yyyy-MM, default this month).")
            .ProducesValidationProblem();
        group.MapPost("/{id:guid}/answer", Answer).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("AnswerEmployeeFeedback")
            .WithSummary("A supervisor answers (or revises the answer) until closed. If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/close", Close).WithName("CloseEmployeeFeedback")
            .WithSummary("Close answered feedback: a Supervisor, an Admin or whoever raised it. If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/improvement", ToImprovement).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("RaiseImprovementFromFeedback")
            .WithSummary("Turn open or answered feedback into an improvement item for a department (departmentId; title defaults to the topic) and link it. If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return routes;
    }

    public sealed record FeedbackInput(string? Topic, string? Text, FeedbackCategory? Category, string? MeetingMonth);

    public sealed record AnswerInput(string? Response);

    public sealed record ImprovementInput(Guid? DepartmentId, string? Title, DateTime? DueAt);

    public sealed record FeedbackView(Guid Id, string Topic, string Text, FeedbackCategory Category, string MeetingMonth, string RaisedBy, FeedbackStatus Status,
        string? Response, string? AnsweredBy, DateTime? AnsweredAt, string? ClosedBy, DateTime? ClosedAt, Guid? ImprovementItemId, DateTime CreatedAt, Guid Version)
    {
        public static FeedbackView From(EmployeeFeedback f) => new(f.Id, f.Topic, f.Text, f.Category, f.MeetingMonth, f.RaisedBy, f.Status, f.Response, f.AnsweredBy,
            f.AnsweredAt, f.ClosedBy, f.ClosedAt, f.ImprovementItemId, f.CreatedAt, f.Version);
    }

    internal static async Task<Ok<List<FeedbackView>>> List(FeedbackStatus? status, FeedbackCategory? category, string? month, KefuDbContext db,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, status, category, month, cancellationToken));

    public static async Task<List<FeedbackView>> ListAsync(KefuDbContext db, FeedbackStatus? status, FeedbackCategory? category, string? month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var items = db.Set<EmployeeFeedback>().AsNoTracking();
        if (status is { } s)
        {
            items = items.Where(f => f.Status == s);
        }

        if (category is { } c)
        {
            items = items.Where(f => f.Category == c);
        }

        if (!string.IsNullOrWhiteSpace(month))
        {
            items = items.Where(f => f.MeetingMonth == month);
        }

        var rows = await items.OrderByDescending(f => f.CreatedAt).ThenBy(f => f.Id).Take(500).ToListAsync(cancellationToken);
        return rows.ConvertAll(FeedbackView.From);
    }

    internal static async Task<Results<Ok<FeedbackView>, NotFound>> Get(Guid id, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var item = await db.Set<EmployeeFeedback>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (item is null)
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETags.Format(item.Version);
        return TypedResults.Ok(FeedbackView.From(item));
    }

    internal static async Task<Created<FeedbackView>> Create(FeedbackInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var created = await RaiseAsync(db, input, user, clock, cancellationToken);
        response.Headers.ETag = ETags.Format(created.Version);
        return TypedResults.Created($"/api/v1/quality/feedback/{created.Id}", created);
    }

    public static async Task<FeedbackView> RaiseAsync(KefuDbContext db, FeedbackInput input, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        var errors = new FieldErrors().Required("topic", input.Topic, 200).Required("text", input.Text, 4000).NoPii("text", input.Text);
        if (input.Category is not { } category || !Enum.IsDefined(category))
        {
            errors.Add("category", "is required: Process, System, Script, Knowledge, Customer or Other");
        }

        var month = string.IsNullOrWhiteSpace(input.MeetingMonth)
            ? CoachingApi.Today(clock).ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : input.MeetingMonth.Trim();
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add("meetingMonth", "must be a month like 2026-11");
        }

        errors.ThrowIfAny();
        var item = new EmployeeFeedback
        {
            Id = Ids.New(),
            Topic = input.Topic!.Trim(),
            Text = input.Text!.Trim(),
            Category = input.Category!.Value,
            MeetingMonth = month,
            RaisedBy = user.Identity?.Name ?? "",
        };
        db.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return FeedbackView.From(item);
    }

    internal static async Task<Ok<FeedbackView>> Answer(Guid id, AnswerInput input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Respond(request, await AnswerAsync(db, id, ETags.RequireIfMatch(request), input.Response, user, clock, cancellationToken));

    public static Task<FeedbackView> AnswerAsync(KefuDbContext db, Guid id, Guid expectedVersion, string? response, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        new FieldErrors().Required("response", response, 4000).ThrowIfAny();
        return ChangeAsync(db, id, expectedVersion, clock, (item, now) => item.Answer(PiiDetector.Mask(response!.Trim()), user.Identity?.Name ?? "", now), cancellationToken);
    }

    internal static async Task<Ok<FeedbackView>> Close(Guid id, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Respond(request, await CloseAsync(db, id, ETags.RequireIfMatch(request), user, clock, cancellationToken));

    public static Task<FeedbackView> CloseAsync(KefuDbContext db, Guid id, Guid expectedVersion, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lead = user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin);
        return ChangeAsync(db, id, expectedVersion, clock, (item, now) =>
        {
            if (!lead && !string.Equals(item.RaisedBy, user.Identity?.Name, StringComparison.Ordinal))
            {
                throw new ForbiddenException("Feedback is closed by a Supervisor, an Admin or whoever raised it.");
            }

            item.Close(user.Identity?.Name ?? "", now);
        }, cancellationToken);
    }

    internal static async Task<Ok<FeedbackView>> ToImprovement(Guid id, ImprovementInput input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken) =>
        Respond(request, await RaiseImprovementAsync(db, id, ETags.RequireIfMatch(request), input, user, clock, cancellationToken));

    /// <summary>
    /// Raises an improvement item (the Improvements feature's own use case, so its rules apply) from the feedback and
    /// links it, in one transaction: a stale version or a second conversion leaves no orphan item behind.
    /// </summary>
    public static async Task<FeedbackView> RaiseImprovementAsync(KefuDbContext db, Guid id, Guid expectedVersion, ImprovementInput input, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var feedback = await db.Set<EmployeeFeedback>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException("Employee feedback", id);
        if (feedback.Version != expectedVersion)
        {
            throw new StaleVersionException("Employee feedback", feedback.Version);
        }

        if (feedback.ImprovementItemId is not null || feedback.Status == FeedbackStatus.Closed)
        {
            feedback.LinkImprovement(Guid.Empty); // throws the matching conflict
        }

        var description = $"员工反馈（{feedback.MeetingMonth}，{feedback.RaisedBy}）：{feedback.Text}"
            + (feedback.Response is { } answer ? $"\n答复：{answer}" : "");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var improvement = await ImprovementsApi.RaiseAsync(db,
            new ImprovementsApi.ImprovementInput(string.IsNullOrWhiteSpace(input.Title) ? feedback.Topic : input.Title, description.Length > 4000 ? description[..4000] : description,
                input.DepartmentId, null, input.DueAt),
            CurrentActor.From(user), clock, cancellationToken);
        var view = await ChangeAsync(db, id, expectedVersion, clock, (item, _) => item.LinkImprovement(improvement.Id), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return view;
    }

    private static Ok<FeedbackView> Respond(HttpRequest request, FeedbackView view)
    {
        request.HttpContext.Response.Headers.ETag = ETags.Format(view.Version);
        return TypedResults.Ok(view);
    }

    private static async Task<FeedbackView> ChangeAsync(KefuDbContext db, Guid id, Guid expectedVersion, TimeProvider clock, Action<EmployeeFeedback, DateTime> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var item = await db.Set<EmployeeFeedback>().SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException("Employee feedback", id);
        if (item.Version != expectedVersion)
        {
            throw new StaleVersionException("Employee feedback", item.Version);
        }

        db.Entry(item).Property(f => f.Version).OriginalValue = expectedVersion;
        change(item, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<EmployeeFeedback>().AsNoTracking().Where(f => f.Id == id).Select(f => f.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Employee feedback", current);
        }

        return FeedbackView.From(item);
    }
}
