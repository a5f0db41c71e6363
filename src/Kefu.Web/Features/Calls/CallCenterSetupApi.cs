using System.Text.RegularExpressions;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Customers;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>Queues and hotlines (IVR menus, business hours): read by staff, edited by Admin.</summary>
public static partial class CallCenterSetupApi
{
    public static IEndpointRouteBuilder MapCallCenterSetupApi(this IEndpointRouteBuilder routes)
    {
        var queues = routes.MapGroup("/api/v1/queues").WithTags("Call center setup").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        queues.MapGet("/", ListQueues).WithName("ListQueues").WithSummary("ACD queues with skill, strategy, ring timeout, wrap-up, overflow and callback offer.");
        queues.MapPut("/{id}", PutQueue).RequireAuthorization(KefuPolicies.Admin).WithName("PutQueue")
            .WithSummary("Create or replace a queue (If-Match required to replace). Strategy: LongestIdle, RoundRobin, FewestCalls, RingAll, SkillTiers.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);

        var hotlines = routes.MapGroup("/api/v1/hotlines").WithTags("Call center setup").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        hotlines.MapGet("/", ListHotlines).WithName("ListHotlines").WithSummary("Hotlines with IVR menu tree and business hours.");
        hotlines.MapPost("/", CreateHotline).RequireAuthorization(KefuPolicies.Admin).WithName("CreateHotline").ProducesValidationProblem();
        hotlines.MapPut("/{id:guid}", UpdateHotline).RequireAuthorization(KefuPolicies.Admin).WithName("UpdateHotline")
            .WithSummary("Replace a hotline's menu, prompts and hours (If-Match required). Each menu leaf names a queue.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return routes;
    }

    public sealed record QueueView(string Id, string Name, string Skill, RoutingStrategy Strategy, int RingTimeoutSeconds, int WrapUpSeconds,
        int? OverflowAfterSeconds, string? OverflowQueueId, int? CallbackOfferAfterSeconds, string? WaitPrompt, int SortOrder, Guid Version)
    {
        public static QueueView From(CallQueue q) => new(q.Id, q.Name, q.Skill, q.Strategy, q.RingTimeoutSeconds, q.WrapUpSeconds, q.OverflowAfterSeconds,
            q.OverflowQueueId, q.CallbackOfferAfterSeconds, q.WaitPrompt, q.SortOrder, q.Version);
    }

    public sealed record QueueInput(string? Name, string? Skill, RoutingStrategy? Strategy, int? RingTimeoutSeconds, int? WrapUpSeconds,
        int? OverflowAfterSeconds, string? OverflowQueueId, int? CallbackOfferAfterSeconds, string? WaitPrompt, int? SortOrder);

    public sealed record HotlineView(Guid Id, string Number, string Name, string Greeting, IReadOnlyList<IvrOption> Menu, string OpensAt, string ClosesAt,
        string OpenDays, string AfterHoursPrompt, AfterHoursMode AfterHoursMode, string InvalidChoicePrompt, bool IsDefault, Guid Version)
    {
        public static HotlineView From(Hotline h) => new(h.Id, h.Number, h.Name, h.Greeting, h.Menu, h.OpensAt, h.ClosesAt, h.OpenDays, h.AfterHoursPrompt,
            h.AfterHoursMode, h.InvalidChoicePrompt, h.IsDefault, h.Version);
    }

    public sealed record HotlineInput(string? Number, string? Name, string? Greeting, IReadOnlyList<IvrOption>? Menu, string? OpensAt, string? ClosesAt,
        string? OpenDays, string? AfterHoursPrompt, AfterHoursMode? AfterHoursMode, string? InvalidChoicePrompt, bool? IsDefault);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.None, 100)]
    private static partial Regex QueueIdPattern();

    [GeneratedRegex("^(?:[01][0-9]|2[0-3]):[0-5][0-9]$", RegexOptions.None, 100)]
    private static partial Regex TimePattern();

