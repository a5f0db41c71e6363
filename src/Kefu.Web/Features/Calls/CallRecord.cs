using Kefu.Web.Data;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// One phone call as Kefu knows it: a projection of the call's CTI events (<see cref="CtiEvent"/>), recomputed from
/// all of them in time order whenever one arrives, so duplicates and out-of-order delivery leave it consistent.
/// The agent's wrap-up (disposition, note, identity check, links) is written on top by the desktop and the API.
/// </summary>
public sealed class CallRecord : IVersioned, ITimestamped, INotAudited
{
    /// <summary>The PBX's call id (Asterisk linkedid / FreeSWITCH call uuid).</summary>
    public required string Id { get; set; }

    /// <summary>Caller number as the PBX reported it.</summary>
    public string? From { get; set; }

    /// <summary>The dialled hotline.</summary>
    public string? To { get; set; }

    public Guid? HotlineId { get; set; }
    public CallStatus Status { get; set; } = CallStatus.Offered;
    public CallOutcome? Outcome { get; set; }

    /// <summary>IVR digits in the order pressed, e.g. "2" or "1-3".</summary>
    public string? IvrPath { get; set; }

    /// <summary>The queue the call is (or was last) in.</summary>
    public string? Queue { get; set; }

    /// <summary>User name of the agent who answered (after a transfer: the last one who answered).</summary>
    public string? Agent { get; set; }

    /// <summary>User name of the agent the call rings at, while it rings.</summary>
    public string? RingingAgent { get; set; }

    public DateTime? OfferedAt { get; set; }
    public DateTime? IvrAt { get; set; }
    public DateTime? QueuedAt { get; set; }
    public DateTime? RingingAt { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime? WrapUpEndedAt { get; set; }
    public CallParty? EndedBy { get; set; }

    /// <summary>Seconds the call rang at the agent who answered it (from the ring at that agent to answer).</summary>
    public int? RingSeconds { get; set; }

    /// <summary>Seconds from queueing to answer (or to hang-up for an abandoned call).</summary>
    public int? WaitSeconds { get; set; }

    public int? TalkSeconds { get; set; }
    public int HoldSeconds { get; set; }
    public int? WrapSeconds { get; set; }

    /// <summary>Rings without answer (agents who did not pick up).</summary>
    public int RingNoAnswerCount { get; set; }

    /// <summary>SPEC §2: connected to a free agent within the target (15 s) of asking for one; null while undecided or
    /// when the caller hung up before the target passed.</summary>
    public bool? ReachedAgentInTarget { get; set; }

    /// <summary>SPEC §2: answered within 3 rings of ringing at the agent; null when not answered.</summary>
    public bool? AnsweredWithinRings { get; set; }

    public string? RecordingUri { get; set; }
    public int? RecordingSeconds { get; set; }

    /// <summary>The caller asked to be called back (virtual hold or after hours) instead of waiting.</summary>
    public bool CallbackRequested { get; set; }

    public Guid? CustomerId { get; set; }
    public Guid? ComplaintId { get; set; }

    /// <summary>Agent's wrap-up: solved on first contact (FCR) or not.</summary>
    public bool? SolvedOnFirstContact { get; set; }

    /// <summary>Objective call note, PII masked.</summary>
    public string? Note { get; set; }

    public string? DispositionBy { get; set; }
    public DateTime? DispositionAt { get; set; }
    public IdentityCheckResult? IdentityCheck { get; set; }

    /// <summary>Which facts the caller confirmed, e.g. "phone,order" — never the values of ID numbers or cards.</summary>
    public string? IdentityCheckedWith { get; set; }

    /// <summary>Marked by the agent: an emotional caller (seed 003 §4.2).</summary>
    public bool EmotionalCaller { get; set; }

    /// <summary>Alternatives offered when a request could not be met (seed 003 §4.4), e.g. "补发;50元优惠券".</summary>
    public string? AlternativesOffered { get; set; }

    /// <summary>The caller agreed to a satisfaction survey (set by the agent at wrap-up or by the PBX's call.ended); true invites once the call ended.</summary>
    public bool? SurveyConsent { get; set; }

    /// <summary>The system-fault notice the caller was affected by (seed 003 §4.3).</summary>
    public Guid? FaultNoticeId { get; set; }

    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Where a call is now.</summary>
public enum CallStatus
{
    Offered = 1,
    InIvr = 2,
    Queued = 3,
    Ringing = 4,
    Talking = 5,
    OnHold = 6,
    Ended = 7,

    /// <summary>Handed to an outside number; Kefu's part is over, the PBX still reports the end.</summary>
    TransferredOut = 8,
}

/// <summary>How a call ended.</summary>
public enum CallOutcome
{
    /// <summary>An agent answered.</summary>
    Answered = 1,

    /// <summary>The caller hung up while waiting for or ringing at an agent.</summary>
    Abandoned = 2,

    /// <summary>The caller hung up in the IVR (self-service or gave up before asking for an agent).</summary>
    EndedInIvr = 3,

    /// <summary>The caller left a callback request instead of waiting.</summary>
    CallbackRequested = 4,

    /// <summary>Outside business hours, the caller left a callback request (a voicemail call ends as <see cref="EndedInIvr"/>).</summary>
    AfterHours = 5,
}

/// <summary>Who ended the call.</summary>
public enum CallParty
{
    Caller = 1,
    Agent = 2,
    System = 3,
}

/// <summary>Result of the identity check (seed 003 §3.1: registered phone, last order number or amount, optional e-mail).</summary>
public enum IdentityCheckResult
{
    Verified = 1,
    NotVerified = 2,

    /// <summary>Not needed for this call (no account data discussed).</summary>
    NotNeeded = 3,
}

/// <summary>A transfer of a call (seed 003 §3.3: time, target person, problem), recorded from the CTI event.</summary>
public sealed class CallTransfer : INotAudited
{
    /// <summary>The CTI event id that reported it.</summary>
    public required string Id { get; set; }

    public required string CallId { get; set; }
    public DateTime At { get; set; }
    public CallTransferKind Kind { get; set; }

    /// <summary>User name, queue id or outside number.</summary>
    public required string Target { get; set; }

    public required string Reason { get; set; }

    /// <summary>Agent who transferred.</summary>
    public string? From { get; set; }
}

public enum CallTransferKind
{
    Agent = 1,
    Queue = 2,
    External = 3,
}

/// <summary>One stretch of speech in a call's transcript, PII masked.</summary>
public sealed class TranscriptSegment : INotAudited
{
    /// <summary>The CTI event id that delivered it.</summary>
    public required string Id { get; set; }

    public required string CallId { get; set; }
    public TranscriptSpeaker Speaker { get; set; }
    public double StartSeconds { get; set; }
    public double EndSeconds { get; set; }
    public required string Text { get; set; }
}

public enum TranscriptSpeaker
{
    Agent = 1,
    Customer = 2,
}
