namespace Kefu.Web.Features.Calls;

/// <summary>Answer targets of SPEC §2, configurable under <c>Kefu:Calls</c>.</summary>
public sealed class CallTargets
{
    /// <summary>One ring: one cadence of China's ringback tone (1 s on, 4 s off).</summary>
    public double RingCadenceSeconds { get; set; } = 5;

    /// <summary>Answer within this many rings (3 rings = 15 s).</summary>
    public int AnswerWithinRings { get; set; } = 3;

    /// <summary>A caller asking for an agent reaches a free one within this many seconds.</summary>
    public double ConnectWithinSeconds { get; set; } = 15;

    public double AnswerWithinSeconds => RingCadenceSeconds * AnswerWithinRings;
}

/// <summary>
/// Computes a call record from its events. Events are replayed in (time, life order, arrival) order, so the record
/// does not depend on the order the PBX delivered them in: a late <c>call.answered</c> that arrives after
/// <c>call.ended</c> still fills in the answer time and the talk time.
/// </summary>
public static class CallProjection
{
    /// <summary>Sorts events into replay order.</summary>
    public static List<CtiEvent> Order(IEnumerable<CtiEvent> events) =>
        events.OrderBy(e => e.At).ThenBy(e => CtiEventTypes.Rank(e.Type)).ThenBy(e => e.ReceivedAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();

    /// <summary>Recomputes every event-derived field of <paramref name="call"/>; the agent's wrap-up fields stay.</summary>
    public static void Apply(CallRecord call, IEnumerable<CtiEvent> events, CallTargets targets)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(targets);
        call.OfferedAt = call.IvrAt = call.QueuedAt = call.RingingAt = call.AnsweredAt = call.EndedAt = call.WrapUpEndedAt = null;
        call.IvrPath = call.Queue = call.Agent = call.RingingAgent = null;
        call.EndedBy = null;
        call.RingSeconds = call.WaitSeconds = call.TalkSeconds = call.WrapSeconds = null;
        call.HoldSeconds = 0;
        call.RingNoAnswerCount = 0;
        call.RecordingUri = null;
        call.RecordingSeconds = null;
        call.CallbackRequested = false;

        var digits = new List<string>();
        var ringStartByAgent = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        DateTime? holdStart = null;
        var holdTicks = 0L;
        DateTime? answeringRingAt = null;
        DateTime? legStart = null; // an agent is connected since then
        var connectedTicks = 0L;
        var transferredOut = false;
        foreach (var e in Order(events))
        {
            switch (e.Type)
            {
                case CtiEventTypes.Offered:
                    call.OfferedAt ??= e.At;
                    call.From ??= e.From;
                    call.To ??= e.To;
                    break;
                case CtiEventTypes.IvrSelected:
                    call.IvrAt ??= e.At;
                    if (e.Digit is { } digit)
                    {
                        digits.Add(digit);
                    }

                    break;
                case CtiEventTypes.Queued:
                    call.QueuedAt ??= e.At;
                    call.Queue = e.Queue ?? call.Queue;
                    break;
                case CtiEventTypes.AcdOverflow:
                    call.Queue = e.Queue ?? call.Queue;
                    break;
                case CtiEventTypes.CallbackRequested:
                    call.CallbackRequested = true;
                    break;
                case CtiEventTypes.AcdOffered or CtiEventTypes.Ringing:
                    call.RingingAt ??= e.At;
                    if (e.Agent is { } ringing)
                    {
                        // The PBX's ring and Kefu's offer describe the same ring: keep the earlier start.
                        if (!ringStartByAgent.TryGetValue(ringing, out var started) || started > e.At)
                        {
                            ringStartByAgent[ringing] = e.At;
                        }

                        if (call.AnsweredAt is null || call.Agent is null)
                        {
                            call.RingingAgent = ringing;
                        }
                    }

                    break;
                case CtiEventTypes.AcdRingTimeout or CtiEventTypes.AcdRingCancelled:
                    if (e.Type == CtiEventTypes.AcdRingTimeout)
                    {
                        call.RingNoAnswerCount++;
                    }

                    if (e.Agent is { } missed)
                    {
                        ringStartByAgent.Remove(missed);
                        if (string.Equals(call.RingingAgent, missed, StringComparison.Ordinal))
                        {
                            call.RingingAgent = null;
                        }
                    }

                    break;
                case CtiEventTypes.Answered:
                    if (e.Agent is { } answering)
                    {
                        if (call.AnsweredAt is null)
                        {
                            call.AnsweredAt = e.At;
                            answeringRingAt = ringStartByAgent.TryGetValue(answering, out var ringAt) ? ringAt : null;
                        }

                        call.Agent = answering;
                    }

                    legStart ??= e.At;
                    call.RingingAgent = null;
                    break;
                case CtiEventTypes.Transferred:
                    // The transferring agent's leg ends here; a transfer to a queue or a person continues the call in
                    // Kefu, one to an outside number hands it over.
                    if (legStart is { } leg)
                    {
                        connectedTicks += Math.Max(0, (e.At - leg).Ticks);
                        legStart = null;
                    }

                    var target = e.Target ?? "";
                    if (target.StartsWith("queue:", StringComparison.Ordinal))
                    {
                        call.Queue = target["queue:".Length..];
                    }
                    else if (target.StartsWith("agent:", StringComparison.Ordinal))
                    {
                        call.RingingAgent = target["agent:".Length..];
                        ringStartByAgent[call.RingingAgent] = e.At;
                    }
                    else
                    {
                        transferredOut = true;
                    }

                    break;
                case CtiEventTypes.Held:
                    holdStart ??= e.At;
                    break;
                case CtiEventTypes.Resumed:
                    if (holdStart is { } start)
                    {
                        holdTicks += Math.Max(0, (e.At - start).Ticks);
                        holdStart = null;
                    }

                    break;
                case CtiEventTypes.Ended:
                    if (call.EndedAt is null)
                    {
                        call.EndedAt = e.At;
                        call.EndedBy = ParseParty(e.By);
                        if (legStart is { } open)
                        {
                            connectedTicks += Math.Max(0, (e.At - open).Ticks);
                            legStart = null;
                        }
                    }

                    break;
                case CtiEventTypes.AcdWrapUpEnded:
                    call.WrapUpEndedAt ??= e.At;
                    break;
                case CtiEventTypes.RecordingAvailable:
                    call.RecordingUri = e.Uri;
                    call.RecordingSeconds = e.Seconds is { } s ? (int)Math.Round(s) : null;
                    break;
            }
        }

        if (holdStart is { } openHold && call.EndedAt is { } endedWhileHeld)
        {
            holdTicks += Math.Max(0, (endedWhileHeld - openHold).Ticks);
            holdStart = null;
        }

        call.IvrPath = digits.Count == 0 ? null : string.Join('-', digits);
        call.HoldSeconds = Seconds(holdTicks);
        if (call.AnsweredAt is { } answered)
        {
            // No ring on record (a PBX that connected the call by itself): the ring time is unknown, not zero.
            call.RingSeconds = answeringRingAt is { } ring ? Seconds((answered - ring).Ticks) : null;
            call.WaitSeconds = call.QueuedAt is { } queued ? Seconds((answered - queued).Ticks) : null;
            if (call.EndedAt is not null || (transferredOut && legStart is null))
            {
                call.TalkSeconds = Math.Max(0, Seconds(connectedTicks) - call.HoldSeconds);
            }
        }
        else if (call.QueuedAt is { } queued && call.EndedAt is { } hungUp)
        {
            call.WaitSeconds = Seconds((hungUp - queued).Ticks);
        }

        if (call.EndedAt is { } end && call.WrapUpEndedAt is { } wrapEnd && call.AnsweredAt is not null)
        {
            call.WrapSeconds = Seconds((wrapEnd - end).Ticks);
        }

        call.ReachedAgentInTarget = ReachedAgent(call, targets);
        call.AnsweredWithinRings = call.RingSeconds is { } rang ? rang <= targets.AnswerWithinSeconds : null;
        call.Status = StatusOf(call, holdStart is not null, legStart is not null, transferredOut);
        call.Outcome = OutcomeOf(call);
    }

