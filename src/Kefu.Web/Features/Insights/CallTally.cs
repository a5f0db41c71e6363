using Kefu.Web.Features.Calls;

namespace Kefu.Web.Features.Insights;

/// <summary>Thresholds the call figures are counted with. They are baked into the hourly rollups, which are rebuilt from the
/// call records when a threshold changes (see <see cref="CallKpiRollups"/>).</summary>
public sealed class KpiOptions
{
    public const string Section = "Kefu:Kpis";

    /// <summary>Service level threshold: answered within this many seconds of entering the queue (Asterisk's <c>servicelevel</c>).</summary>
    public double ServiceLevelSeconds { get; set; } = 20;

    /// <summary>Abandons shorter than this are left out of the service level that counts abandons (0 = count them all).</summary>
    public double ShortAbandonSeconds { get; set; } = 5;
}

/// <summary>The fields of a call record the figures are counted from (also what the naive query reads).</summary>
public sealed record CallFacts(
    DateTime? OfferedAt, DateTime? QueuedAt, DateTime? RingingAt, DateTime? AnsweredAt, DateTime? EndedAt,
    string? Queue, string? Agent, int? TalkSeconds, int HoldSeconds, int? WrapSeconds, bool? AnsweredWithinRings,
    bool? SolvedOnFirstContact, bool CallbackRequested)
{
    public static CallFacts Of(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(call.OfferedAt, call.QueuedAt, call.RingingAt, call.AnsweredAt, call.EndedAt, call.Queue, call.Agent, call.TalkSeconds,
            call.HoldSeconds, call.WrapSeconds, call.AnsweredWithinRings, call.SolvedOnFirstContact, call.CallbackRequested);
    }
}

/// <summary>
/// Additive counts and sums over calls. Every call figure is a ratio of two of them, so a tally of a period is the sum of
/// the tallies of its calls — which is what lets the hourly rollups (<see cref="CallKpiRollup"/>) answer for any range,
/// queue or agent exactly as the naive count over the raw call records does.
/// </summary>
public class CallTally
{
    /// <summary>Calls with a <c>call.offered</c>.</summary>
    public long Offered { get; set; }

    /// <summary>Calls an agent answered.</summary>
    public long Answered { get; set; }

    /// <summary>Answered calls that have ended (the handle-time figures count these).</summary>
    public long Handled { get; set; }

    /// <summary>Σ answered → ended, hold included, in milliseconds (the seed's 总通话时长).</summary>
    public long HandleMilliseconds { get; set; }

    public long TalkSeconds { get; set; }
    public long HoldSeconds { get; set; }
    public long WrapSeconds { get; set; }

    /// <summary>Handled calls whose wrap-up has ended.</summary>
    public long WrappedUp { get; set; }

    /// <summary>Answered calls answered within 3 rings of ringing at the agent who answered.</summary>
    public long AnsweredWithinRings { get; set; }

    /// <summary>Answered calls the agent marked solved on first contact.</summary>
    public long SolvedOnFirstContact { get; set; }

    /// <summary>Calls that asked for an agent (<c>call.queued</c>).</summary>
    public long Queued { get; set; }

    /// <summary>Queued calls that rang at an agent within the connect target (15 s) of <c>call.queued</c>.</summary>
    public long ReachedAgentInTarget { get; set; }

    /// <summary>Queued calls that ended unanswered.</summary>
    public long QueuedUnanswered { get; set; }

    /// <summary>Queued calls that were answered.</summary>
    public long AnsweredFromQueue { get; set; }

    /// <summary>Queued calls answered within the service-level threshold of <c>call.queued</c>.</summary>
    public long AnsweredWithinServiceLevel { get; set; }

    /// <summary>Queued calls that ended unanswered within the service-level threshold.</summary>
    public long UnansweredWithinServiceLevel { get; set; }

    /// <summary>Queued calls that ended unanswered before the short-abandon threshold.</summary>
    public long ShortAbandons { get; set; }

    /// <summary>Σ queue → answer of answered queued calls, in milliseconds (average speed of answer).</summary>
    public long AnswerWaitMilliseconds { get; set; }

    /// <summary>Σ queue → hang-up of queued calls that ended unanswered, in milliseconds.</summary>
    public long UnansweredWaitMilliseconds { get; set; }

    /// <summary>Calls whose caller left a callback request instead of waiting.</summary>
    public long CallbacksRequested { get; set; }

