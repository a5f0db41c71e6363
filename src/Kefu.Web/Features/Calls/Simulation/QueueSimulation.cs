using System.Globalization;
using Kefu.Web.Features.Calls.Routing;

namespace Kefu.Web.Features.Calls.Simulation;

/// <summary>
/// A clock the simulation sets: <see cref="GetUtcNow"/> returns the current simulated instant and only moves when
/// <see cref="AdvanceTo"/> or <see cref="Advance"/> is called.
/// </summary>
/// <remarks>Timestamps follow the simulated time too (one tick = 100 ns), so elapsed-time measurements made through
/// this provider agree with it. Timers are refused: in a discrete-event simulation nothing may wait on real time.</remarks>
public sealed class SimulationClock : TimeProvider
{
    private long _utcTicks;

    /// <summary>A clock standing at <paramref name="start"/>.</summary>
    public SimulationClock(DateTimeOffset start) => _utcTicks = start.UtcTicks;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(_utcTicks, TimeSpan.Zero);

    /// <inheritdoc/>
    public override long GetTimestamp() => _utcTicks;

    /// <summary>Not supported: the simulation applies timers itself as events.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("Simulated time does not run timers; schedule an event instead.");

    /// <summary>Moves the clock to <paramref name="instant"/>; time never goes backwards.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is before the current time.</exception>
    public void AdvanceTo(DateTimeOffset instant) => AdvanceToTicks(instant.UtcTicks);

    /// <summary>Moves the clock forward by <paramref name="delta"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        _utcTicks += delta.Ticks;
    }

    internal void AdvanceToTicks(long utcTicks)
    {
        if (utcTicks < _utcTicks)
            throw new ArgumentOutOfRangeException(nameof(utcTicks), utcTicks, "Simulated time cannot go backwards.");
        _utcTicks = utcTicks;
    }
}

/// <summary>How the simulated centre's queues are laid out.</summary>
public enum QueueLayout
{
    /// <summary>One queue ("all") served by every agent: the M/M/c system Erlang C describes.</summary>
    SingleQueue,

    /// <summary>One queue per IVR choice (its <see cref="IvrChoice.QueueId"/>, which is also the skill).</summary>
    QueuePerIvrChoice,
}

/// <summary>How the simulated centre runs the ACD.</summary>
public sealed record SimulationOptions
{
    /// <summary>The id and skill of the queue in <see cref="QueueLayout.SingleQueue"/>.</summary>
    public const string SingleQueueId = "all";

    /// <summary>Queue layout.</summary>
    public QueueLayout Layout { get; init; } = QueueLayout.QueuePerIvrChoice;

    /// <summary>Routing strategy of every queue.</summary>
    public RoutingStrategy Strategy { get; init; } = RoutingStrategy.LongestIdle;

    /// <summary>Skills of agent i (0-based) for <see cref="QueueLayout.QueuePerIvrChoice"/>; null: every agent has every
    /// queue's skill at level 1. Ignored for <see cref="QueueLayout.SingleQueue"/>, where everyone has the one skill.</summary>
    public Func<int, IEnumerable<AgentSkill>>? AgentSkills { get; init; }

    /// <summary>Time in the IVR menu between arrival and entering the queue.</summary>
    public double IvrSeconds { get; init; }

    /// <summary>Shortest time an agent takes to pick up a ringing call (uniform between min and max); 0 for the M/M/c check.</summary>
    public double RingDelayMinSeconds { get; init; }

    /// <summary>Longest time an agent takes to pick up; a delay at or beyond <see cref="RingTimeoutSeconds"/> is a ring-no-answer.</summary>
    public double RingDelayMaxSeconds { get; init; }

    /// <summary>The queues' ring timeout (SPEC §2: three rings, 15 s).</summary>
    public double RingTimeoutSeconds { get; init; } = 15;

    /// <summary>The queues' wrap-up (after-call work) time; 0 for the M/M/c check.</summary>
    public double WrapUpSeconds { get; init; }

    /// <summary>How long an agent who let a call ring out stays on Break before the desktop sets them Idle again.</summary>
    public double BreakAfterRingNoAnswerSeconds { get; init; } = 30;

    /// <summary>The t of the service level "answered within t seconds".</summary>
    public double ServiceLevelThresholdSeconds { get; init; } = 20;

