using Kefu.Web.Data;

namespace Kefu.Web.Features.Complaints;

/// <summary>What a deadline is for.</summary>
public enum DeadlineKind
{
    /// <summary>SLA: first contact with the customer (business time, pauses while waiting on the customer).</summary>
    FirstResponse = 1,

    /// <summary>SLA: the complaint closed (business time, pauses while waiting on the customer).</summary>
    Resolution = 2,

    /// <summary>The reply time promised to the customer in step 2 (wall-clock: a promise does not pause).</summary>
    PromisedReply = 3,

    /// <summary>A promised callback such as "2 小时内回电" (wall-clock).</summary>
    Callback = 4,

    /// <summary>回访 after closure: confirm the resolution and ask for satisfaction.</summary>
    ReturnVisit = 5,
}

/// <summary>
/// A due time the system tracks. Deadlines are rows, not timers: the <c>DeadlineSweeper</c> finds due and overdue
/// ones in the store, and the version token makes sure each is handled once even with several instances.
/// </summary>
public sealed class ComplaintDeadline : IVersioned
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public DeadlineKind Kind { get; set; }
    public DateTime DueAt { get; set; }
    public required string Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? MetAt { get; set; }

    /// <summary>When the owner was told the deadline is near.</summary>
    public DateTime? DueSoonNotifiedAt { get; set; }

    /// <summary>When the overdue deadline was escalated to the supervisors.</summary>
    public DateTime? EscalatedAt { get; set; }

    /// <summary>Cancelled deadlines (a replaced promise, a reopened case's old resolution) are kept for the record.</summary>
    public DateTime? CancelledAt { get; set; }

    public Guid Version { get; set; }

    public bool IsOpen => MetAt is null && CancelledAt is null;

    /// <summary>SLA clocks pause while the complaint waits on the customer; promises to the customer do not.</summary>
    public bool Pauses => Kind is DeadlineKind.FirstResponse or DeadlineKind.Resolution;
}

/// <summary>SLA targets in business hours per severity (<c>Kefu:Sla:*</c>).</summary>
public sealed class SlaOptions
{
    public BusinessHours BusinessHours { get; set; } = new();

    public Dictionary<ComplaintSeverity, SlaTarget> Targets { get; set; } = new()
    {
        [ComplaintSeverity.Critical] = new SlaTarget { FirstResponseHours = 1, ResolutionHours = 24 },
        [ComplaintSeverity.High] = new SlaTarget { FirstResponseHours = 2, ResolutionHours = 48 },
        [ComplaintSeverity.Medium] = new SlaTarget { FirstResponseHours = 4, ResolutionHours = 72 },
        [ComplaintSeverity.Low] = new SlaTarget { FirstResponseHours = 8, ResolutionHours = 120 },
    };

    /// <summary>An urgent complaint gets this share of the targets (e.g. 0.5 = half the time).</summary>
    public double UrgentFactor { get; set; } = 0.5;

    /// <summary>The owner is notified this long before a deadline.</summary>
    public int DueSoonMinutes { get; set; } = 30;

    /// <summary>A return visit is due this many days after closure.</summary>
    public int ReturnVisitDays { get; set; } = 3;

    /// <summary>The longest callback that may be promised: avoid unbounded promises (seed 003 §2.6).</summary>
    public int MaxCallbackHours { get; set; } = 72;

    /// <summary>How often the sweeper looks for due deadlines.</summary>
    public int SweepSeconds { get; set; } = 30;

    public SlaTarget TargetFor(ComplaintSeverity severity, ComplaintUrgency urgency)
    {
        var target = Targets.TryGetValue(severity, out var t) ? t : new SlaTarget();
        return urgency == ComplaintUrgency.Urgent
            ? new SlaTarget { FirstResponseHours = target.FirstResponseHours * UrgentFactor, ResolutionHours = target.ResolutionHours * UrgentFactor }
            : target;
    }
}

public sealed class SlaTarget
{
    public double FirstResponseHours { get; set; } = 4;
    public double ResolutionHours { get; set; } = 72;
}
