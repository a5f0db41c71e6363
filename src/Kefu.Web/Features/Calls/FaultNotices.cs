using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// A system-fault notice (seed 003 §4.3), raised by a Supervisor (e.g. "物流查询故障"): every agent sees it with the
/// script to tell callers and the self-service alternative; callers affected are tagged on the call and owed a
/// callback once the fault is marked recovered.
/// </summary>
public sealed class FaultNotice : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string Title { get; set; }

    /// <summary>What the agent tells the caller.</summary>
    public required string CustomerScript { get; set; }

    /// <summary>The self-service alternative, e.g. "您可以通过APP'我的'-'订单'页面查看物流信息".</summary>
    public string? SelfServiceAlternative { get; set; }

    public string? RaisedBy { get; set; }
    public DateTime? RecoveredAt { get; set; }
    public string? RecoveredBy { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsActive => RecoveredAt is null;

    /// <summary>The script of seed 003 §4.3 when the Supervisor gives none.</summary>
    public const string DefaultScript = "非常抱歉，当前系统正在维护，暂时无法为您查询。请您留下联系方式，我会在系统恢复后第一时间通知您。";
}

internal sealed class FaultNoticeConfiguration : IEntityTypeConfiguration<FaultNotice>
{
    public void Configure(EntityTypeBuilder<FaultNotice> builder)
    {
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Title).HasMaxLength(100);
        builder.Property(f => f.CustomerScript).HasMaxLength(1000);
        builder.Property(f => f.SelfServiceAlternative).HasMaxLength(1000);
        builder.Property(f => f.RaisedBy).HasMaxLength(64);
        builder.Property(f => f.RecoveredBy).HasMaxLength(64);
    }
}

/// <summary>Fault notices: raise, tag affected callers, mark recovered (which makes their callbacks due).</summary>
public static class FaultNotices
{
    public sealed record FaultNoticeView(Guid Id, string Title, string CustomerScript, string? SelfServiceAlternative, string? RaisedBy, DateTime CreatedAt,
        DateTime? RecoveredAt, string? RecoveredBy, int AffectedCallers, Guid Version);

    public sealed record RaiseInput(string? Title, string? CustomerScript, string? SelfServiceAlternative);

    public sealed record AffectedInput(string? CallId);

    /// <summary>How long after recovery the affected callers must have been told.</summary>
    public static readonly TimeSpan NotifyWithin = TimeSpan.FromHours(2);

