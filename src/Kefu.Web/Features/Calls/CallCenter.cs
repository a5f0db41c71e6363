using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Hubs;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Calls;

/// <summary>Call-center settings (<c>Kefu:Calls</c>).</summary>
public sealed class CallCenterOptions
{
    /// <summary>The "XX" of the greeting script "您好，这里是XX客服中心…".</summary>
    public string CenterName { get; set; } = "Kefu";

    /// <summary>Due time of a callback the caller asked for (virtual hold, after hours).</summary>
    public double CallbackDueHours { get; set; } = 2;

    /// <summary>How often ring timeouts, wrap-up ends and overflow are applied.</summary>
    public int TickMilliseconds { get; set; } = 1000;

    /// <summary>Mean handle time used to estimate the wait for the callback offer.</summary>
    public int AssumedHandleSeconds { get; set; } = 180;

    /// <summary>Open calls older than this are not put back into the queues by a rebuild after a restart.</summary>
    public double RebuildWindowHours { get; set; } = 12;
}

/// <summary>A command for the PBX, returned with the events that caused it and available at <c>GET /api/v1/cti/commands</c>.
/// <c>seq</c> orders commands (long-poll with <c>after</c> = the last seq seen). <c>type</c>: menu (play the prompt and collect a
/// digit; <c>options</c> lists the keys), queue (hold the caller in <c>queue</c>; <c>offerCallback</c>: offer a callback instead of
/// waiting), ring (ring <c>agents</c>), cancel-ring (stop ringing them), voicemail (record a message), hangup (play the prompt, then
/// hang up).</summary>
public sealed record CtiAction(long Seq, string CallId, string Type, string? Queue, IReadOnlyList<string>? Agents, string? Prompt,
    IReadOnlyList<CtiMenuChoice>? Options, bool? OfferCallback)
{
    public static CtiAction From(CtiCommand c) => new(c.Seq, c.CallId, c.Type, c.Queue,
        c.Agents?.Split(';', StringSplitOptions.RemoveEmptyEntries), c.Prompt,
        c.Options?.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(o => new CtiMenuChoice(o[..o.IndexOf('=', StringComparison.Ordinal)], o[(o.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList(),
        c.OfferCallback ? true : null);
}

/// <summary>One key of a menu.</summary>
public sealed record CtiMenuChoice(string Digit, string Label);

/// <summary>What Kefu did with a batch of events.</summary>
public sealed record CtiResult(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates, IReadOnlyList<CtiAction> Actions);

/// <summary>
/// The live call center: applies CTI events to the call records and the ACD, decides the next action for the PBX,
/// and keeps agent states. Everything that changes routing goes through one gate, so the ACD (single-threaded by
/// design) sees one change at a time; every change is written to the store before it is acknowledged, and the ACD is
/// rebuilt from the store on start (and after a failed write), so queued calls and agent states survive a restart.
/// Several instances on one PostgreSQL store take turns: the gate extends across them through an advisory lock, and an
/// instance rebuilds its ACD whenever the store's <see cref="AcdStamp"/> shows another instance changed it
/// (<see cref="AcdCoordination"/>, docs/decisions/0003-acd-across-instances.md).
/// </summary>
public sealed class CallCenter(IServiceScopeFactory scopes, TimeProvider clock, IOptions<CallCenterOptions> options, IOptions<CallTargets> targets,
    CallCenterSignals signals, ILogger<CallCenter> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AcdRouter? _router;
    private Guid? _stamp; // the store's ACD version that _router reflects (see AcdCoordination)
    private Dictionary<string, CallQueue> _queues = new(StringComparer.Ordinal);
    private TaskCompletionSource _commandsArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => _gate.Dispose();

    // ------------------------------------------------------------------ CTI events

    /// <summary>Validates, stores and applies a batch of events; returns the actions for the PBX. A repeated id is
    /// acknowledged as a duplicate and changes nothing. A batch with an invalid event is refused whole (400).</summary>
    public async Task<CtiResult> HandleEventsAsync(IReadOnlyList<CtiEventInput> inputs, bool isSingle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = new FieldErrors();
        if (inputs.Count == 0)
        {
            errors.Add("events", "at least one event is required");
        }

        if (inputs.Count > 1000)
        {
            errors.Add("events", "at most 1000 events per request");
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                errors.Add(Prefix(i, isSingle) + "type", "an event object is required");
                continue;
            }

            inputs[i].Validate(errors, Prefix(i, isSingle));
        }

        errors.ThrowIfAny();
        return await RunAsync(work => ApplyEventsAsync(work, inputs, isSingle), cancellationToken);
    }

    /// <summary>
    /// Soft-phone actions from the agent desktop (answer, hold, resume, hangup, transfer) for set-ups where the PBX does
    /// not report them itself: each becomes the same CTI event a PBX would post.
    /// </summary>
    /// <remarks>An agent may answer only a call ringing at them and act only on their own call; <paramref name="supervises"/>
    /// (Supervisor, Admin) lifts that.</remarks>
    public async Task<CtiResult> SoftPhoneAsync(string callId, string agent, bool supervises, string? action, string? target, string? reason, CancellationToken cancellationToken)
    {
        var type = action switch
        {
            "answer" => CtiEventTypes.Answered,
            "hold" => CtiEventTypes.Held,
            "resume" => CtiEventTypes.Resumed,
            "hangup" => CtiEventTypes.Ended,
            "transfer" => CtiEventTypes.Transferred,
            _ => throw FieldValidationException.For("action", "must be answer, hold, resume, hangup or transfer"),
        };
        if (type == CtiEventTypes.Transferred && string.IsNullOrWhiteSpace(reason))
        {
            throw FieldValidationException.For("reason", "is required: tell the customer why, and it is noted in the CRM (seed 003 §3.3)");
        }

        if (!supervises)
        {
            var own = await RunAsync(async work =>
            {
                var live = work.Router.GetCall(callId);
                if (type == CtiEventTypes.Answered)
                {
                    return live is { State: CallState.Offered } offered && offered.AgentIds.Contains(agent, StringComparer.Ordinal);
                }

                if (live is { State: CallState.Talking } talking)
                {
                    return talking.AgentIds.Contains(agent, StringComparer.Ordinal);
                }

                var holder = await work.Db.Set<CallRecord>().AsNoTracking().Where(c => c.Id == callId).Select(c => c.Agent).SingleOrDefaultAsync(work.CancellationToken);
                return string.Equals(holder, agent, StringComparison.Ordinal);
            }, cancellationToken, save: false);
            if (!own)
            {
                throw new ForbiddenException(type == CtiEventTypes.Answered
                    ? "The call is not ringing at you."
                    : "This is another agent's call.");
            }
        }

        var input = new CtiEventInput
        {
            Id = "desktop:" + Ids.New().ToString("N"),
            Type = type,
            CallId = callId,
            At = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            Agent = type == CtiEventTypes.Answered ? agent : null,
            By = type == CtiEventTypes.Ended ? "agent" : null,
            Target = target,
            Reason = reason,
        };
        return await HandleEventsAsync([input], isSingle: true, cancellationToken);
    }

    private static string Prefix(int index, bool isSingle) => isSingle ? "" : string.Create(CultureInfo.InvariantCulture, $"[{index}].");

    private async Task<CtiResult> ApplyEventsAsync(Work work, IReadOnlyList<CtiEventInput> inputs, bool isSingle)
    {
        var ids = inputs.Select(i => i.Id!).Distinct(StringComparer.Ordinal).ToList();
        var known = (await work.Db.Set<CtiEvent>().AsNoTracking().Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync(work.CancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        await CheckReferencesAsync(work, inputs, isSingle, known);

        var accepted = new List<string>();
        var duplicates = new List<string>();
        foreach (var input in inputs)
        {
            if (!known.Add(input.Id!))
            {
                duplicates.Add(input.Id!);
                continue;
            }

            accepted.Add(input.Id!);
            await ApplyAsync(work, input);
        }

        await RouteWaitingAsync(work);
        return new CtiResult(accepted, duplicates, []);
    }

    /// <summary>Agents and queues named in events must exist: checked before anything changes.</summary>
    private async Task CheckReferencesAsync(Work work, IReadOnlyList<CtiEventInput> inputs, bool isSingle, HashSet<string> known)
    {
        var errors = new FieldErrors();
        var agentNames = inputs.Where(i => i.Agent is not null).Select(i => i.Agent!).Distinct(StringComparer.Ordinal).ToList();
        var users = await work.Db.Users.AsNoTracking().Where(u => agentNames.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(work.CancellationToken);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (known.Contains(input.Id!))
            {
                continue;
            }

            if (input.Agent is { } agent && !users.Contains(agent, StringComparer.Ordinal))
            {
                errors.Add(Prefix(i, isSingle) + "agent", $"'{agent}' is not the user name of a Kefu user");
            }

            if (input.Type == CtiEventTypes.Queued && !_queues.ContainsKey(input.Queue!))
            {
                errors.Add(Prefix(i, isSingle) + "queue", $"'{input.Queue}' is not a configured queue");
            }

            if (input.Type == CtiEventTypes.Transferred && await ParseTargetAsync(work, input.Target!) is null)
            {
                errors.Add(Prefix(i, isSingle) + "target", "must be agent:USER, queue:ID, tel:NUMBER, or a known user name, queue id or phone number");
            }
        }

        errors.ThrowIfAny();
    }

    private async Task<(CallTransferKind Kind, string Target)?> ParseTargetAsync(Work work, string raw)
    {
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        var (scheme, value) = colon > 0 ? (raw[..colon].ToUpperInvariant(), raw[(colon + 1)..].Trim()) : ("", raw.Trim());
        var isUser = await work.Db.Users.AsNoTracking().AnyAsync(u => u.UserName == value, work.CancellationToken);
        var number = Customers.PhoneNumbers.Normalize(value);
        return scheme switch
        {
            "AGENT" when isUser => (CallTransferKind.Agent, value),
            "QUEUE" when _queues.ContainsKey(value) => (CallTransferKind.Queue, value),
            "TEL" when number.Length >= 3 => (CallTransferKind.External, number),
            "" when _queues.ContainsKey(value) => (CallTransferKind.Queue, value),
            "" when isUser => (CallTransferKind.Agent, value),
            "" when number.Length >= 3 && number.Length == value.TrimStart('+').Length + (value.StartsWith('+') ? 1 : 0) => (CallTransferKind.External, number),
            _ => null,
        };
    }

    private async Task ApplyAsync(Work work, CtiEventInput input)
    {
        var e = input.ToEvent(work.Now);
        if (e.Type == CtiEventTypes.Transferred && await ParseTargetAsync(work, e.Target!) is { } parsed)
        {
            // Stored in one form ("agent:", "queue:", "tel:") so the projection can tell the kinds apart.
            e.Target = parsed.Kind switch { CallTransferKind.Agent => "agent:", CallTransferKind.Queue => "queue:", _ => "tel:" } + parsed.Target;
        }

        var call = await work.CallAsync(e.CallId);
        work.AddEvent(call, e);
        work.Reproject(call); // the effects below read the record as it is with this event
        var router = work.Router;
        var record = call.Record;
        switch (e.Type)
        {
            case CtiEventTypes.Offered:
                await OnOfferedAsync(work, call);
                break;
            case CtiEventTypes.IvrSelected:
                OnIvrSelected(work, call, e);
                break;
            case CtiEventTypes.Queued:
                if (record.EndedAt is null && record.AnsweredAt is null && router.GetCall(record.Id) is null)
                {
                    router.Enqueue(record.Id, e.Queue!);
                }

                break;
            case CtiEventTypes.Ringing:
                work.Pops.Add((e.Agent!, record.Id, "ringing"));
                break;
            case CtiEventTypes.Answered:
                await EnsureAgentAsync(work, e.Agent!);
                if (record.EndedAt is null)
                {
                    // Phones still ringing for this call (ring-all), or this agent ringing for another call, stop.
                    var ringingHere = router.GetCall(record.Id) is { State: CallState.Offered } offered ? offered.AgentIds : [];
                    var elsewhere = router.GetAgent(e.Agent!) is { State: AgentState.Ringing, CallId: { } other } && other != record.Id ? other : null;
                    if (!router.Answered(record.Id, e.Agent!))
                    {
                        router.AttachTalking(record.Id, record.Queue ?? DefaultQueue(), e.Agent!);
                    }

                    var others = ringingHere.Where(a => a != e.Agent).ToList();
                    if (others.Count > 0)
                    {
                        work.Command(record.Id, "cancel-ring", agents: string.Join(';', others));
                    }

                    if (elsewhere is not null)
                    {
                        var withdrawn = await work.CallAsync(elsewhere);
                        work.AddInternal(withdrawn, CtiEventTypes.AcdRingCancelled, agent: e.Agent);
                        work.Reproject(withdrawn);
                        work.Command(elsewhere, "cancel-ring", agents: e.Agent);
                    }
                }

                work.Pops.Add((e.Agent!, record.Id, "answered"));
                break;
            case CtiEventTypes.Ended:
                if (router.GetCall(record.Id) is { State: CallState.Offered } stillRinging)
                {
                    work.Command(record.Id, "cancel-ring", agents: string.Join(';', stillRinging.AgentIds));
                }

                router.Ended(record.Id);
                record.SurveyConsent ??= input.SurveyConsent;
                break;
            case CtiEventTypes.Transferred:
                await OnTransferredAsync(work, call, e);
                break;
            case CtiEventTypes.CallbackRequested:
                if (router.GetCall(record.Id) is { State: not CallState.Talking } waitingCall)
                {
                    if (waitingCall.State == CallState.Offered)
                    {
                        work.Command(record.Id, "cancel-ring", agents: string.Join(';', waitingCall.AgentIds));
                    }

                    router.Abandon(record.Id); // the caller leaves the queue; a caller already talking keeps the agent
                }

                work.Db.Add(NewCallback(work, record, record.QueuedAt is null ? CallbackSource.AfterHours : CallbackSource.VirtualHold, e.Reason));
                break;
            case CtiEventTypes.RecordingAvailable when record.AnsweredAt is null && record.QueuedAt is null:
                // A message left in the voicemail box (after hours): somebody must call back.
                if (!await work.Db.Set<CallCallback>().AnyAsync(c => c.CallId == record.Id, work.CancellationToken))
                {
                    work.Db.Add(NewCallback(work, record, CallbackSource.AfterHours, "客户在非工作时间留言（语音信箱），请回电"));
                }

                break;
            case CtiEventTypes.TranscriptSegment:
                var segment = new TranscriptSegment
                {
                    Id = e.Id,
                    CallId = e.CallId,
                    Speaker = input.Speaker == "agent" ? TranscriptSpeaker.Agent : TranscriptSpeaker.Customer,
                    StartSeconds = input.StartSeconds!.Value,
                    EndSeconds = input.EndSeconds!.Value,
                    Text = PiiDetector.Mask(input.Text!),
                };
                work.Db.Add(segment);
                if (segment.Speaker == TranscriptSpeaker.Agent && record is { Agent: { } talking, AnsweredAt: not null, EndedAt: null })
                {
                    work.LiveSegments.Add((talking, record.Id, segment.StartSeconds, segment.Text));
                }

                break;
        }

        work.Reproject(call);
    }

    private async Task OnOfferedAsync(Work work, CallWork call)
    {
        var record = call.Record;
        var hotline = await HotlineForAsync(work, record.To);
        record.HotlineId = hotline?.Id;
        if (record.CustomerId is null && record.From is { } from)
        {
            record.CustomerId = await work.Db.CustomerPhones.AsNoTracking().Where(p => p.Number == from).Select(p => (Guid?)p.CustomerId).FirstOrDefaultAsync(work.CancellationToken);
        }

        call.Hotline = hotline;
        if (record.EndedAt is not null || record.IvrAt is not null || record.QueuedAt is not null)
        {
            // A late offer: the call has moved on already. IVR choices that arrived before it could not be read
            // without the hotline's menu; read them now.
            if (record.QueuedAt is null && call.Events.Where(e => e.Type == CtiEventTypes.IvrSelected).MaxBy(e => e.At) is { } lastChoice)
            {
                OnIvrSelected(work, call, lastChoice);
            }

            return;
        }

        if (hotline is null)
        {
            var queue = DefaultQueue();
            work.Router.Enqueue(record.Id, queue);
            work.AddInternal(call, CtiEventTypes.Queued, queue: queue);
            work.Command(record.Id, "queue", queue: queue, prompt: _queues[queue].WaitPrompt);
            return;
        }

        if (!hotline.IsOpen(work.Now))
        {
            var choices = hotline.AfterHoursMode == AfterHoursMode.Callback ? "1=预约回电" : null;
            work.Command(record.Id, hotline.AfterHoursMode == AfterHoursMode.Callback ? "menu" : "voicemail", prompt: hotline.AfterHoursPrompt, options: choices);
            return;
        }

        var menu = hotline.Menu;
        work.Command(record.Id, "menu", prompt: hotline.Greeting + IvrMenu.PromptFor(menu), options: MenuOptions(menu));
    }

    private void OnIvrSelected(Work work, CallWork call, CtiEvent e)
    {
        var record = call.Record;
        if (record.QueuedAt is not null || record.CallbackRequested)
        {
            return;
        }

        // A late IVR event (the call already ended or was answered) still records which queue the caller chose and
        // when, so the wait is measured; only a live call is put into the ACD or answered with a prompt.
        var live = record.EndedAt is null && record.AnsweredAt is null;
        var hotline = call.Hotline;
        if (hotline is null)
        {
            return;
        }

        if (!hotline.IsOpen(work.Now))
        {
            if (live && e.Digit == "1" && hotline.AfterHoursMode == AfterHoursMode.Callback)
            {
                work.AddInternal(call, CtiEventTypes.CallbackRequested);
                work.Db.Add(NewCallback(work, record, CallbackSource.AfterHours, "非工作时间来电，预约回电"));
                work.Command(record.Id, "hangup", prompt: "已为您登记回电，我们将在工作时间尽快与您联系，感谢您的来电。");
            }

            return;
        }

        var (node, level, lastValid, _) = IvrMenu.Walk(hotline.Menu, (record.IvrPath ?? "").Split('-', StringSplitOptions.RemoveEmptyEntries));

        if (!live)
        {
            if (lastValid && node is { IsLeaf: true, Queue: { } chosen })
            {
                work.AddInternal(call, CtiEventTypes.Queued, queue: chosen, at: e.At);
            }

            return;
        }

        if (!lastValid || node is null)
        {
            work.Command(record.Id, "menu", prompt: hotline.InvalidChoicePrompt + IvrMenu.PromptFor(level), options: MenuOptions(level));
        }
        else if (!node.IsLeaf)
        {
            work.Command(record.Id, "menu", prompt: IvrMenu.PromptFor(level), options: MenuOptions(level));
        }
        else if (node.Queue is { } queue && _queues.TryGetValue(queue, out var config))
        {
            if (work.Router.GetCall(record.Id) is null)
            {
                work.Router.Enqueue(record.Id, queue);
            }

            work.AddInternal(call, CtiEventTypes.Queued, queue: queue, at: e.At);
            work.Command(record.Id, "queue", queue: queue, prompt: config.WaitPrompt ?? "正在为您转接人工服务，请稍候。", offerCallback: ShouldOfferCallback(work.Router, config));
        }
    }

    private bool ShouldOfferCallback(AcdRouter router, CallQueue queue)
    {
        if (queue.CallbackOfferAfterSeconds is not { } limit)
        {
            return false;
        }

        var snapshot = router.GetQueues().First(q => q.QueueId == queue.Id);
        if (snapshot.IdleAgentsWithSkill > 0)
        {
            return false;
        }

        var staffed = router.GetAgents().Count(a => a.State != AgentState.Offline && a.Skills.Any(s => s.Skill == queue.Skill));
        var expected = snapshot.Waiting * (double)options.Value.AssumedHandleSeconds / Math.Max(1, staffed);
        return staffed == 0 || expected >= limit || snapshot.LongestWaitInQueue.TotalSeconds >= limit;
    }

    private async Task OnTransferredAsync(Work work, CallWork call, CtiEvent e)
    {
        var record = call.Record;
        var target = (await ParseTargetAsync(work, e.Target!))!.Value;
        work.Db.Add(new CallTransfer
        {
            Id = e.Id,
            CallId = record.Id,
            At = e.At,
            Kind = target.Kind,
            Target = target.Target,
            Reason = e.Reason ?? "未说明",
            From = record.Agent,
        });
        if (record.CustomerId is { } customerId)
        {
            // Seed 003 §3.3: the transfer is noted in the CRM — time, target person, problem.
            var targetName = target.Kind == CallTransferKind.Agent
                ? await work.Db.Users.AsNoTracking().Where(u => u.UserName == target.Target).Select(u => u.DisplayName + (u.WorkNumber == null ? "" : "（工号" + u.WorkNumber + "）")).FirstOrDefaultAsync(work.CancellationToken)
                : target.Kind == CallTransferKind.Queue ? _queues[target.Target].Name : target.Target;
            work.Db.Add(new Customers.ContactRecord
            {
                Id = Ids.New(),
                CustomerId = customerId,
                At = e.At,
                Channel = Customers.ContactChannel.Phone,
                Direction = Customers.ContactDirection.Inbound,
                Summary = $"{Complaints.ComplaintTime.ToChina(e.At):HH:mm}，转{targetName ?? target.Target}，问题：{e.Reason ?? "未说明"}",
                AgentName = record.Agent,
                Reference = "transfer:" + record.Id, // "call:" is the agent's note on the same call
            });
        }

        if (record.EndedAt is not null)
        {
            return;
        }

        var router = work.Router;
        router.Ended(record.Id); // the transferring agent's leg ends: wrap-up
        switch (target.Kind)
        {
            case CallTransferKind.Queue:
                router.Enqueue(record.Id, target.Target, priority: 1); // a transferred caller has waited once already
                work.Command(record.Id, "queue", queue: target.Target, prompt: "正在为您转接，请稍候。");
                break;
            case CallTransferKind.Agent:
                await EnsureAgentAsync(work, target.Target);
                work.Command(record.Id, "ring", agents: target.Target);
                work.Pops.Add((target.Target, record.Id, "ringing"));
                break;
        }
    }

    private CallCallback NewCallback(Work work, CallRecord record, CallbackSource source, string? reason) => new()
    {
        Id = Ids.New(),
        CallId = record.Id,
        CustomerId = record.CustomerId,
        Phone = record.From ?? "",
        Reason = PiiDetector.Mask(string.IsNullOrWhiteSpace(reason) ? "来电等待较长，客户选择预约回电" : reason),
        Source = source,
        DueAt = work.Now.AddHours(options.Value.CallbackDueHours),
        Queue = record.Queue,
    };

    private string DefaultQueue() =>
        _queues.ContainsKey("general") ? "general" : _queues.Values.OrderBy(q => q.SortOrder).First().Id;

    private static string MenuOptions(IReadOnlyList<IvrOption> level) => string.Join(';', level.Select(o => $"{o.Digit}={o.Label}"));

    private static async Task<Hotline?> HotlineForAsync(Work work, string? to)
    {
        var hotlines = work.Db.Set<Hotline>().AsNoTracking();
        return (to is null ? null : await hotlines.FirstOrDefaultAsync(h => h.Number == to, work.CancellationToken))
            ?? await hotlines.OrderByDescending(h => h.IsDefault).ThenBy(h => h.CreatedAt).FirstOrDefaultAsync(work.CancellationToken);
    }

    /// <summary>Routes every waiting call an idle agent can take and records each offer.</summary>
    private static async Task RouteWaitingAsync(Work work)
    {
        foreach (var decision in work.Router.RouteAll())
        {
            var call = await work.CallAsync(decision.CallId);
            foreach (var agent in decision.AgentIds)
            {
                work.AddInternal(call, CtiEventTypes.AcdOffered, agent: agent);
                work.Pops.Add((agent, decision.CallId, "ringing"));
            }

            work.Reproject(call);
            work.Command(decision.CallId, "ring", queue: decision.QueueId, agents: string.Join(';', decision.AgentIds));
        }
    }

    // ------------------------------------------------------------------ agents

    /// <summary>Sets an agent's state from the desktop or the API. Ringing and OnCall come from call events only.</summary>
    public Task<AgentSnapshot> SetAgentStateAsync(string userName, AgentState state, CancellationToken cancellationToken) =>
        RunAsync(async work =>
        {
            if (state is AgentState.Ringing or AgentState.Talking)
            {
                throw FieldValidationException.For("state", "Ringing and OnCall are set by call events; choose Offline, Available, WrapUp or Break");
            }

            await EnsureAgentAsync(work, userName);
            var current = work.Router.GetAgent(userName);
            if (current.State == AgentState.Talking)
            {
                throw new ConflictException($"Agent '{userName}' is on a call; the state changes when the call ends.", ["agentOnCall"]);
            }

            if (current.State == AgentState.Ringing && current.CallId is { } ringing)
            {
                // Declining a ring: the call goes back to its queue and is offered to the next agent.
                var call = await work.CallAsync(ringing);
                work.Command(ringing, "cancel-ring", agents: userName);
                work.AddInternal(call, CtiEventTypes.AcdRingTimeout, agent: userName);
                work.Reproject(call);
            }

            work.Router.SetAgentState(userName, state);
            await RouteWaitingAsync(work);
            return work.Router.GetAgent(userName);
        }, cancellationToken);

    /// <summary>Replaces an agent's skills (levels 1–10; level 1 is the first tier).</summary>
    public Task<AgentSnapshot> SetAgentSkillsAsync(string userName, IReadOnlyList<AgentSkill> skills, CancellationToken cancellationToken) =>
        RunAsync(async work =>
        {
            var presence = await EnsureAgentAsync(work, userName);
            work.Router.AddOrUpdateAgent(userName, skills);
            presence.Skills = AgentPresence.FormatSkills(skills);
            await RouteWaitingAsync(work);
            return work.Router.GetAgent(userName);
        }, cancellationToken);

    /// <summary>The ACD's view of all agents and queues (wallboard).</summary>
    public async Task<(IReadOnlyList<QueueSnapshot> Queues, IReadOnlyList<AgentSnapshot> Agents)> SnapshotAsync(CancellationToken cancellationToken) =>
        await RunAsync(work => Task.FromResult((work.Router.GetQueues(), work.Router.GetAgents())), cancellationToken, save: false);

    /// <summary>The ACD's view of one agent; null for a user who never became an agent.</summary>
    public async Task<AgentSnapshot?> AgentAsync(string userName, CancellationToken cancellationToken) =>
        await RunAsync(work =>
        {
            var agents = work.Router.GetAgents();
            return Task.FromResult(agents.FirstOrDefault(a => a.AgentId == userName));
        }, cancellationToken, save: false);

    private async Task<AgentPresence> EnsureAgentAsync(Work work, string userName)
    {
        var presence = await work.PresenceAsync(userName);
        if (presence is not null)
        {
            return presence;
        }

        var user = await work.Db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName, work.CancellationToken)
            ?? throw new NotFoundException("Agent", userName);
        // People who take calls start with every queue's skill; anyone else (QA, Admin) with none until given some.
        var takesCalls = await work.Db.UserRoles.AnyAsync(ur => ur.UserId == user.Id
            && work.Db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == KefuRoles.Agent || r.Name == KefuRoles.Supervisor)), work.CancellationToken);
        presence = new AgentPresence
        {
            UserName = userName,
            UserId = user.Id,
            State = AgentState.Offline,
            StateSince = work.Now,
            Skills = takesCalls ? AgentPresence.FormatSkills(_queues.Values.Select(q => q.Skill).Distinct(StringComparer.Ordinal).Select(s => new AgentSkill(s))) : "",
        };
        work.Db.Add(presence);
        work.Presences[userName] = presence;
        work.Router.AddOrUpdateAgent(userName, presence.ParseSkills());
        return presence;
    }

    // ------------------------------------------------------------------ timers

    /// <summary>Applies due ACD timers (ring timeouts, wrap-up ends, overflow) and routes what they freed.</summary>
    public Task TickAsync(CancellationToken cancellationToken) =>
        RunAsync(async work =>
        {
            var result = work.Router.Tick();
            foreach (var timeout in result.RingTimeouts)
            {
                var call = await work.CallAsync(timeout.CallId);
                work.AddInternal(call, CtiEventTypes.AcdRingTimeout, agent: timeout.AgentId);
                work.Reproject(call);
                work.Command(timeout.CallId, "cancel-ring", agents: timeout.AgentId);
            }

            foreach (var overflow in result.Overflows)
            {
                var call = await work.CallAsync(overflow.CallId);
                work.AddInternal(call, CtiEventTypes.AcdOverflow, queue: overflow.ToQueueId);
                work.Reproject(call);
                work.Command(overflow.CallId, "queue", queue: overflow.ToQueueId, prompt: _queues[overflow.ToQueueId].WaitPrompt);
            }

            foreach (var agent in result.AgentsBackFromWrapUp)
            {
                if (await work.PresenceAsync(agent) is { CurrentCallId: { } lastCall })
                {
                    var call = await work.CallAsync(lastCall);
                    if (call.Record.AnsweredAt is not null && call.Record.WrapUpEndedAt is null)
                    {
                        work.AddInternal(call, CtiEventTypes.AcdWrapUpEnded, agent: agent);
                        work.Reproject(call);
                    }
                }
            }

            await RouteWaitingAsync(work);
            return true;
        }, cancellationToken);

    /// <summary>Re-reads queue configuration into the live ACD (after an Admin edit).</summary>
    public Task ReloadQueuesAsync(CancellationToken cancellationToken) =>
        RunAsync(async work =>
        {
            foreach (var queue in await work.Db.Set<CallQueue>().AsNoTracking().OrderBy(q => q.SortOrder).ToListAsync(work.CancellationToken))
            {
                work.Router.ConfigureQueue(queue.ToConfig());
                _queues[queue.Id] = queue;
            }

            work.ForceNewStamp = true; // the other instances re-read the queues too
            await RouteWaitingAsync(work);
            return true;
        }, cancellationToken);

    /// <summary>Commands after <paramref name="after"/>, waiting up to <paramref name="wait"/> for one to arrive.</summary>
    public async Task<IReadOnlyList<CtiAction>> CommandsAfterAsync(long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var arrived = _commandsArrived.Task;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                var rows = await db.Set<CtiCommand>().AsNoTracking().Where(c => c.Seq > after).OrderBy(c => c.Seq).Take(500).ToListAsync(cancellationToken);
                if (rows.Count > 0)
                {
                    return rows.ConvertAll(CtiAction.From);
                }
            }

            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return [];
            }

            // Wake on a local command or after a second (commands written by another instance).
            var pause = left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
            await Task.WhenAny(arrived, Task.Delay(pause, clock, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // ------------------------------------------------------------------ unit of work

    private async Task<T> RunAsync<T>(Func<Work, Task<T>> action, CancellationToken cancellationToken, bool save = true)
    {
        Work work;
        T result;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                // Other instances route too: take the ACD lock (PostgreSQL), and rebuild from the store when another
                // instance changed the ACD since this one last saw it.
                await using var transaction = await AcdCoordination.EnterAsync(db, exclusive: save, cancellationToken);
                var stamp = await AcdCoordination.ReadAsync(db, cancellationToken);
                if (_router is not null && stamp != _stamp)
                {
                    _router = null;
                }

                var router = await RouterAsync(db, cancellationToken);
                _stamp = stamp;
                work = new Work(db, router, clock.GetUtcNow().UtcDateTime, targets.Value, cancellationToken);
                try
                {
                    result = await action(work);
                    if (save)
                    {
                        await work.SaveAsync();
                    }

                    if (transaction is not null)
                    {
                        await transaction.CommitAsync(CancellationToken.None);
                    }

                    _stamp = work.NewStamp ?? _stamp;
                    break;
                }
                catch (DbUpdateConcurrencyException) when (attempt < 3)
                {
                    // An agent's wrap-up saved the same call row meanwhile: rebuild and apply again on fresh rows.
                    _router = null;
                }
                catch
                {
                    // The ACD may have moved ahead of the store: rebuild it from the store on the next use.
                    _router = null;
                    throw;
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        if (save)
        {
            await PublishAsync(work, cancellationToken);
        }

        if (result is CtiResult cti)
        {
            return (T)(object)(cti with { Actions = work.SavedCommands.ConvertAll(CtiAction.From) });
        }

        return result;
    }

    private async Task PublishAsync(Work work, CancellationToken cancellationToken)
    {
        if (work.SavedCommands.Count > 0)
        {
            Interlocked.Exchange(ref _commandsArrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        try
        {
            foreach (var presence in work.ChangedAgents)
            {
                signals.AgentChanged(presence.UserName, presence.State, presence.CurrentCallId);
            }

            foreach (var (agent, callId, phase) in work.Pops.Distinct())
            {
                await signals.ScreenPopAsync(agent, callId, phase, cancellationToken);
            }

            foreach (var callId in work.ChangedCalls)
            {
                signals.CallChanged(callId);
            }

            foreach (var (agent, callId, start, text) in work.LiveSegments)
            {
                await signals.LiveSegmentAsync(agent, callId, start, text, cancellationToken);
            }

            if (work.ChangedAgents.Count > 0 || work.ChangedCalls.Count > 0)
            {
                signals.WallboardChanged();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The change is stored; a live update that fails is seen on the next refresh.
            logger.LogWarning(e, "Publishing call-center updates failed");
        }
    }

    private async Task<AcdRouter> RouterAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        if (_router is { } router)
        {
            return router;
        }

        router = new AcdRouter(clock);
        var queues = await db.Set<CallQueue>().AsNoTracking().OrderBy(q => q.SortOrder).ThenBy(q => q.Id).ToListAsync(cancellationToken);
        _queues = queues.ToDictionary(q => q.Id, StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            router.ConfigureQueue(queue.ToConfig());
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var since = now.AddHours(-options.Value.RebuildWindowHours);
        var open = await db.Set<CallRecord>().AsNoTracking()
            .Where(c => c.EndedAt == null && !c.CallbackRequested && c.QueuedAt != null && c.OfferedAt >= since)
            .OrderBy(c => c.QueuedAt).ToListAsync(cancellationToken);

        // Agent presences mirror the ACD's agents (every unit of work saves the agents it changed), so they say who is on
        // which call and who rings for which; agents are added in name order, the same on every instance.
        var presences = await db.Set<AgentPresence>().AsNoTracking().OrderBy(p => p.UserName).ToListAsync(cancellationToken);
        var attachedIds = presences.Where(p => p.State is AgentState.Talking or AgentState.Ringing && p.CurrentCallId != null)
            .Select(p => p.CurrentCallId!).Distinct(StringComparer.Ordinal).ToList();
        var attached = (await db.Set<CallRecord>().AsNoTracking().Where(c => attachedIds.Contains(c.Id) && c.EndedAt == null).ToListAsync(cancellationToken))
            .ToDictionary(c => c.Id, StringComparer.Ordinal);
        var ringing = new Dictionary<string, List<AgentPresence>>(StringComparer.Ordinal);
        foreach (var presence in presences)
        {
            router.AddOrUpdateAgent(presence.UserName, presence.ParseSkills());
            var call = presence.CurrentCallId is { } callId ? attached.GetValueOrDefault(callId) : null;
            if (presence.State == AgentState.Talking && call is not null && QueueOf(call) is { } talkingQueue && router.GetCall(call.Id) is null)
            {
                router.RestoreTalking(call.Id, talkingQueue, presence.UserName, Utc(presence.StateSince), presence.CallsAnswered);
                continue;
            }

            // A ring in progress goes on (the PBX still rings the phone); its timeout runs from when it started.
            var state = presence.State is AgentState.Ringing or AgentState.Talking ? AgentState.Idle : presence.State;
            router.RestoreAgent(presence.UserName, state, Utc(presence.StateSince), presence.CallsAnswered, presence.LastQueueId);
            if (presence.State == AgentState.Ringing && call is not null && call.Queue is { } queue && _queues.ContainsKey(queue))
            {
                if (!ringing.TryGetValue(call.Id, out var agents))
                {
                    ringing[call.Id] = agents = [];
                }

                agents.Add(presence);
            }
        }

        // Calls put back into a queue after an agent answered them (transfer to a queue) wait again, ahead of new ones.
        var answeredOpen = open.Where(c => c.AnsweredAt != null).Select(c => c.Id).ToList();
        var requeued = answeredOpen.Count == 0
            ? []
            : (await db.Set<CallTransfer>().AsNoTracking().Where(t => answeredOpen.Contains(t.CallId)).Select(t => new { t.CallId, t.At, t.Kind }).ToListAsync(cancellationToken))
                .GroupBy(t => t.CallId, StringComparer.Ordinal).Where(g => g.MaxBy(t => t.At)!.Kind == CallTransferKind.Queue).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (callId, agents) in ringing)
        {
            var call = attached[callId];
            if (router.GetCall(callId) is not null)
            {
                continue;
            }

            router.RestoreOffer(callId, call.Queue!, agents.ConvertAll(a => a.UserName), Utc(agents.Min(a => a.StateSince)),
                Utc(call.QueuedAt ?? call.OfferedAt ?? agents.Min(a => a.StateSince)), requeued.Contains(callId) ? 1 : 0);
        }

        foreach (var call in open.Where(c => (c.AnsweredAt is null || requeued.Contains(c.Id)) && c.Queue is not null && _queues.ContainsKey(c.Queue)))
        {
            if (router.GetCall(call.Id) is null)
            {
                router.Enqueue(call.Id, call.Queue!, priority: requeued.Contains(call.Id) ? 1 : 0, arrivedAt: Utc(call.QueuedAt!.Value));
            }
        }

        router.DrainChangedAgents();
        logger.LogInformation("ACD rebuilt from the store: {Queues} queues, {Agents} agents, {Calls} open calls", queues.Count, router.GetAgents().Count, open.Count + attached.Count);
        _router = router;
        return router;
    }

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>The ACD queue a call is attached to: its own, else the default queue (a call the PBX connected directly).</summary>
    private string? QueueOf(CallRecord call) =>
        call.Queue is { } queue && _queues.ContainsKey(queue) ? queue : _queues.Count > 0 ? DefaultQueue() : null;

    /// <summary>One call being changed in a unit of work: its record and all of its events.</summary>
    private sealed class CallWork(CallRecord record, List<CtiEvent> events, Hotline? hotline)
    {
        public CallRecord Record { get; } = record;
        public List<CtiEvent> Events { get; } = events;
        public Hotline? Hotline { get; set; } = hotline;
    }

    /// <summary>The changes of one pass through the gate, saved together.</summary>
    private sealed class Work(KefuDbContext db, AcdRouter router, DateTime now, CallTargets targets, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, CallWork> _calls = new(StringComparer.Ordinal);
        private readonly List<CtiCommand> _commands = [];
        private int _internalSeq;

        public KefuDbContext Db { get; } = db;
        public AcdRouter Router { get; } = router;
        public DateTime Now { get; } = now;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public Dictionary<string, AgentPresence> Presences { get; } = new(StringComparer.Ordinal);
        public List<(string Agent, string CallId, string Phase)> Pops { get; } = [];
        public List<CtiCommand> SavedCommands { get; } = [];

        /// <summary>Renew the ACD version even if nothing else changed (configuration the other instances must re-read).</summary>
        public bool ForceNewStamp { get; set; }

        /// <summary>The ACD version this unit of work saved, when it changed anything.</summary>
        public Guid? NewStamp { get; private set; }
        public List<AgentPresence> ChangedAgents { get; } = [];
        public HashSet<string> ChangedCalls { get; } = new(StringComparer.Ordinal);

        /// <summary>What agents said on live calls in this unit of work (for live script assistance).</summary>
        public List<(string Agent, string CallId, double StartSeconds, string Text)> LiveSegments { get; } = [];

        public async Task<CallWork> CallAsync(string callId)
        {
            if (_calls.TryGetValue(callId, out var call))
            {
                return call;
            }

            var record = await Db.Set<CallRecord>().SingleOrDefaultAsync(c => c.Id == callId, CancellationToken);
            var events = record is null ? [] : await Db.Set<CtiEvent>().AsNoTracking().Where(e => e.CallId == callId).ToListAsync(CancellationToken);
            if (record is null)
            {
                record = new CallRecord { Id = callId };
                Db.Add(record);
            }

            var hotline = record.HotlineId is { } hotlineId ? await Db.Set<Hotline>().AsNoTracking().SingleOrDefaultAsync(h => h.Id == hotlineId, CancellationToken) : null;
            call = new CallWork(record, events, hotline);
            _calls.Add(callId, call);
            return call;
        }

        public void AddEvent(CallWork call, CtiEvent e)
        {
            call.Events.Add(e);
            Db.Add(e);
            ChangedCalls.Add(call.Record.Id);
        }

        /// <summary>An event Kefu raises itself (the ACD's offer, a ring timeout …), stored in the call's log like a PBX event.</summary>
        public void AddInternal(CallWork call, string type, string? agent = null, string? queue = null, DateTime? at = null)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"kefu:{Ids.New():N}:{_internalSeq++}");
            AddEvent(call, new CtiEvent { Id = id, CallId = call.Record.Id, Type = type, At = at ?? Now, ReceivedAt = Now, Agent = agent, Queue = queue });
        }

        public void Reproject(CallWork call)
        {
            CallProjection.Apply(call.Record, call.Events, targets);
            if (call.Hotline is null && call.Record.HotlineId is { } id)
            {
                call.Hotline = Db.Set<Hotline>().Local.FirstOrDefault(h => h.Id == id)
                    ?? Db.Set<Hotline>().AsNoTracking().SingleOrDefault(h => h.Id == id);
            }
        }

        public void Command(string callId, string type, string? queue = null, string? agents = null, string? prompt = null, string? options = null, bool offerCallback = false)
        {
            var command = new CtiCommand { CallId = callId, Type = type, Queue = queue, Agents = agents, Prompt = prompt, Options = options, OfferCallback = offerCallback, CreatedAt = Now };
            _commands.Add(command);
            Db.Add(command);
        }

        public async Task<AgentPresence?> PresenceAsync(string userName)
        {
            if (Presences.TryGetValue(userName, out var presence))
            {
                return presence;
            }

            presence = await Db.Set<AgentPresence>().SingleOrDefaultAsync(p => p.UserName == userName, CancellationToken);
            if (presence is not null)
            {
                Presences[userName] = presence;
            }

            return presence;
        }

        public async Task SaveAsync()
        {
            foreach (var agentId in Router.DrainChangedAgents())
            {
                var presence = await PresenceAsync(agentId);
                if (presence is null)
                {
                    continue;
                }

                var snapshot = Router.GetAgent(agentId);
                presence.State = snapshot.State;
                presence.StateSince = snapshot.StateSince.UtcDateTime;
                presence.CallsAnswered = snapshot.CallsAnswered;
                if (snapshot.CallId is { } callId)
                {
                    presence.CurrentCallId = callId; // kept through wrap-up, so the wrap-up end lands on the right call
                    presence.LastQueueId = Router.GetCall(callId)?.QueueId ?? presence.LastQueueId;
                }
                else if (snapshot.State is AgentState.Idle or AgentState.Offline or AgentState.Break)
                {
                    presence.CurrentCallId = null;
                }

                ChangedAgents.Add(presence);
            }

            if (ForceNewStamp || Db.ChangeTracker.HasChanges())
            {
                NewStamp = await AcdCoordination.RenewAsync(Db, Now, CancellationToken);
            }

            await Db.SaveChangesAsync(CancellationToken);
            SavedCommands.AddRange(_commands);
        }
    }
}