    /// <summary>The simulated instant of the first moment.</summary>
    public DateTimeOffset Start { get; init; } = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Seed of the ring-delay stream (the traffic has its own seed).</summary>
    public int Seed { get; init; } = 7;
}

/// <summary>What happened to one simulated call. Unset times mean the step never happened.</summary>
public sealed class SimulatedCall
{
    internal SimulatedCall(PlannedCall planned, string queueId, DateTimeOffset arrivedAt)
    {
        Planned = planned;
        QueueId = queueId;
        ArrivedAt = arrivedAt;
    }

    /// <summary>The call as the traffic model planned it.</summary>
    public PlannedCall Planned { get; }

    /// <summary>The queue it was put in.</summary>
    public string QueueId { get; }

    /// <summary>When the call reached the centre (entered the IVR).</summary>
    public DateTimeOffset ArrivedAt { get; }

    /// <summary>When it entered the ACD queue.</summary>
    public DateTimeOffset? QueuedAt { get; internal set; }

    /// <summary>When it first rang at an agent.</summary>
    public DateTimeOffset? FirstRingingAt { get; internal set; }

    /// <summary>When an agent answered.</summary>
    public DateTimeOffset? AnsweredAt { get; internal set; }

    /// <summary>When the conversation ended.</summary>
    public DateTimeOffset? EndedAt { get; internal set; }

    /// <summary>When the caller hung up before being answered.</summary>
    public DateTimeOffset? AbandonedAt { get; internal set; }

    /// <summary>The agent who answered.</summary>
    public string? AgentId { get; internal set; }

    /// <summary>How many times it was offered to an agent (more than 1 after ring-no-answers).</summary>
    public int Offers { get; internal set; }

    /// <summary>How many offers rang out without answer.</summary>
    public int RingNoAnswers { get; internal set; }

    /// <summary>Wait from entering the queue to being answered (ring time included, as ACD reports count it).</summary>
    public TimeSpan? WaitToAnswer => AnsweredAt - QueuedAt;

    /// <summary>Whether the call found no idle agent on entering the queue: the event whose probability is Erlang C.</summary>
    public bool WaitedForAgent => QueuedAt is { } queued && (FirstRingingAt is not { } ringing || ringing > queued);
}

/// <summary>Totals of a simulation run. Rates are fractions in [0, 1]; times are seconds.</summary>
/// <param name="Offered">Calls that arrived.</param>
/// <param name="Answered">Calls an agent answered.</param>
/// <param name="Abandoned">Calls whose caller hung up while waiting or ringing.</param>
/// <param name="Unserved">Calls still waiting when events ran out (a queue nobody serves); normally 0.</param>
/// <param name="AnsweredWithinThreshold">Answered calls whose wait was at most the threshold.</param>
/// <param name="ServiceLevelThresholdSeconds">The threshold t.</param>
/// <param name="ServiceLevel">AnsweredWithinThreshold / Answered (0 when nothing was answered).</param>
/// <param name="AverageSpeedOfAnswerSeconds">Mean wait of answered calls (ASA).</param>
/// <param name="FractionWaited">Share of offered calls that found no idle agent on entering the queue.</param>
/// <param name="RingNoAnswers">Offers that rang out.</param>
/// <param name="AnsweredByAgent">Answered calls per agent id (every agent listed, 0 included).</param>
/// <param name="Calls">Per-call records, in arrival order.</param>
/// <param name="StartedAt">Simulated start.</param>
/// <param name="FinishedAt">Simulated instant of the last event.</param>
public sealed record SimulationResult(
    int Offered,
    int Answered,
    int Abandoned,
    int Unserved,
    int AnsweredWithinThreshold,
    double ServiceLevelThresholdSeconds,
    double ServiceLevel,
    double AverageSpeedOfAnswerSeconds,
    double FractionWaited,
    int RingNoAnswers,
    IReadOnlyDictionary<string, int> AnsweredByAgent,
    IReadOnlyList<SimulatedCall> Calls,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt);

