using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Quality;

/// <summary>The weekly QA sample (seed 003 §5.3): drawn once per week, listed per reviewer, calls added by hand.</summary>
public static class QaSamplesApi
{
    public static IEndpointRouteBuilder MapQaSamplesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/quality/samples").WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListQaSample")
            .WithSummary("A week's sample (week = ISO week like 2026-W48, default the current one; reviewer filters; mine = the caller's).");
        group.MapPost("/{week}/draw", Draw).RequireAuthorization(KefuPolicies.QualityWrite).WithName("DrawQaSample")
            .WithSummary("Draw the week's random 10 % of recorded calls, stratified by agent and spread over the QA reviewers. Once per week: a repeat changes nothing.")
            .ProducesValidationProblem();
        group.MapPost("/{week}/items", Add).RequireAuthorization(KefuPolicies.QualityWrite).WithName("AddToQaSample")
            .WithSummary("Add a call to the week's sample by hand (callId, reason; reviewer defaults to the caller).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    public sealed record SampleItemView(Guid Id, string CallId, string? Agent, string Reviewer, SampleSource Source, string? Reason, DateTime? CallAt, string? Outcome);

    public sealed record SampleView(string Week, bool Drawn, int Population, int DrawnCount, DateTime? DrawnAt, IReadOnlyList<SampleItemView> Items);

    public sealed record AddInput(string? CallId, string? Reviewer, string? Reason);

    public sealed record DrawView(string Week, bool DrewNow, SampleView Sample);

    public static async Task<SampleView> LoadAsync(KefuDbContext db, string week, string? reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var marker = await db.Set<QaSampleWeek>().AsNoTracking().SingleOrDefaultAsync(w => w.Week == week, cancellationToken);
        var items = db.Set<QaSampleItem>().AsNoTracking().Where(i => i.Week == week);
        if (reviewer is not null)
        {
            items = items.Where(i => i.Reviewer == reviewer);
        }

        var rows = await items.OrderBy(i => i.Reviewer).ThenBy(i => i.CallId).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.CallId).ToList();
        var calls = await db.Set<CallRecord>().AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.OfferedAt, c.Outcome })
            .ToDictionaryAsync(c => c.Id, StringComparer.Ordinal, cancellationToken);
        var views = rows.ConvertAll(r => new SampleItemView(r.Id, r.CallId, r.Agent, r.Reviewer, r.Source, r.Reason,
            calls.GetValueOrDefault(r.CallId)?.OfferedAt, calls.GetValueOrDefault(r.CallId)?.Outcome?.ToString()));
        return new SampleView(week, marker is not null, marker?.Population ?? 0, marker?.Drawn ?? 0, marker?.DrawnAt, views);
    }

    internal static async Task<Ok<SampleView>> List(string? week, string? reviewer, bool? mine, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var which = week ?? WeeklySample.WeekOf(clock.GetUtcNow().UtcDateTime);
        if (WeeklySample.Bounds(which) is null)
        {
            throw FieldValidationException.For("week", "must be an ISO week like 2026-W48");
        }

        return TypedResults.Ok(await LoadAsync(db, which, mine == true ? user.Identity?.Name : reviewer, cancellationToken));
    }

    internal static async Task<Ok<DrawView>> Draw(string week, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var drew = await WeeklySample.DrawWeekAsync(db, week, user.Identity?.Name, clock, cancellationToken);
        return TypedResults.Ok(new DrawView(week, drew, await LoadAsync(db, week, null, cancellationToken)));
    }

    internal static async Task<Created<SampleItemView>> Add(string week, AddInput input, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("callId", input.CallId, 100).MaxLength("reason", input.Reason, 200);
        if (WeeklySample.Bounds(week) is null)
        {
            errors.Add("week", "must be an ISO week like 2026-W48");
        }

        errors.ThrowIfAny();
        var call = await db.Set<CallRecord>().AsNoTracking().Where(c => c.Id == input.CallId).Select(c => new { c.Id, c.Agent, c.OfferedAt, c.Outcome })
            .SingleOrDefaultAsync(cancellationToken) ?? throw FieldValidationException.For("callId", "must name an existing call");
        var reviewer = input.Reviewer ?? user.Identity?.Name ?? "";
        if (!await db.Users.AnyAsync(u => u.UserName == reviewer && u.IsActive, cancellationToken))
        {
            throw FieldValidationException.For("reviewer", "must be the user name of an active user");
        }

        if (await db.Set<QaSampleItem>().AnyAsync(i => i.Week == week && i.CallId == call.Id, cancellationToken))
        {
            throw new ConflictException("The call is in this week's sample already.", ["alreadySampled"]);
        }

        var item = new QaSampleItem { Id = Ids.New(), Week = week, CallId = call.Id, Agent = call.Agent, Reviewer = reviewer, Source = SampleSource.Manual, Reason = input.Reason?.Trim(), AddedBy = user.Identity?.Name };
        db.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/quality/samples?week={week}",
            new SampleItemView(item.Id, item.CallId, item.Agent, item.Reviewer, item.Source, item.Reason, call.OfferedAt, call.Outcome?.ToString()));
    }
}
