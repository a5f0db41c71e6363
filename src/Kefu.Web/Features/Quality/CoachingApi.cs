using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Quality;

/// <summary>Coaching items: created by QA or a supervisor for an agent, acknowledged by that agent, closed with an outcome.</summary>
public static class CoachingApi
{
    public static IEndpointRouteBuilder MapCoachingApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/quality/coaching").WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListCoachingItems")
            .WithSummary("Coaching items (agent, status, overdue=true filters); an agent sees only their own.");
        group.MapGet("/{id:guid}", Get).WithName("GetCoachingItem").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.QualityLead).WithName("CreateCoachingItem")
            .WithSummary("QA, a Supervisor or an Admin coaches an agent: agent, topic, improvement, dueOn (China date), evaluationId (optional, the agent's).")
            .ProducesValidationProblem();
        group.MapPut("/{id:guid}", Update).RequireAuthorization(KefuPolicies.QualityLead).WithName("UpdateCoachingItem")
            .WithSummary("Change topic, improvement or due day while not closed. If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/acknowledge", Acknowledge).WithName("AcknowledgeCoachingItem")
            .WithSummary("The coached agent acknowledges an open item (403 for anyone else). If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/done", Done).RequireAuthorization(KefuPolicies.QualityLead).WithName("CompleteCoachingItem")
            .WithSummary("Close an acknowledged item as done, with its outcome. If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/cancel", Cancel).RequireAuthorization(KefuPolicies.QualityLead).WithName("CancelCoachingItem")
            .WithSummary("Cancel an item that is not closed, with the reason. If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return routes;
    }

    public sealed record CoachingInput(string? Agent, Guid? EvaluationId, string? Topic, string? Improvement, DateOnly? DueOn);

    public sealed record CoachingChange(string? Topic, string? Improvement, DateOnly? DueOn);

    public sealed record OutcomeInput(string? Outcome);

    public sealed record CoachingView(Guid Id, string Agent, Guid? EvaluationId, string Topic, string Improvement, DateOnly? DueOn, CoachingStatus Status,
        bool Overdue, string CreatedBy, DateTime CreatedAt, DateTime? AcknowledgedAt, DateTime? ClosedAt, string? ClosedBy, string? Outcome, Guid Version)
    {
        public static CoachingView From(CoachingItem c, DateOnly today) => new(c.Id, c.Agent, c.EvaluationId, c.Topic, c.Improvement, c.DueOn, c.Status,
            c.IsOverdue(today), c.CreatedBy, c.CreatedAt, c.AcknowledgedAt, c.ClosedAt, c.ClosedBy, c.Outcome, c.Version);
    }

    /// <summary>Today in China: due days and overdue are China calendar days.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(ComplaintTime.ToChina(clock.GetUtcNow().UtcDateTime));
    }

    internal static async Task<Ok<List<CoachingView>>> List(string? agent, CoachingStatus? status, bool? overdue, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, user, agent, status, overdue == true, clock, cancellationToken));

    /// <summary>The items the user may see, newest first: every agent's for QA/Supervisors/Admins, their own otherwise.</summary>
    public static async Task<List<CoachingView>> ListAsync(KefuDbContext db, ClaimsPrincipal user, string? agent, CoachingStatus? status, bool overdueOnly,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var today = Today(clock);
        var items = db.Set<CoachingItem>().AsNoTracking();
        if (!ScorecardsApi.SeesEveryone(user))
        {
            var me = user.Identity?.Name;
            items = items.Where(c => c.Agent == me);
        }

        if (!string.IsNullOrWhiteSpace(agent))
        {
            items = items.Where(c => c.Agent == agent);
        }

        if (status is { } s)
        {
            items = items.Where(c => c.Status == s);
        }

        if (overdueOnly)
        {
            items = items.Where(c => (c.Status == CoachingStatus.Open || c.Status == CoachingStatus.Acknowledged) && c.DueOn != null && c.DueOn < today);
        }

        var rows = await items.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Take(500).ToListAsync(cancellationToken);
        return rows.ConvertAll(c => CoachingView.From(c, today));
    }

    internal static async Task<Results<Ok<CoachingView>, NotFound>> Get(Guid id, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var item = await db.Set<CoachingItem>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (item is null || !MaySee(user, item))
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETags.Format(item.Version);
        return TypedResults.Ok(CoachingView.From(item, Today(clock)));
    }

    private static bool MaySee(ClaimsPrincipal user, CoachingItem item) =>
        ScorecardsApi.SeesEveryone(user) || string.Equals(item.Agent, user.Identity?.Name, StringComparison.Ordinal);

    internal static async Task<Created<CoachingView>> Create(CoachingInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var created = await CreateAsync(db, input, user, clock, cancellationToken);
        response.Headers.ETag = ETags.Format(created.Version);
        return TypedResults.Created($"/api/v1/quality/coaching/{created.Id}", created);
    }

    /// <summary>Creates an item for an existing agent; a linked evaluation must be of that agent's call.</summary>
    public static async Task<CoachingView> CreateAsync(KefuDbContext db, CoachingInput input, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        var today = Today(clock);
        var errors = new FieldErrors().Required("agent", input.Agent, 64).Required("topic", input.Topic, 200).Required("improvement", input.Improvement, 2000);
        if (input.DueOn is { } due && due < today)
        {
            errors.Add("dueOn", "must not be in the past");
        }

        errors.ThrowIfAny();
        var agent = input.Agent!.Trim();
        if (!await db.Users.AsNoTracking().AnyAsync(u => u.UserName == agent, cancellationToken))
        {
            errors.Add("agent", "must name an existing user");
        }

        if (input.EvaluationId is { } evaluationId)
        {
            var evaluatedAgent = await db.Set<Evaluation>().AsNoTracking().Where(e => e.Id == evaluationId).Select(e => new { e.Agent }).SingleOrDefaultAsync(cancellationToken);
            if (evaluatedAgent is null)
            {
                errors.Add("evaluationId", "must name an existing evaluation");
            }
            else if (!string.Equals(evaluatedAgent.Agent, agent, StringComparison.Ordinal))
            {
                errors.Add("evaluationId", "must be an evaluation of this agent's call");
            }
        }

        errors.ThrowIfAny();
        var item = new CoachingItem
        {
            Id = Ids.New(),
            Agent = agent,
            EvaluationId = input.EvaluationId,
            Topic = PiiDetector.Mask(input.Topic!.Trim()),
            Improvement = PiiDetector.Mask(input.Improvement!.Trim()),
            DueOn = input.DueOn,
            CreatedBy = user.Identity?.Name ?? "",
        };
        db.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return CoachingView.From(item, today);
    }

    internal static async Task<Ok<CoachingView>> Update(Guid id, CoachingChange input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Respond(request, await UpdateAsync(db, id, ETags.RequireIfMatch(request), input, user, clock, cancellationToken));

    public static async Task<CoachingView> UpdateAsync(KefuDbContext db, Guid id, Guid expectedVersion, CoachingChange input, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors().MaxLength("topic", input.Topic, 200).MaxLength("improvement", input.Improvement, 2000);
        if (input.Topic is not null && string.IsNullOrWhiteSpace(input.Topic))
        {
            errors.Add("topic", "must not be empty");
        }

        if (input.Improvement is not null && string.IsNullOrWhiteSpace(input.Improvement))
        {
            errors.Add("improvement", "must not be empty");
        }

        errors.ThrowIfAny();
        return await ChangeAsync(db, id, expectedVersion, user, clock, (item, _, _) =>
        {
            if (item.IsClosed)
            {
                throw new ConflictException("The coaching item is closed already.", ["coachingClosed"]);
            }

            item.Topic = input.Topic is null ? item.Topic : PiiDetector.Mask(input.Topic.Trim());
            item.Improvement = input.Improvement is null ? item.Improvement : PiiDetector.Mask(input.Improvement.Trim());
            item.DueOn = input.DueOn ?? item.DueOn;
        }, cancellationToken);
    }

    internal static async Task<Ok<CoachingView>> Acknowledge(Guid id, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Respond(request, await AcknowledgeAsync(db, id, ETags.RequireIfMatch(request), user, clock, cancellationToken));

    public static Task<CoachingView> AcknowledgeAsync(KefuDbContext db, Guid id, Guid expectedVersion, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(db, id, expectedVersion, user, clock, (item, me, now) => item.Acknowledge(me, now), cancellationToken, ownerOnly: true);

    internal static async Task<Ok<CoachingView>> Done(Guid id, OutcomeInput input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Respond(request, await CompleteAsync(db, id, ETags.RequireIfMatch(request), input.Outcome, user, clock, cancellationToken));

    public static Task<CoachingView> CompleteAsync(KefuDbContext db, Guid id, Guid expectedVersion, string? outcome, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        new FieldErrors().Required("outcome", outcome, 2000).ThrowIfAny();
        return ChangeAsync(db, id, expectedVersion, user, clock, (item, me, now) => item.Complete(PiiDetector.Mask(outcome!.Trim()), me, now), cancellationToken);
    }

    internal static async Task<Ok<CoachingView>> Cancel(Guid id, OutcomeInput input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Respond(request, await CancelAsync(db, id, ETags.RequireIfMatch(request), input.Outcome, user, clock, cancellationToken));

    public static Task<CoachingView> CancelAsync(KefuDbContext db, Guid id, Guid expectedVersion, string? reason, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        new FieldErrors().Required("outcome", reason, 2000).ThrowIfAny();
        return ChangeAsync(db, id, expectedVersion, user, clock, (item, me, now) => item.Cancel(PiiDetector.Mask(reason!.Trim()), me, now), cancellationToken);
    }

    private static Ok<CoachingView> Respond(HttpRequest request, CoachingView view)
    {
        request.HttpContext.Response.Headers.ETag = ETags.Format(view.Version);
        return TypedResults.Ok(view);
    }

    /// <summary>
    /// Loads the item, checks who may change it (only its agent when <paramref name="ownerOnly"/>) and the version they read
    /// (412 when stale), applies the change and saves; the store re-checks the version in the UPDATE.
    /// </summary>
    private static async Task<CoachingView> ChangeAsync(KefuDbContext db, Guid id, Guid expectedVersion, ClaimsPrincipal user, TimeProvider clock,
        Action<CoachingItem, string, DateTime> change, CancellationToken cancellationToken, bool ownerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(clock);
        var item = await db.Set<CoachingItem>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Coaching item", id);
        var me = user.Identity?.Name ?? "";
        if (ownerOnly && !string.Equals(item.Agent, me, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the coached agent may do this.");
        }

        if (!ownerOnly && !MaySee(user, item))
        {
            throw new NotFoundException("Coaching item", id);
        }

        if (item.Version != expectedVersion)
        {
            throw new StaleVersionException("Coaching item", item.Version);
        }

        db.Entry(item).Property(c => c.Version).OriginalValue = expectedVersion;
        change(item, me, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<CoachingItem>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Coaching item", current);
        }

        return CoachingView.From(item, Today(clock));
    }
}