    /// <summary>Every counter, by name: what the rollup upsert, the sums and the additions loop over.</summary>
    public static readonly IReadOnlyList<(string Name, Func<CallTally, long> Get, Action<CallTally, long> Set)> Counters =
    [
        (nameof(Offered), t => t.Offered, (t, v) => t.Offered = v),
        (nameof(Answered), t => t.Answered, (t, v) => t.Answered = v),
        (nameof(Handled), t => t.Handled, (t, v) => t.Handled = v),
        (nameof(HandleMilliseconds), t => t.HandleMilliseconds, (t, v) => t.HandleMilliseconds = v),
        (nameof(TalkSeconds), t => t.TalkSeconds, (t, v) => t.TalkSeconds = v),
        (nameof(HoldSeconds), t => t.HoldSeconds, (t, v) => t.HoldSeconds = v),
        (nameof(WrapSeconds), t => t.WrapSeconds, (t, v) => t.WrapSeconds = v),
        (nameof(WrappedUp), t => t.WrappedUp, (t, v) => t.WrappedUp = v),
        (nameof(AnsweredWithinRings), t => t.AnsweredWithinRings, (t, v) => t.AnsweredWithinRings = v),
        (nameof(SolvedOnFirstContact), t => t.SolvedOnFirstContact, (t, v) => t.SolvedOnFirstContact = v),
        (nameof(Queued), t => t.Queued, (t, v) => t.Queued = v),
        (nameof(ReachedAgentInTarget), t => t.ReachedAgentInTarget, (t, v) => t.ReachedAgentInTarget = v),
        (nameof(QueuedUnanswered), t => t.QueuedUnanswered, (t, v) => t.QueuedUnanswered = v),
        (nameof(AnsweredFromQueue), t => t.AnsweredFromQueue, (t, v) => t.AnsweredFromQueue = v),
        (nameof(AnsweredWithinServiceLevel), t => t.AnsweredWithinServiceLevel, (t, v) => t.AnsweredWithinServiceLevel = v),
        (nameof(UnansweredWithinServiceLevel), t => t.UnansweredWithinServiceLevel, (t, v) => t.UnansweredWithinServiceLevel = v),
        (nameof(ShortAbandons), t => t.ShortAbandons, (t, v) => t.ShortAbandons = v),
        (nameof(AnswerWaitMilliseconds), t => t.AnswerWaitMilliseconds, (t, v) => t.AnswerWaitMilliseconds = v),
        (nameof(UnansweredWaitMilliseconds), t => t.UnansweredWaitMilliseconds, (t, v) => t.UnansweredWaitMilliseconds = v),
        (nameof(CallbacksRequested), t => t.CallbacksRequested, (t, v) => t.CallbacksRequested = v),
    ];

    public bool IsZero => Counters.All(c => c.Get(this) == 0);

    /// <summary>Adds <paramref name="other"/> times <paramref name="sign"/> (1 or −1) to this tally.</summary>
    public void Add(CallTally other, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (_, get, set) in Counters)
        {
            set(this, get(this) + (sign * get(other)));
        }
    }

    /// <summary>What one call contributes. A call without <c>call.offered</c> contributes nothing: the figures count the
    /// calls whose offer falls in the period.</summary>
    public static CallTally Of(CallFacts call, CallTargets targets, KpiOptions options)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        var t = new CallTally();
        if (call.OfferedAt is null)
        {
            return t;
        }

        t.Offered = 1;
        t.CallbacksRequested = call.CallbackRequested ? 1 : 0;
        if (call.AnsweredAt is { } answered)
        {
            t.Answered = 1;
            t.AnsweredWithinRings = call.AnsweredWithinRings == true ? 1 : 0;
            t.SolvedOnFirstContact = call.SolvedOnFirstContact == true ? 1 : 0;
            if (call.EndedAt is { } ended)
            {
                t.Handled = 1;
                t.HandleMilliseconds = Milliseconds(ended - answered);
                t.TalkSeconds = call.TalkSeconds ?? 0;
                t.HoldSeconds = call.HoldSeconds;
                if (call.WrapSeconds is { } wrap)
                {
                    t.WrapSeconds = wrap;
                    t.WrappedUp = 1;
                }
            }
        }

        if (call.QueuedAt is { } queued)
        {
            t.Queued = 1;
            // A ring stamped before the queue event (PBX and Kefu clocks) reached the agent at once.
            t.ReachedAgentInTarget = call.RingingAt is { } ringing && (ringing - queued).TotalSeconds <= targets.ConnectWithinSeconds ? 1 : 0;
            if (call.AnsweredAt is { } answeredFromQueue)
            {
                var wait = answeredFromQueue - queued;
                t.AnsweredFromQueue = 1;
                t.AnswerWaitMilliseconds = Milliseconds(wait);
                t.AnsweredWithinServiceLevel = wait.TotalSeconds <= options.ServiceLevelSeconds ? 1 : 0;
            }
            else if (call.EndedAt is { } hungUp)
            {
                var wait = hungUp - queued;
                t.QueuedUnanswered = 1;
                t.UnansweredWaitMilliseconds = Milliseconds(wait);
                t.UnansweredWithinServiceLevel = wait.TotalSeconds <= options.ServiceLevelSeconds ? 1 : 0;
                t.ShortAbandons = options.ShortAbandonSeconds > 0 && wait.TotalSeconds < options.ShortAbandonSeconds ? 1 : 0;
            }
        }

        return t;
    }

    private static long Milliseconds(TimeSpan span) => Math.Max(0, (long)Math.Round(span.TotalMilliseconds, MidpointRounding.AwayFromZero));
}