    private static bool? ReachedAgent(CallRecord call, CallTargets targets)
    {
        if (call.QueuedAt is not { } queued)
        {
            return null;
        }

        if (call.RingingAt is { } ringing && ringing >= queued)
        {
            return (ringing - queued).TotalSeconds <= targets.ConnectWithinSeconds;
        }

        if (call.RingingAt is not null)
        {
            return true; // rang before the queue event's (PBX) time stamp: reached at once
        }

        // Not reached yet: a miss once the caller has waited past the target, undecided before.
        var waitedUntil = call.EndedAt;
        return waitedUntil is { } until && (until - queued).TotalSeconds > targets.ConnectWithinSeconds ? false : null;
    }

    private static CallStatus StatusOf(CallRecord call, bool onHold, bool connected, bool transferredOut)
    {
        if (call.EndedAt is not null)
        {
            return CallStatus.Ended;
        }

        if (connected)
        {
            return onHold ? CallStatus.OnHold : CallStatus.Talking;
        }

        if (transferredOut)
        {
            return CallStatus.TransferredOut;
        }

        if (call.RingingAgent is not null)
        {
            return CallStatus.Ringing;
        }

        if (call.QueuedAt is not null)
        {
            return CallStatus.Queued;
        }

        return call.IvrAt is not null ? CallStatus.InIvr : CallStatus.Offered;
    }

    private static CallOutcome? OutcomeOf(CallRecord call)
    {
        if (call.AnsweredAt is not null)
        {
            return call.EndedAt is null ? null : CallOutcome.Answered;
        }

        if (call.CallbackRequested)
        {
            return call.QueuedAt is null ? CallOutcome.AfterHours : CallOutcome.CallbackRequested;
        }

        if (call.EndedAt is null)
        {
            return null;
        }

        return call.QueuedAt is null ? CallOutcome.EndedInIvr : CallOutcome.Abandoned;
    }

    private static int Seconds(long ticks) => (int)Math.Round(TimeSpan.FromTicks(ticks).TotalSeconds, MidpointRounding.AwayFromZero);

    /// <summary>Reads the <c>by</c> of <c>call.ended</c>: caller/customer, agent, system.</summary>
    public static CallParty? ParseParty(string? by) => by?.Trim().ToUpperInvariant() switch
    {
        "CALLER" or "CUSTOMER" => CallParty.Caller,
        "AGENT" => CallParty.Agent,
        "SYSTEM" or "PBX" => CallParty.System,
        _ => null,
    };
}
