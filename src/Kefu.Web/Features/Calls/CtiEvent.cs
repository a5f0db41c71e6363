using Kefu.Web.Data;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// One CTI event as received from the PBX (or raised by Kefu's own ACD: types starting with <c>acd.</c>). The table is
/// the call's event log: its primary key is the event id, which makes a repeated delivery a no-op, and a call record
/// is recomputed from its events in time order (<see cref="CallProjection"/>).
/// </summary>
public sealed class CtiEvent : INotAudited
{
    public required string Id { get; set; }
    public required string CallId { get; set; }
    public required string Type { get; set; }

    /// <summary>When it happened, by the PBX's clock (UTC).</summary>
    public DateTime At { get; set; }

    /// <summary>When Kefu stored it (UTC); breaks ties between events with the same time.</summary>
    public DateTime ReceivedAt { get; set; }

    public string? From { get; set; }
    public string? To { get; set; }
    public string? Digit { get; set; }
    public string? Queue { get; set; }
    public string? Agent { get; set; }
    public string? Target { get; set; }
    public string? Reason { get; set; }
    public string? By { get; set; }
    public string? Uri { get; set; }
    public double? Seconds { get; set; }
}

/// <summary>The event types of the CTI contract (docs/cti.md).</summary>
public static class CtiEventTypes
{
    public const string Offered = "call.offered";
    public const string IvrSelected = "ivr.selected";
    public const string Queued = "call.queued";
    public const string Ringing = "call.ringing";
    public const string Answered = "call.answered";
    public const string Held = "call.held";
    public const string Resumed = "call.resumed";
    public const string Transferred = "call.transferred";
    public const string Ended = "call.ended";
    public const string RecordingAvailable = "recording.available";
    public const string TranscriptSegment = "transcript.segment";

    /// <summary>The caller accepted a callback instead of waiting (virtual hold) or asked for one after hours.</summary>
    public const string CallbackRequested = "callback.requested";

    /// <summary>Raised by Kefu: the ACD offered the call to an agent (the ring Kefu asked the PBX for).</summary>
    public const string AcdOffered = "acd.offered";

    /// <summary>Raised by Kefu: a ring timed out without answer.</summary>
    public const string AcdRingTimeout = "acd.ring-timeout";

    /// <summary>Raised by Kefu: a ring was withdrawn (the agent answered another call or declined).</summary>
    public const string AcdRingCancelled = "acd.ring-cancelled";

    /// <summary>Raised by Kefu: the call moved to the overflow queue.</summary>
    public const string AcdOverflow = "acd.overflow";

    /// <summary>Raised by Kefu: the answering agent's wrap-up ended.</summary>
    public const string AcdWrapUpEnded = "acd.wrap-up-ended";

    /// <summary>The types a PBX may post.</summary>
    public static readonly IReadOnlySet<string> External = new HashSet<string>(StringComparer.Ordinal)
    {
        Offered, IvrSelected, Queued, Ringing, Answered, Held, Resumed, Transferred, Ended, RecordingAvailable,
        TranscriptSegment, CallbackRequested,
    };

    /// <summary>Order of types that share a timestamp: the call's natural life order.</summary>
    public static int Rank(string type) => type switch
    {
        Offered => 0,
        IvrSelected => 1,
        Queued => 2,
        AcdOverflow => 3,
        CallbackRequested => 4,
        AcdOffered => 5,
        Ringing => 6,
        AcdRingTimeout => 7,
        AcdRingCancelled => 7,
        Answered => 8,
        Held => 9,
        Resumed => 10,
        Transferred => 11,
        Ended => 12,
        AcdWrapUpEnded => 13,
        RecordingAvailable => 14,
        _ => 15,
    };
}