    internal static async Task<Ok<List<QueueView>>> ListQueues(KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.Set<CallQueue>().AsNoTracking().OrderBy(q => q.SortOrder).ThenBy(q => q.Id).ToListAsync(cancellationToken)).ConvertAll(QueueView.From));

    internal static async Task<Results<Ok<QueueView>, Created<QueueView>>> PutQueue(string id, QueueInput input, HttpRequest request, HttpResponse response,
        KefuDbContext db, CallCenter center, CancellationToken cancellationToken)
    {
        var (queue, created) = await SaveQueueAsync(db, center, id, input, IfMatch(request), cancellationToken);
        response.Headers.ETag = ETags.Format(queue.Version);
        return created ? TypedResults.Created($"/api/v1/queues/{id}", QueueView.From(queue)) : TypedResults.Ok(QueueView.From(queue));
    }

    /// <summary>
    /// Creates the queue <paramref name="id"/> or replaces it when <paramref name="expectedVersion"/> is still its version
    /// (required to replace: 428 without, 412 when stale), then reloads the live ACD's queues.
    /// </summary>
    public static async Task<(CallQueue Queue, bool Created)> SaveQueueAsync(KefuDbContext db, CallCenter center, string id, QueueInput input, Guid? expectedVersion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(center);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors().Required("name", input.Name, 60).Required("skill", input.Skill, 40).MaxLength("waitPrompt", input.WaitPrompt, 500);
        if (!QueueIdPattern().IsMatch(id))
        {
            errors.Add("id", "must be 1–40 lower-case letters, digits or '-'");
        }

        if (input.RingTimeoutSeconds is < 5 or > 120)
        {
            errors.Add("ringTimeoutSeconds", "must be 5–120 seconds");
        }

        if (input.WrapUpSeconds is < 0 or > 1800)
        {
            errors.Add("wrapUpSeconds", "must be 0–1800 seconds");
        }

        if (input.OverflowAfterSeconds is not null != input.OverflowQueueId is not null)
        {
            errors.Add("overflowQueueId", "overflowAfterSeconds and overflowQueueId go together");
        }
        else if (input.OverflowQueueId is { } target)
        {
            if (target == id)
            {
                errors.Add("overflowQueueId", "a queue cannot overflow to itself");
            }
            else if (!await db.Set<CallQueue>().AnyAsync(q => q.Id == target, cancellationToken))
            {
                errors.Add("overflowQueueId", "must name an existing queue");
            }

            if (input.OverflowAfterSeconds is < 5 or > 3600)
            {
                errors.Add("overflowAfterSeconds", "must be 5–3600 seconds");
            }
        }

        if (input.CallbackOfferAfterSeconds is < 10 or > 3600)
        {
            errors.Add("callbackOfferAfterSeconds", "must be 10–3600 seconds");
        }

        errors.ThrowIfAny();
        var queue = await db.Set<CallQueue>().SingleOrDefaultAsync(q => q.Id == id, cancellationToken);
        var created = queue is null;
        if (queue is null)
        {
            queue = new CallQueue { Id = id, Name = input.Name!, Skill = input.Skill! };
            db.Add(queue);
        }
        else if ((expectedVersion ?? throw new PreconditionRequiredException()) != queue.Version)
        {
            throw new StaleVersionException("Queue", queue.Version);
        }

        queue.Name = input.Name!.Trim();
        queue.Skill = input.Skill!.Trim();
        queue.Strategy = input.Strategy ?? RoutingStrategy.LongestIdle;
        queue.RingTimeoutSeconds = input.RingTimeoutSeconds ?? 15;
        queue.WrapUpSeconds = input.WrapUpSeconds ?? 30;
        queue.OverflowAfterSeconds = input.OverflowAfterSeconds;
        queue.OverflowQueueId = input.OverflowQueueId;
        queue.CallbackOfferAfterSeconds = input.CallbackOfferAfterSeconds;
        queue.WaitPrompt = input.WaitPrompt;
        queue.SortOrder = input.SortOrder ?? queue.SortOrder;
        await db.SaveChangesAsync(cancellationToken);
        await center.ReloadQueuesAsync(cancellationToken);
        return (queue, created);
    }

    internal static async Task<Ok<List<HotlineView>>> ListHotlines(KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.Set<Hotline>().AsNoTracking().OrderByDescending(h => h.IsDefault).ThenBy(h => h.Number).ToListAsync(cancellationToken)).ConvertAll(HotlineView.From));

    internal static async Task<Created<HotlineView>> CreateHotline(HotlineInput input, KefuDbContext db, CancellationToken cancellationToken)
    {
        var hotline = await CreateHotlineAsync(db, input, cancellationToken);
        return TypedResults.Created($"/api/v1/hotlines/{hotline.Id}", HotlineView.From(hotline));
    }

    /// <summary>Creates a hotline after the checks of <see cref="ApplyAsync"/> (number, prompts, hours, IVR menu).</summary>
    public static async Task<Hotline> CreateHotlineAsync(KefuDbContext db, HotlineInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var hotline = new Hotline { Id = Ids.New(), Number = "", Name = "", Greeting = "", AfterHoursPrompt = "" };
        await ApplyAsync(db, hotline, input, cancellationToken);
        db.Add(hotline);
        await db.SaveChangesAsync(cancellationToken);
        return hotline;
    }

    internal static async Task<Results<Ok<HotlineView>, NotFound>> UpdateHotline(Guid id, HotlineInput input, HttpRequest request, HttpResponse response,
        KefuDbContext db, CancellationToken cancellationToken)
    {
        var hotline = await UpdateHotlineAsync(db, id, input, IfMatch(request), cancellationToken);
        if (hotline is null)
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETags.Format(hotline.Version);
        return TypedResults.Ok(HotlineView.From(hotline));
    }

    /// <summary>
    /// Replaces a hotline's menu, prompts and hours if <paramref name="expectedVersion"/> is still its version (required:
    /// 428 without, 412 when stale); null when there is no such hotline.
    /// </summary>
    public static async Task<Hotline?> UpdateHotlineAsync(KefuDbContext db, Guid id, HotlineInput input, Guid? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var hotline = await db.Set<Hotline>().SingleOrDefaultAsync(h => h.Id == id, cancellationToken);
        if (hotline is null)
        {
            return null;
        }

        if ((expectedVersion ?? throw new PreconditionRequiredException()) != hotline.Version)
        {
            throw new StaleVersionException("Hotline", hotline.Version);
        }

        await ApplyAsync(db, hotline, input, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return hotline;
    }

    /// <summary>The If-Match version, or null without one (replacing then answers 428, see <see cref="ETags.RequireIfMatch"/>).</summary>
    private static Guid? IfMatch(HttpRequest request) => string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString()) ? null : ETags.RequireIfMatch(request);

    /// <summary>
    /// Replaces an agent's skills with the rules of <c>PUT /api/v1/agents/{userName}/skills</c>: at least one, each the
    /// skill of a configured queue and at most once, level 1–10. Null when there is no such active user.
    /// </summary>
    public static async Task<AgentSnapshot?> SetAgentSkillsAsync(KefuDbContext db, CallCenter center, string userName, IReadOnlyList<AgentSkill> skills,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(center);
        ArgumentNullException.ThrowIfNull(skills);
        var errors = new FieldErrors();
        if (skills.Count == 0)
        {
            errors.Add("skills", "at least one skill is required");
        }

        var known = await db.Set<CallQueue>().AsNoTracking().Select(q => q.Skill).Distinct().ToListAsync(cancellationToken);
        for (var i = 0; i < skills.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(skills[i].Skill) || !known.Contains(skills[i].Skill, StringComparer.Ordinal))
            {
                errors.Add($"skills[{i}].skill", "must be the skill of a configured queue: " + string.Join(", ", known));
            }

            if (skills[i].Level is < 1 or > 10)
            {
                errors.Add($"skills[{i}].level", "must be 1–10");
            }
        }

        if (skills.Select(s => s.Skill).Distinct(StringComparer.Ordinal).Count() != skills.Count)
        {
            errors.Add("skills", "each skill may appear once");
        }

        errors.ThrowIfAny();
        if (!await db.Users.AnyAsync(u => u.UserName == userName && u.IsActive, cancellationToken))
        {
            return null;
        }

        return await center.SetAgentSkillsAsync(userName, skills, cancellationToken);
    }

    private static async Task ApplyAsync(KefuDbContext db, Hotline hotline, HotlineInput input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("name", input.Name, 60).Required("greeting", input.Greeting, 500)
            .Required("afterHoursPrompt", input.AfterHoursPrompt, 500).MaxLength("invalidChoicePrompt", input.InvalidChoicePrompt, 500);
        var number = input.Number is null ? "" : PhoneNumbers.Normalize(input.Number);
        if (number.Length is < 3 or > 20)
        {
            errors.Add("number", "is required: the hotline's digits (3–20)");
        }
        else if (await db.Set<Hotline>().AnyAsync(h => h.Number == number && h.Id != hotline.Id, cancellationToken))
        {
            errors.Add("number", "is already another hotline's number");
        }

        foreach (var (field, value) in new[] { ("opensAt", input.OpensAt), ("closesAt", input.ClosesAt) })
        {
            if (value is not null && !TimePattern().IsMatch(value))
            {
                errors.Add(field, "must be a time HH:mm (China time)");
            }
        }

        if (input.OpenDays is { } days && (days.Length == 0 || days.Any(d => d is < '1' or > '7') || days.Distinct().Count() != days.Length))
        {
            errors.Add("openDays", "must list weekdays 1 (Monday) to 7 (Sunday), each once, e.g. 1234567");
        }

        var queues = (await db.Set<CallQueue>().AsNoTracking().Select(q => q.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        IvrMenu.Validate(input.Menu, queues, errors);
        errors.ThrowIfAny();
        hotline.Number = number;
        hotline.Name = input.Name!.Trim();
        hotline.Greeting = input.Greeting!.Trim();
        hotline.Menu = input.Menu!;
        hotline.OpensAt = input.OpensAt ?? hotline.OpensAt;
        hotline.ClosesAt = input.ClosesAt ?? hotline.ClosesAt;
        hotline.OpenDays = input.OpenDays ?? hotline.OpenDays;
        hotline.AfterHoursPrompt = input.AfterHoursPrompt!.Trim();
        hotline.AfterHoursMode = input.AfterHoursMode ?? hotline.AfterHoursMode;
        hotline.InvalidChoicePrompt = string.IsNullOrWhiteSpace(input.InvalidChoicePrompt) ? hotline.InvalidChoicePrompt : input.InvalidChoicePrompt.Trim();
        if (input.IsDefault == true && !hotline.IsDefault)
        {
            await db.Set<Hotline>().Where(h => h.IsDefault && h.Id != hotline.Id).ForEachAsync(h => h.IsDefault = false, cancellationToken);
        }

        hotline.IsDefault = input.IsDefault ?? hotline.IsDefault;
    }
}