/// <summary>
/// A discrete-event simulation of a contact centre: a <see cref="TrafficModel"/>'s arrival plan runs against a real
/// <see cref="AcdRouter"/> on a <see cref="SimulationClock"/>, so the statistics measure the production routing code.
/// </summary>
/// <remarks>
/// <para>Events, in time order (ties in scheduling order) from a <see cref="PriorityQueue{TElement, TPriority}"/>:
/// arrival → (IVR) → Enqueue + RouteAll; each routing decision → the agent answers after the ring delay → Answered,
/// and the end of the handle time is scheduled → Ended, then wrap-up and RouteAll; patience expiring while the call
/// waits or rings → Abandon. <see cref="AcdRouter.Tick"/> runs exactly when a wrap-up or ring timeout falls due.</para>
/// <para>Arrivals are scheduled one at a time, so the event list holds at most about one event per agent and
/// waiting caller; a run costs O(calls · log agents).</para>
/// </remarks>
public sealed class QueueSimulation
{
    private readonly TrafficModel _traffic;
    private readonly SimulationOptions _options;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No agents, or a time out of range.</exception>
    public QueueSimulation(TrafficModel traffic, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        options ??= new SimulationOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(traffic.Options.Agents, 1, nameof(traffic));
        RequireNonNegative(options.IvrSeconds, "IvrSeconds");
        RequireNonNegative(options.RingDelayMinSeconds, "RingDelayMinSeconds");
        RequireNonNegative(options.RingDelayMaxSeconds, "RingDelayMaxSeconds");
        if (options.RingDelayMaxSeconds < options.RingDelayMinSeconds)
            throw new ArgumentOutOfRangeException(nameof(options), options.RingDelayMaxSeconds, "RingDelayMaxSeconds is below RingDelayMinSeconds.");
        RequireNonNegative(options.RingTimeoutSeconds, "RingTimeoutSeconds");
        if (options.RingTimeoutSeconds == 0)
            throw new ArgumentOutOfRangeException(nameof(options), 0, "RingTimeoutSeconds must be positive.");
        RequireNonNegative(options.WrapUpSeconds, "WrapUpSeconds");
        RequireNonNegative(options.BreakAfterRingNoAnswerSeconds, "BreakAfterRingNoAnswerSeconds");
        RequireNonNegative(options.ServiceLevelThresholdSeconds, "ServiceLevelThresholdSeconds");
        _traffic = traffic;
        _options = options;
    }

    /// <summary>Plans the traffic and plays it through a fresh router until every call is answered and ended or abandoned.</summary>
    public SimulationResult Run() => new SimulationRun(_traffic, _options).Execute();

    private static void RequireNonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite, non-negative number.");
    }
}

