using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// Promised callbacks (SPEC §2: "a promised callback with a deadline (examples: 2 h, 24 h) that the system tracks and
/// escalates when missed"): promised from the desktop, asked for by callers (virtual hold, after hours), or owed to
/// callers hit by a system fault. Tracked to done; an overdue one notifies its owner and the supervisors once.
/// </summary>
public static class CallCallbacks
{
    /// <summary>The presets of seed 003 §2.5 / §4.1.</summary>
    public static readonly IReadOnlyList<int> PresetHours = [2, 24];

    public sealed record CallbackView(Guid Id, string? CallId, Guid? CustomerId, string Phone, string Reason, CallbackSource Source, DateTime DueAt,
        string? AssignedTo, string? Queue, DateTime? DoneAt, string? DoneBy, string? Outcome, bool Overdue, Guid? FaultNoticeId, Guid Version);

    public sealed record PromiseInput(string? CallId, string? Phone, string? Reason, int? DueInHours, DateTime? DueAt, string? AssignedTo);

    public sealed record CompleteInput(string? Outcome);

    public static IEndpointRouteBuilder MapCallCallbacksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/call-callbacks").WithTags("Calls").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListCallCallbacks")
            .WithSummary("Callbacks; status = open (default), overdue or done; mine = only the caller's own; paged, soonest due first.");
        group.MapPost("/", Promise).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("PromiseCallCallback")
            .WithSummary("Promise a callback: callId (or phone), reason, dueInHours (2 or 24 are the presets) or dueAt; assignedTo defaults to the caller.")
            .ProducesValidationProblem();
        group.MapPost("/{id:guid}/complete", Complete).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("CompleteCallCallback")
            .WithSummary("Mark a callback done with its outcome (PII masked).").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    public static CallbackView View(CallCallback c, DateTime now, ClaimsPrincipal? viewer) =>
        new(c.Id, c.CallId, c.CustomerId, viewer is null ? PhoneNumbers.Mask(c.Phone) : PhoneNumbers.ForViewer(c.Phone, viewer), c.Reason, c.Source, c.DueAt,
            c.AssignedTo, c.Queue, c.DoneAt, c.DoneBy, c.Outcome, c.IsOpen && c.DueAt < now, c.FaultNoticeId, c.Version);

    internal static async Task<Ok<Page<CallbackView>>> List(string? status, bool? mine, int? page, int? pageSize, ClaimsPrincipal user, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var items = db.Set<CallCallback>().AsNoTracking();
        items = status switch
        {
            "done" => items.Where(c => c.DoneAt != null),
            "overdue" => items.Where(c => c.DoneAt == null && c.CancelledAt == null && c.DueAt < now),
            _ => items.Where(c => c.DoneAt == null && c.CancelledAt == null),
        };
        if (mine == true)
        {
            var name = user.Identity?.Name;
            items = items.Where(c => c.AssignedTo == name);
        }

        var total = await items.CountAsync(cancellationToken);
        var rows = await items.OrderBy(c => c.DueAt).ThenBy(c => c.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<CallbackView>(rows.ConvertAll(c => View(c, now, user)), total, paging.Page, paging.PageSize));
    }

    internal static async Task<Created<CallbackView>> Promise(PromiseInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var callback = await PromiseAsync(db, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Created($"/api/v1/call-callbacks/{callback.Id}", View(callback, clock.GetUtcNow().UtcDateTime, user));
    }

    /// <summary>Records a promised callback; the due time is bounded (no open-ended promises, SPEC §2).</summary>
    public static async Task<CallCallback> PromiseAsync(KefuDbContext db, PromiseInput input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors().Required("reason", input.Reason, 1000);
        CallRecord? call = null;
        if (input.CallId is { } callId)
        {
            call = await db.Set<CallRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == callId, cancellationToken);
            if (call is null)
            {
                errors.Add("callId", "must name an existing call");
            }
        }

        var phone = input.Phone is null ? call?.From : PhoneNumbers.Normalize(input.Phone);
        if (string.IsNullOrEmpty(phone) || !PhoneNumbers.IsValid(phone))
        {
            errors.Add("phone", "is required (or a callId whose caller number is known): the number to call back");
        }

        DateTime? due = input.DueAt ?? (input.DueInHours is { } hours ? now.AddHours(hours) : null);
        if (due is null)
        {
            errors.Add("dueInHours", "a due time is required: dueInHours (2 or 24) or dueAt — no open-ended promises");
        }
        else if (due <= now || due > now.AddDays(7))
        {
            errors.Add(input.DueAt is null ? "dueInHours" : "dueAt", "must be in the future and within 7 days");
        }

        if (input.AssignedTo is { } assignee && !await db.Users.AnyAsync(u => u.UserName == assignee && u.IsActive, cancellationToken))
        {
            errors.Add("assignedTo", "must be the user name of an active user");
        }

        errors.ThrowIfAny();
        var callback = new CallCallback
        {
            Id = Ids.New(),
            CallId = call?.Id,
            CustomerId = call?.CustomerId,
            Phone = phone!,
            Reason = PiiDetector.Mask(input.Reason!.Trim()),
            Source = CallbackSource.Agent,
            DueAt = due!.Value,
            AssignedTo = input.AssignedTo ?? (actor.Id is null ? null : actor.Name),
            Queue = call?.Queue,
        };
        db.Add(callback);
        await db.SaveChangesAsync(cancellationToken);
        return callback;
    }

    internal static async Task<Results<Ok<CallbackView>, NotFound>> Complete(Guid id, CompleteInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var callback = await CompleteAsync(db, id, input.Outcome, user.Identity?.Name, clock, cancellationToken);
        return callback is null ? TypedResults.NotFound() : TypedResults.Ok(View(callback, clock.GetUtcNow().UtcDateTime, user));
    }

    /// <summary>Marks a callback done with its outcome (PII masked); null when it does not exist, 409 when already closed.</summary>
    public static async Task<CallCallback?> CompleteAsync(KefuDbContext db, Guid id, string? outcome, string? doneBy, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        new FieldErrors().Required("outcome", outcome, 1000).ThrowIfAny();
        var callback = await db.Set<CallCallback>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (callback is null)
        {
            return null;
        }

        if (!callback.IsOpen)
        {
            throw new ConflictException("The callback is already done or cancelled.", ["callbackClosed"]);
        }

        callback.DoneAt = clock.GetUtcNow().UtcDateTime;
        callback.DoneBy = doneBy;
        callback.Outcome = PiiDetector.Mask(outcome!.Trim());
        await db.SaveChangesAsync(cancellationToken);
        return callback;
    }

    /// <summary>
    /// Escalates overdue callbacks once: a notification to the owner and to every supervisor. Each callback is claimed by
    /// a versioned update, so with several instances exactly one escalates it. Callbacks waiting for a fault's recovery
    /// are not due until it is recovered.
    /// </summary>
    public static async Task<int> SweepOverdueAsync(IServiceScopeFactory scopes, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        List<Guid> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            ids = await db.Set<CallCallback>().AsNoTracking()
                .Where(c => c.DoneAt == null && c.CancelledAt == null && c.EscalatedAt == null && c.DueAt < now)
                .OrderBy(c => c.DueAt).Take(200).Select(c => c.Id).ToListAsync(cancellationToken);
        }

        var escalated = 0;
        foreach (var id in ids)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var callback = await db.Set<CallCallback>().SingleAsync(c => c.Id == id, cancellationToken);
            if (callback.EscalatedAt is not null || !callback.IsOpen)
            {
                continue;
            }

            callback.EscalatedAt = now;
            var recipients = await db.Users.AsNoTracking()
                .Where(u => u.IsActive && (u.UserName == callback.AssignedTo
                    || db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == KefuRoles.Supervisor))))
                .Select(u => u.Id).ToListAsync(cancellationToken);
            foreach (var userId in recipients.Distinct())
            {
                db.Add(new Notification
                {
                    Id = Ids.New(),
                    UserId = userId,
                    At = now,
                    Text = $"承诺回电已超时：{PhoneNumbers.Mask(callback.Phone)}，{callback.Reason}（应于 {Complaints.ComplaintTime.China(callback.DueAt)} 前回电）",
                    Link = "/desktop",
                });
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                escalated++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance escalated (or someone completed) it first.
            }
        }

        return escalated;
    }
}