    public static IEndpointRouteBuilder MapFaultNoticesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/fault-notices").WithTags("Calls").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListFaultNotices").WithSummary("Fault notices, active ones first; activeOnly filters.");
        group.MapPost("/", Raise).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("RaiseFaultNotice")
            .WithSummary("Raise a system-fault notice shown to every agent (title, customerScript, selfServiceAlternative).").ProducesValidationProblem();
        group.MapPost("/{id:guid}/affected-calls", TagCaller).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("TagFaultAffectedCall")
            .WithSummary("Tag the caller of a call as affected: they are owed a callback when the fault is recovered.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/recover", Recover).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("RecoverFaultNotice")
            .WithSummary("Mark the fault recovered: each affected caller's callback becomes due within 2 hours.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    public static async Task<List<FaultNoticeView>> ListAsync(KefuDbContext db, bool activeOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var notices = db.Set<FaultNotice>().AsNoTracking();
        if (activeOnly)
        {
            notices = notices.Where(f => f.RecoveredAt == null);
        }

        var rows = await notices.OrderBy(f => f.RecoveredAt != null).ThenByDescending(f => f.CreatedAt).Take(100).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var counts = await db.Set<CallCallback>().AsNoTracking().Where(c => c.FaultNoticeId != null && ids.Contains(c.FaultNoticeId.Value))
            .GroupBy(c => c.FaultNoticeId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return rows.ConvertAll(f => new FaultNoticeView(f.Id, f.Title, f.CustomerScript, f.SelfServiceAlternative, f.RaisedBy, f.CreatedAt, f.RecoveredAt,
            f.RecoveredBy, counts.GetValueOrDefault(f.Id), f.Version));
    }

    internal static async Task<Ok<List<FaultNoticeView>>> List(bool? activeOnly, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, activeOnly == true, cancellationToken));

    internal static async Task<Created<FaultNotice>> Raise(RaiseInput input, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var notice = await RaiseAsync(db, input, user.Identity?.Name, cancellationToken);
        return TypedResults.Created($"/api/v1/fault-notices/{notice.Id}", notice);
    }

    public static async Task<FaultNotice> RaiseAsync(KefuDbContext db, RaiseInput input, string? raisedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        new FieldErrors().Required("title", input.Title, 100).MaxLength("customerScript", input.CustomerScript, 1000)
            .MaxLength("selfServiceAlternative", input.SelfServiceAlternative, 1000).ThrowIfAny();
        var notice = new FaultNotice
        {
            Id = Ids.New(),
            Title = input.Title!.Trim(),
            CustomerScript = string.IsNullOrWhiteSpace(input.CustomerScript) ? FaultNotice.DefaultScript : input.CustomerScript.Trim(),
            SelfServiceAlternative = string.IsNullOrWhiteSpace(input.SelfServiceAlternative) ? null : input.SelfServiceAlternative.Trim(),
            RaisedBy = raisedBy,
        };
        db.Add(notice);
        await db.SaveChangesAsync(cancellationToken);
        return notice;
    }

    internal static async Task<Results<Ok<CallCallbacks.CallbackView>, NotFound>> TagCaller(Guid id, AffectedInput input, ClaimsPrincipal user, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var callback = await TagCallerAsync(db, id, input.CallId, user.Identity?.Name, clock, cancellationToken);
        return callback is null ? TypedResults.NotFound() : TypedResults.Ok(CallCallbacks.View(callback, clock.GetUtcNow().UtcDateTime, user));
    }

    /// <summary>Tags a call's caller as affected; tagging twice returns the existing callback.</summary>
    public static async Task<CallCallback?> TagCallerAsync(KefuDbContext db, Guid noticeId, string? callId, string? agent, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var notice = await db.Set<FaultNotice>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == noticeId, cancellationToken);
        if (notice is null)
        {
            return null;
        }

        if (!notice.IsActive)
        {
            throw new ConflictException("The fault is already recovered.", ["faultRecovered"]);
        }

        new FieldErrors().Required("callId", callId, 100).ThrowIfAny();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TagOnceAsync(db, notice, callId!, agent, clock, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // A CTI event saved the same call meanwhile; the tag does not touch its fields: retry on the fresh row.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<CallCallback> TagOnceAsync(KefuDbContext db, FaultNotice notice, string callId, string? agent, TimeProvider clock, CancellationToken cancellationToken)
    {
        var noticeId = notice.Id;
        var call = await db.Set<CallRecord>().SingleOrDefaultAsync(c => c.Id == callId, cancellationToken)
            ?? throw FieldValidationException.For("callId", "must name an existing call");
        if (string.IsNullOrEmpty(call.From))
        {
            throw FieldValidationException.For("callId", "the call has no caller number to call back");
        }

        var existing = await db.Set<CallCallback>().SingleOrDefaultAsync(c => c.FaultNoticeId == noticeId && c.CallId == call.Id, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        call.FaultNoticeId = noticeId;
        var callback = new CallCallback
        {
            Id = Ids.New(),
            CallId = call.Id,
            CustomerId = call.CustomerId,
            Phone = call.From,
            Reason = $"系统故障“{notice.Title}”恢复后通知客户",
            Source = CallbackSource.FaultRecovery,
            FaultNoticeId = noticeId,
            DueAt = now.AddDays(7), // not due before recovery; recovery sets the real due time
            AssignedTo = agent,
            Queue = call.Queue,
        };
        db.Add(callback);
        await db.SaveChangesAsync(cancellationToken);
        return callback;
    }

    internal static async Task<Results<Ok<FaultNoticeView>, NotFound>> Recover(Guid id, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await RecoverAsync(db, id, user.Identity?.Name, clock, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await ListAsync(db, activeOnly: false, cancellationToken)).Single(f => f.Id == id));
    }

    /// <summary>Marks the fault recovered; every open callback owed for it becomes due within <see cref="NotifyWithin"/>.</summary>
    public static async Task<bool> RecoverAsync(KefuDbContext db, Guid id, string? by, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var notice = await db.Set<FaultNotice>().SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (notice is null)
        {
            return false;
        }

        if (!notice.IsActive)
        {
            throw new ConflictException("The fault is already recovered.", ["faultRecovered"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        notice.RecoveredAt = now;
        notice.RecoveredBy = by;
        foreach (var callback in await db.Set<CallCallback>().Where(c => c.FaultNoticeId == id && c.DoneAt == null && c.CancelledAt == null).ToListAsync(cancellationToken))
        {
            callback.DueAt = now + NotifyWithin;
            callback.Reason = $"系统故障“{notice.Title}”已恢复，请通知客户";
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