/// <summary>The state of one simulation run.</summary>
file sealed class SimulationRun
{
    private readonly SimulationOptions _options;
    private readonly IReadOnlyList<PlannedCall> _plan;
    private readonly SimulationClock _clock;
    private readonly AcdRouter _router;
    private readonly Random _random;
    private readonly SimulatedCall[] _calls;
    private readonly Dictionary<string, int> _callIndex;
    private readonly string[] _agentIds;
    private readonly Dictionary<string, int> _agentIndex = new(StringComparer.Ordinal);
    private readonly int[] _answeredByAgent;
    private readonly PriorityQueue<SimEvent, EventKey> _events = new(EventKeyComparer.Instance);
    private readonly long _startTicks;
    private readonly long _ringTimeoutTicks;
    private readonly long _wrapUpTicks;
    private long _nextSequence;
    private int _ringNoAnswers;

    public SimulationRun(TrafficModel traffic, SimulationOptions options)
    {
        _options = options;
        _plan = traffic.Plan();
        _clock = new SimulationClock(options.Start);
        _router = new AcdRouter(_clock);
        _random = new Random(options.Seed);
        _startTicks = options.Start.UtcTicks;
        _ringTimeoutTicks = Ticks(options.RingTimeoutSeconds);
        _wrapUpTicks = Ticks(options.WrapUpSeconds);

        var single = options.Layout == QueueLayout.SingleQueue;
        string[] queueIds = single
            ? [SimulationOptions.SingleQueueId]
            : traffic.Options.IvrChoices.Select(c => c.QueueId).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var queueId in queueIds)
        {
            _router.ConfigureQueue(new QueueConfig(queueId, queueId, options.Strategy)
            {
                RingTimeout = TimeSpan.FromTicks(_ringTimeoutTicks),
                WrapUp = TimeSpan.FromTicks(_wrapUpTicks),
            });
        }

        var agents = traffic.Options.Agents;
        _agentIds = new string[agents];
        _answeredByAgent = new int[agents];
        for (var i = 0; i < agents; i++)
        {
            var id = "agent-" + (i + 1).ToString("D3", CultureInfo.InvariantCulture);
            _agentIds[i] = id;
            _agentIndex.Add(id, i);
            var skills = single || options.AgentSkills is null
                ? queueIds.Select(q => new AgentSkill(q))
                : options.AgentSkills(i);
            _router.AddOrUpdateAgent(id, skills);
            _router.SetAgentState(id, AgentState.Idle);
        }

        _calls = new SimulatedCall[_plan.Count];
        _callIndex = new Dictionary<string, int>(_plan.Count, StringComparer.Ordinal);
        for (var i = 0; i < _plan.Count; i++)
        {
            var planned = _plan[i];
            _calls[i] = new SimulatedCall(planned, single ? SimulationOptions.SingleQueueId : planned.QueueId,
                At(_startTicks + Ticks(planned.ArrivalSeconds)));
            _callIndex.Add(planned.CallId, i);
        }
    }

    private long Now => _clock.GetUtcNow().UtcTicks;

    public SimulationResult Execute()
    {
        if (_calls.Length > 0)
            Schedule(_calls[0].ArrivedAt.UtcTicks, new SimEvent(EventKind.Arrival, 0));

        while (_events.TryDequeue(out var e, out var key))
        {
            _clock.AdvanceToTicks(key.Ticks);
            switch (e.Kind)
            {
                case EventKind.Arrival:
                    OnArrival(e.Call);
                    break;
                case EventKind.Queue:
                    OnQueue(e.Call);
                    break;
                case EventKind.Answer:
                    OnAnswer(e);
                    break;
                case EventKind.End:
                    OnEnd(e.Call);
                    break;
                case EventKind.Patience:
                    OnPatienceExpired(e.Call);
                    break;
                case EventKind.Timer:
                    ApplyTimers();
                    break;
                case EventKind.BackFromBreak:
                    OnBackFromBreak(e.Agent);
                    break;
            }
        }

        return Summarize();
    }

    private void OnArrival(int call)
    {
        if (call + 1 < _calls.Length)
            Schedule(_calls[call + 1].ArrivedAt.UtcTicks, new SimEvent(EventKind.Arrival, call + 1));
        if (_options.IvrSeconds > 0)
            Schedule(Now + Ticks(_options.IvrSeconds), new SimEvent(EventKind.Queue, call));
        else
            OnQueue(call);
    }

    private void OnQueue(int call)
    {
        var record = _calls[call];
        record.QueuedAt = _clock.GetUtcNow();
        _router.Enqueue(record.Planned.CallId, record.QueueId);
        if (record.Planned.PatienceSeconds is { } patience)
            Schedule(Now + Ticks(patience), new SimEvent(EventKind.Patience, call));
        Route();
    }

    private void Route()
    {
        foreach (var decision in _router.RouteAll())
            Offer(decision);
    }

    private void Offer(RoutingDecision decision)
    {
        var call = _callIndex[decision.CallId];
        var record = _calls[call];
        var now = Now;
        record.FirstRingingAt ??= _clock.GetUtcNow();
        var generation = ++record.Offers; // an answer event from an earlier offer must not answer this one
        var firstAnswer = long.MaxValue;
        foreach (var agentId in decision.AgentIds)
        {
            var delay = RingDelayTicks();
            firstAnswer = Math.Min(firstAnswer, delay);
            Schedule(now + delay, new SimEvent(EventKind.Answer, call, _agentIndex[agentId], generation));
        }

        // Only a ring that outlasts the timeout needs the router's timer; otherwise the answer comes first.
        if (firstAnswer >= _ringTimeoutTicks)
            Schedule(now + _ringTimeoutTicks, new SimEvent(EventKind.Timer));
    }

    private void OnAnswer(SimEvent e)
    {
        var record = _calls[e.Call];
        if (record.Offers != e.Generation || record.AnsweredAt is not null || record.AbandonedAt is not null)
            return;
        var agentId = _agentIds[e.Agent];
        if (!_router.Answered(record.Planned.CallId, agentId))
            return; // rang out meanwhile, or another RingAll agent was faster

        record.AnsweredAt = _clock.GetUtcNow();
        record.AgentId = agentId;
        _answeredByAgent[e.Agent]++;
        Schedule(Now + Ticks(record.Planned.HandleSeconds), new SimEvent(EventKind.End, e.Call));
        if (_options.Strategy == RoutingStrategy.RingAll)
            Route(); // the other ringing agents are Idle again
    }

    private void OnEnd(int call)
    {
        var record = _calls[call];
        _router.Ended(record.Planned.CallId);
        record.EndedAt = _clock.GetUtcNow();
        if (_wrapUpTicks == 0)
            ApplyTimers(); // wrap-up is due now: the agent is Idle again before the next call is routed
        else
            Schedule(Now + _wrapUpTicks, new SimEvent(EventKind.Timer));
    }

    private void OnPatienceExpired(int call)
    {
        var record = _calls[call];
        if (record.AnsweredAt is not null)
            return;
        _router.Abandon(record.Planned.CallId);
        record.AbandonedAt = _clock.GetUtcNow();
        Route(); // agents it was ringing at are Idle again
    }

    private void ApplyTimers()
    {
        var tick = _router.Tick();
        foreach (var timeout in tick.RingTimeouts)
        {
            _calls[_callIndex[timeout.CallId]].RingNoAnswers++;
            _ringNoAnswers++;
            Schedule(Now + Ticks(_options.BreakAfterRingNoAnswerSeconds), new SimEvent(EventKind.BackFromBreak, Agent: _agentIndex[timeout.AgentId]));
        }

        Route();
    }

    private void OnBackFromBreak(int agent)
    {
        var id = _agentIds[agent];
        if (_router.GetAgent(id).State != AgentState.Break)
            return;
        _router.SetAgentState(id, AgentState.Idle);
        Route();
    }

    private SimulationResult Summarize()
    {
        var thresholdTicks = Ticks(_options.ServiceLevelThresholdSeconds);
        int answered = 0, abandoned = 0, withinThreshold = 0, waited = 0;
        long waitTicks = 0;
        foreach (var call in _calls)
        {
            if (call.WaitedForAgent)
                waited++;
            if (call.AbandonedAt is not null)
                abandoned++;
            if (call.WaitToAnswer is { } wait)
            {
                answered++;
                waitTicks += wait.Ticks;
                if (wait.Ticks <= thresholdTicks)
                    withinThreshold++;
            }
        }

        var byAgent = new Dictionary<string, int>(_agentIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < _agentIds.Length; i++)
            byAgent.Add(_agentIds[i], _answeredByAgent[i]);

        var offered = _calls.Length;
        return new SimulationResult(
            offered,
            answered,
            abandoned,
            offered - answered - abandoned,
            withinThreshold,
            _options.ServiceLevelThresholdSeconds,
            answered == 0 ? 0 : (double)withinThreshold / answered,
            answered == 0 ? 0 : TimeSpan.FromTicks(waitTicks).TotalSeconds / answered,
            offered == 0 ? 0 : (double)waited / offered,
            _ringNoAnswers,
            byAgent,
            _calls,
            At(_startTicks),
            _clock.GetUtcNow());
    }

    private long RingDelayTicks()
    {
        var min = _options.RingDelayMinSeconds;
        var max = _options.RingDelayMaxSeconds;
        return Ticks(max > min ? min + (_random.NextDouble() * (max - min)) : min);
    }

    private void Schedule(long ticks, SimEvent e) => _events.Enqueue(e, new EventKey(ticks, _nextSequence++));

    private static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private static DateTimeOffset At(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}

file enum EventKind : byte
{
    Arrival,
    Queue,
    Answer,
    End,
    Patience,
    Timer,
    BackFromBreak,
}

file readonly record struct SimEvent(EventKind Kind, int Call = -1, int Agent = -1, int Generation = 0);

/// <summary>Event time, then scheduling order: events at the same instant happen in the order they were scheduled.</summary>
file readonly record struct EventKey(long Ticks, long Sequence);

file sealed class EventKeyComparer : IComparer<EventKey>
{
    public static readonly EventKeyComparer Instance = new();

    public int Compare(EventKey x, EventKey y)
    {
        var c = x.Ticks.CompareTo(y.Ticks);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }
}
