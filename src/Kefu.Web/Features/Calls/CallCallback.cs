using Kefu.Web.Data;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// A promised callback to a caller (SPEC §2: "complex ones get a promised callback with a deadline, e.g. 2 h or 24 h"),
/// or a callback the caller asked for instead of waiting (virtual hold, after hours). Tracked to done; an overdue one
/// is escalated once to the supervisors.
/// </summary>
public sealed class CallCallback : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public string? CallId { get; set; }
    public Guid? CustomerId { get; set; }

    /// <summary>Number to call back, digits only.</summary>
    public required string Phone { get; set; }

    /// <summary>What the callback is about (PII masked).</summary>
    public required string Reason { get; set; }

    public CallbackSource Source { get; set; }
    public DateTime DueAt { get; set; }

    /// <summary>User name of the agent who owns it; null = any agent of the queue.</summary>
    public string? AssignedTo { get; set; }

    public string? Queue { get; set; }

    /// <summary>For <see cref="CallbackSource.FaultRecovery"/>: the fault the caller is waiting on.</summary>
    public Guid? FaultNoticeId { get; set; }

    public DateTime? DoneAt { get; set; }
    public string? DoneBy { get; set; }
    public string? Outcome { get; set; }
    public DateTime? CancelledAt { get; set; }
    public DateTime? EscalatedAt { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsOpen => DoneAt is null && CancelledAt is null;
}

public enum CallbackSource
{
    /// <summary>Promised by the agent on the call.</summary>
    Agent = 1,

    /// <summary>The caller chose a callback instead of waiting (virtual hold).</summary>
    VirtualHold = 2,

    /// <summary>Left outside business hours.</summary>
    AfterHours = 3,

    /// <summary>A caller affected by a system fault, to be told when it is recovered (seed 003 §4.3).</summary>
    FaultRecovery = 4,
}
