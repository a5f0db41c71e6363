namespace Kefu.Web.Features.Calls.Routing;

/// <summary>
/// The call-routing engine (ACD): queues with skills, agents with states, routing strategies, ring timeouts,
/// wrap-up and overflow.
/// </summary>
/// <remarks>
/// <para><b>Threading contract:</b> the engine is pure, deterministic and single-threaded. It takes no locks;
/// the caller must serialize every call (one actor / channel reader / lock around the instance). All times come
/// from the injected <see cref="TimeProvider"/>; nothing happens by itself — timers are applied by <see cref="Tick"/>.</para>
/// <para><b>Complexity:</b> idle agents are kept per skill in sorted sets keyed by (idle-since, ordinal),
/// (tier, idle-since, ordinal) and (calls answered, idle-since, ordinal), so LongestIdle, SkillTiers and FewestCalls
/// pick in O(log n); round robin uses a per-skill sorted ordinal list with a per-queue cursor (binary search).
/// Waiting calls are a per-queue sorted set keyed by (priority desc, arrival asc, sequence). RingAll is O(k) in the
/// number of idle agents it rings, by nature.</para>
/// <para>Call-event methods (<see cref="Answered"/>, <see cref="RingNoAnswer"/>, <see cref="Ended"/>,
/// <see cref="Abandon"/>) return <see langword="false"/> for stale or unknown events (telephony races) instead of
/// throwing; configuration errors throw.</para>
/// </remarks>
public sealed class AcdRouter
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private readonly List<QueueState> _queueOrder = [];
    private readonly Dictionary<string, Agent> _agents = new(StringComparer.Ordinal);
    private readonly List<Agent> _agentsByOrdinal = [];
    private readonly Dictionary<string, SkillPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Call> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Call> _callsBySeq = [];
    private readonly SortedSet<DueKey> _ringDue = new(DueKeyComparer.Instance);
    private readonly SortedSet<DueKey> _wrapUpDue = new(DueKeyComparer.Instance);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private long _nextCallSeq;

    public AcdRouter(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    private long Now => _time.GetUtcNow().UtcTicks;

    // ---------------------------------------------------------------- configuration

    /// <summary>Adds or replaces a queue's configuration. Waiting calls stay.</summary>
    public void ConfigureQueue(QueueConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config.Id))
            throw new ArgumentException("Queue id is required.", nameof(config));
        if (string.IsNullOrWhiteSpace(config.Skill))
            throw new ArgumentException("Queue skill is required.", nameof(config));
        if (config.RingTimeout <= TimeSpan.Zero)
            throw new ArgumentException("RingTimeout must be positive.", nameof(config));
        if (config.WrapUp < TimeSpan.Zero)
            throw new ArgumentException("WrapUp must not be negative.", nameof(config));
        if (config.OverflowAfter is { } after && after <= TimeSpan.Zero)
            throw new ArgumentException("OverflowAfter must be positive.", nameof(config));
        if (config.OverflowAfter is not null != config.OverflowQueueId is not null)
            throw new ArgumentException("OverflowAfter and OverflowQueueId go together.", nameof(config));
        if (string.Equals(config.OverflowQueueId, config.Id, StringComparison.Ordinal))
            throw new ArgumentException("A queue cannot overflow to itself.", nameof(config));

        if (_queues.TryGetValue(config.Id, out var existing))
        {
            existing.Config = config;
        }
        else
        {
            var queue = new QueueState(config);
            _queues.Add(config.Id, queue);
            _queueOrder.Add(queue);
        }

        GetPool(config.Skill);
    }

    /// <summary>Adds an agent (Offline) or replaces an existing agent's skills. Skill levels are 1–10.</summary>
    public void AddOrUpdateAgent(string agentId, IEnumerable<AgentSkill> skills)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agentId);
        ArgumentNullException.ThrowIfNull(skills);
        var newSkills = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var skill in skills)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(skill.Skill, nameof(skills));
            if (skill.Level is < 1 or > 10)
                throw new ArgumentOutOfRangeException(nameof(skills), skill.Level, "Skill level must be 1–10.");
            newSkills[skill.Skill] = skill.Level;
        }

        if (!_agents.TryGetValue(agentId, out var agent))
        {
            agent = new Agent(agentId, _agentsByOrdinal.Count) { StateSinceTicks = Now };
            _agents.Add(agentId, agent);
            _agentsByOrdinal.Add(agent);
        }

        var wasIdle = agent.State == AgentState.Idle;
        if (wasIdle)
            RemoveFromPools(agent);
        agent.Skills = newSkills;
        if (wasIdle)
            AddToPools(agent);
    }

    // ---------------------------------------------------------------- agent desktop

    /// <summary>
    /// Sets an agent's state from the desktop (or another external source). Ringing and Talking are set only by
    /// the engine. An agent who is Ringing and changes state declines the call: it goes back to its queue (unless
    /// other RingAll agents still ring). An agent on a call must end it first.
    /// </summary>
    public void SetAgentState(string agentId, AgentState state)
    {
        var agent = GetAgentOrThrow(agentId);
        if (state is AgentState.Ringing or AgentState.Talking)
            throw new ArgumentException("Ringing and Talking are set by call events only.", nameof(state));
        if (agent.State == AgentState.Talking)
            throw new InvalidOperationException($"Agent '{agentId}' is on a call; end the call first.");

        var now = Now;
        if (agent.State == AgentState.Ringing && agent.Call is { } call)
        {
            Withdraw(call, agent, state, now, restoreIdleSince: false);
            return;
        }

        if (agent.State == state && state != AgentState.WrapUp)
            return;
        ChangeState(agent, state, now);
    }

    // ---------------------------------------------------------------- calls

    /// <summary>Puts a call into a queue. Higher <paramref name="priority"/> is served first; FIFO within a priority.
    /// <paramref name="arrivedAt"/> (default now) sets the call's FIFO rank and wait start: a rebuild after a restart
    /// passes the stored queue time so the call keeps its place.</summary>
    public void Enqueue(string callId, string queueId, int priority = 0, DateTimeOffset? arrivedAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        var queue = GetQueueOrThrow(queueId);
        if (_calls.ContainsKey(callId))
            throw new InvalidOperationException($"Call '{callId}' is already in the ACD.");

        var now = Now;
        var arrival = arrivedAt is { } at ? Math.Min(at.UtcTicks, now) : now;
        var call = new Call(callId, _nextCallSeq++, priority, arrival) { Queue = queue, QueuedAtTicks = arrival };
        _calls.Add(callId, call);
        _callsBySeq.Add(call.Seq, call);
        AddWaiting(queue, call);
    }

    /// <summary>The caller hung up (or the call is withdrawn) in any state. Ringing agents go back to Idle
    /// keeping their place; a talking agent goes to WrapUp.</summary>
    public bool Abandon(string callId)
    {
        if (!_calls.TryGetValue(callId, out var call))
            return false;
        var now = Now;
        switch (call.State)
        {
            case CallState.Waiting:
                RemoveWaiting(call.Queue, call);
                break;
            case CallState.Offered:
                _ringDue.Remove(new DueKey(call.RingDueTicks, call.Seq));
                foreach (var agent in call.Agents)
                {
                    agent.Call = null;
                    ChangeState(agent, AgentState.Idle, now, agent.IdleSinceBeforeRingTicks);
                }

                call.Queue.Offered--;
                break;
            case CallState.Talking:
                EndTalking(call, now);
                return true;
        }

        Forget(call);
        return true;
    }

    /// <summary>
    /// Puts an agent on a call the ACD did not offer to them: a call the PBX connected by itself (a direct transfer
    /// to a person), or a call that was talking when the service restarted. The call leaves its queue (or its other
    /// ringing agents) and the agent becomes Talking. Returns false when the agent is already talking on another call.
    /// </summary>
    public bool AttachTalking(string callId, string queueId, string agentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        var queue = GetQueueOrThrow(queueId);
        var agent = GetAgentOrThrow(agentId);
        if (agent.State == AgentState.Talking)
            return ReferenceEquals(agent.Call, _calls.GetValueOrDefault(callId));

        var now = Now;
        if (agent.State == AgentState.Ringing && agent.Call is { } ringing && !string.Equals(ringing.Id, callId, StringComparison.Ordinal))
            Withdraw(ringing, agent, AgentState.Idle, now, restoreIdleSince: true);

        if (_calls.TryGetValue(callId, out var call))
        {
            if (call.State == CallState.Offered && call.Agents.Contains(agent))
                return Answered(callId, agentId);
            if (call.State == CallState.Talking)
                EndTalking(call, now);
            else
                Abandon(callId);
        }

        call = new Call(callId, _nextCallSeq++, 0, now) { Queue = queue, QueuedAtTicks = now, State = CallState.Talking };
        _calls.Add(callId, call);
        _callsBySeq.Add(call.Seq, call);
        call.Agents.Add(agent);
        queue.Talking++;
        agent.Call = call;
        agent.LastQueueId = queue.Config.Id;
        ChangeState(agent, AgentState.Talking, now); // leaves the idle pools under the old key first
        agent.CallsAnswered++;
        return true;
    }

    /// <summary>
    /// Restores an agent's state after a restart (rebuild from the store): Offline, Idle (with the time it became
    /// idle, so longest-idle order survives), Break or WrapUp (ending at <paramref name="since"/> plus the wrap-up
    /// of <paramref name="lastQueueId"/>). Talking agents are restored through <see cref="AttachTalking"/>.
    /// </summary>
    public void RestoreAgent(string agentId, AgentState state, DateTimeOffset since, int callsAnswered, string? lastQueueId = null)
    {
        var agent = GetAgentOrThrow(agentId);
        if (state is AgentState.Ringing or AgentState.Talking)
            throw new ArgumentException("Ringing and Talking are restored from calls, not set directly.", nameof(state));
        if (agent.State is AgentState.Ringing or AgentState.Talking)
            throw new InvalidOperationException($"Agent '{agentId}' is on a call.");
        if (agent.State == AgentState.Idle)
            RemoveFromPools(agent);
        if (agent.State == AgentState.WrapUp)
            _wrapUpDue.Remove(new DueKey(agent.WrapUpDueTicks, agent.Ordinal));

        agent.State = AgentState.Offline;
        agent.CallsAnswered = Math.Max(0, callsAnswered);
        agent.LastQueueId = lastQueueId;
        var ticks = Math.Min(since.UtcTicks, Now);
        ChangeState(agent, state, ticks, idleSince: ticks);
        _changed.Add(agent.Id);
    }

    /// <summary>
    /// Restores an agent on a call after a rebuild from the store (a restart, or another instance changed the ACD): the
    /// agent is Talking on <paramref name="callId"/> since <paramref name="since"/> with their stored answered-calls count.
    /// Unlike <see cref="AttachTalking"/> nothing new happens: no count goes up, the time in state is kept.
    /// </summary>
    public void RestoreTalking(string callId, string queueId, string agentId, DateTimeOffset since, int callsAnswered)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        var queue = GetQueueOrThrow(queueId);
        var agent = GetAgentOrThrow(agentId);
        if (_calls.ContainsKey(callId))
            throw new InvalidOperationException($"Call '{callId}' is already in the ACD.");
        if (agent.State is AgentState.Ringing or AgentState.Talking)
            throw new InvalidOperationException($"Agent '{agentId}' is on a call.");

        var ticks = Math.Min(since.UtcTicks, Now);
        var call = new Call(callId, _nextCallSeq++, 0, ticks) { Queue = queue, QueuedAtTicks = ticks, State = CallState.Talking };
        _calls.Add(callId, call);
        _callsBySeq.Add(call.Seq, call);
        call.Agents.Add(agent);
        queue.Talking++;
        ChangeState(agent, AgentState.Talking, ticks); // leaves the idle pools under the old key first
        agent.Call = call;
        agent.LastQueueId = queue.Config.Id;
        agent.CallsAnswered = Math.Max(0, callsAnswered);
        _changed.Add(agent.Id);
    }

    /// <summary>
    /// Restores a call that was ringing when the ACD was rebuilt from the store: it is Offered to <paramref name="agentIds"/>
    /// (Ringing since <paramref name="offeredAt"/>), and its ring times out at <paramref name="offeredAt"/> plus the queue's
    /// ring timeout, as if the ACD had never been rebuilt. The agents must not be on a call.
    /// </summary>
    public void RestoreOffer(string callId, string queueId, IReadOnlyList<string> agentIds, DateTimeOffset offeredAt, DateTimeOffset arrivedAt, int priority = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        ArgumentNullException.ThrowIfNull(agentIds);
        var queue = GetQueueOrThrow(queueId);
        if (_calls.ContainsKey(callId))
            throw new InvalidOperationException($"Call '{callId}' is already in the ACD.");
        var agents = new List<Agent>(agentIds.Count);
        foreach (var agentId in agentIds)
        {
            var agent = GetAgentOrThrow(agentId);
            if (agent.State is AgentState.Ringing or AgentState.Talking)
                throw new InvalidOperationException($"Agent '{agentId}' is on a call.");
            agents.Add(agent);
        }

        if (agents.Count == 0)
            throw new ArgumentException("A ringing call rings at one agent at least.", nameof(agentIds));

        var now = Now;
        var offered = Math.Min(offeredAt.UtcTicks, now);
        var arrival = Math.Min(arrivedAt.UtcTicks, offered);
        var call = new Call(callId, _nextCallSeq++, priority, arrival) { Queue = queue, QueuedAtTicks = arrival, State = CallState.Offered, Agents = agents };
        _calls.Add(callId, call);
        _callsBySeq.Add(call.Seq, call);
        call.RingDueTicks = offered + queue.Config.RingTimeout.Ticks;
        _ringDue.Add(new DueKey(call.RingDueTicks, call.Seq));
        queue.Offered++;
        foreach (var agent in agents)
        {
            var idleSince = agent.State == AgentState.Idle ? agent.IdleSinceTicks : offered;
            ChangeState(agent, AgentState.Ringing, offered);
            agent.IdleSinceBeforeRingTicks = idleSince;
            agent.Call = call;
        }
    }

    /// <summary>The agents whose state changed since the last call, for the caller to persist and publish.</summary>
    public IReadOnlyCollection<string> DrainChangedAgents()
    {
        if (_changed.Count == 0)
            return [];
        var result = _changed.ToArray();
        _changed.Clear();
        return result;
    }

    /// <summary>Routes the head call of a queue, if an agent is available. The agent(s) become Ringing and the call Offered.</summary>
    public RoutingDecision? RouteNext(string queueId) => RouteNext(GetQueueOrThrow(queueId), Now);

    /// <summary>Routes as many waiting calls as possible, taking one call per queue in turn so that no queue starves the others.</summary>
    public IReadOnlyList<RoutingDecision> RouteAll()
    {
        var now = Now;
        var decisions = new List<RoutingDecision>();
        bool progress;
        do
        {
            progress = false;
            foreach (var queue in _queueOrder)
            {
                if (RouteNext(queue, now) is { } decision)
                {
                    decisions.Add(decision);
                    progress = true;
                }
            }
        }
        while (progress);

        return decisions;
    }

    /// <summary>An offered agent answered. For RingAll the other ringing agents go back to Idle keeping their place.</summary>
    public bool Answered(string callId, string agentId)
    {
        if (!_calls.TryGetValue(callId, out var call) || call.State != CallState.Offered)
            return false;
        if (!_agents.TryGetValue(agentId, out var agent) || !ReferenceEquals(agent.Call, call))
            return false;

        var now = Now;
        _ringDue.Remove(new DueKey(call.RingDueTicks, call.Seq));
        foreach (var other in call.Agents)
        {
            if (ReferenceEquals(other, agent))
                continue;
            other.Call = null;
            ChangeState(other, AgentState.Idle, now, other.IdleSinceBeforeRingTicks);
        }

        call.Agents.Clear();
        call.Agents.Add(agent);
        call.State = CallState.Talking;
        call.Queue.Offered--;
        call.Queue.Talking++;
        agent.CallsAnswered++; // not Idle, so not in any pool: safe to change a pool key field.
        agent.LastQueueId = call.Queue.Config.Id;
        ChangeState(agent, AgentState.Talking, now);
        return true;
    }

    /// <summary>The call rang at the agent without answer (or the agent rejected it): the agent goes to Break and,
    /// once no agent rings any more, the call goes back to its place at the head of its queue.</summary>
    public bool RingNoAnswer(string callId, string agentId)
    {
        if (!_calls.TryGetValue(callId, out var call) || call.State != CallState.Offered)
            return false;
        if (!_agents.TryGetValue(agentId, out var agent) || !ReferenceEquals(agent.Call, call))
            return false;
        Withdraw(call, agent, AgentState.Break, Now, restoreIdleSince: false);
        return true;
    }

    /// <summary>The call ended. A talking agent goes to WrapUp for the queue's wrap-up time; a call still waiting or
    /// ringing is treated as abandoned.</summary>
    public bool Ended(string callId) => Abandon(callId);

    /// <summary>Applies due timers: wrap-up ends (agent → Idle), ring timeouts (→ <see cref="RingNoAnswer"/>), and
    /// overflow (calls waiting in a queue longer than its OverflowAfter move to the overflow queue keeping their
    /// arrival time, so they keep their FIFO rank there).</summary>
    public TickResult Tick()
    {
        var now = Now;
        var backFromWrapUp = new List<string>();
        var ringTimeouts = new List<RingTimeout>();
        var overflows = new List<Overflow>();

        while (_wrapUpDue.Count > 0 && _wrapUpDue.Min.Ticks <= now)
        {
            var due = _wrapUpDue.Min;
            _wrapUpDue.Remove(due);
            var agent = _agentsByOrdinal[(int)due.Id];
            if (agent.State == AgentState.WrapUp && agent.WrapUpDueTicks == due.Ticks)
            {
                // Idle since the wrap-up ended, not since this tick: tick granularity must not cost the agent rank.
                ChangeState(agent, AgentState.Idle, now, idleSince: due.Ticks);
                backFromWrapUp.Add(agent.Id);
            }
        }

        while (_ringDue.Count > 0 && _ringDue.Min.Ticks <= now)
        {
            var due = _ringDue.Min;
            _ringDue.Remove(due);
            var call = _callsBySeq[due.Id];
            foreach (var agent in call.Agents.ToArray())
            {
                ringTimeouts.Add(new RingTimeout(call.Id, agent.Id));
                Withdraw(call, agent, AgentState.Break, now, restoreIdleSince: false);
            }
        }

        foreach (var queue in _queueOrder)
        {
            if (queue.Config.OverflowAfter is not { } after || queue.Config.OverflowQueueId is not { } targetId
                || !_queues.TryGetValue(targetId, out var target))
                continue;
            var threshold = now - after.Ticks;
            while (queue.ByQueuedAt.Count > 0 && queue.ByQueuedAt.Min.Ticks <= threshold)
            {
                var call = _callsBySeq[queue.ByQueuedAt.Min.Id];
                RemoveWaiting(queue, call);
                call.Queue = target;
                call.QueuedAtTicks = now; // the wait threshold restarts in the new queue; arrival (FIFO rank) is kept.
                AddWaiting(target, call);
                overflows.Add(new Overflow(call.Id, queue.Config.Id, target.Config.Id));
            }
        }

        return new TickResult(backFromWrapUp, ringTimeouts, overflows);
    }

    // ---------------------------------------------------------------- snapshots

    /// <summary>Wallboard view of every queue, in configuration order.</summary>
    public IReadOnlyList<QueueSnapshot> GetQueues()
    {
        var now = Now;
        var result = new List<QueueSnapshot>(_queueOrder.Count);
        foreach (var q in _queueOrder)
        {
            var longest = q.ByQueuedAt.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(now - q.ByQueuedAt.Min.Ticks);
            result.Add(new QueueSnapshot(q.Config.Id, q.Config.Skill, q.Config.Strategy, q.Waiting.Count, q.Offered,
                q.Talking, GetPool(q.Config.Skill).Count, longest));
        }

        return result;
    }

    /// <summary>Wallboard view of every agent, in the order they were added.</summary>
    public IReadOnlyList<AgentSnapshot> GetAgents() => _agentsByOrdinal.ConvertAll(ToSnapshot);

    /// <summary>One agent's view.</summary>
    public AgentSnapshot GetAgent(string agentId) => ToSnapshot(GetAgentOrThrow(agentId));

    /// <summary>One call's view, or null when the ACD does not know the call (never enqueued, ended or abandoned).</summary>
    public CallSnapshot? GetCall(string callId) => _calls.TryGetValue(callId, out var call) ? ToSnapshot(call) : null;

    /// <summary>Every call the ACD holds, in arrival order.</summary>
    public IReadOnlyList<CallSnapshot> GetCalls()
    {
        var result = new List<CallSnapshot>(_calls.Count);
        foreach (var call in _calls.Values)
            result.Add(ToSnapshot(call));
        result.Sort((a, b) => a.ArrivedAt.CompareTo(b.ArrivedAt));
        return result;
    }

    /// <summary>The waiting calls of a queue in the order they will be routed.</summary>
    public IReadOnlyList<CallSnapshot> GetWaitingCalls(string queueId)
    {
        var queue = GetQueueOrThrow(queueId);
        var result = new List<CallSnapshot>(queue.Waiting.Count);
        foreach (var key in queue.Waiting)
            result.Add(ToSnapshot(_callsBySeq[key.Seq]));
        return result;
    }

    // ---------------------------------------------------------------- internals

    private RoutingDecision? RouteNext(QueueState queue, long now)
    {
        if (queue.Waiting.Count == 0)
            return null;
        var pool = GetPool(queue.Config.Skill);
        if (pool.Count == 0)
            return null;

        var call = _callsBySeq[queue.Waiting.Min.Seq];
        List<Agent> chosen;
        switch (queue.Config.Strategy)
        {
            case RoutingStrategy.RingAll:
                chosen = new List<Agent>(pool.Count);
                foreach (var key in pool.ByIdle)
                    chosen.Add(_agentsByOrdinal[key.Ordinal]);
                break;
            case RoutingStrategy.RoundRobin:
                var ordinal = pool.NextRoundRobin(queue.RoundRobinCursor);
                queue.RoundRobinCursor = ordinal;
                chosen = [_agentsByOrdinal[ordinal]];
                break;
            case RoutingStrategy.FewestCalls:
                chosen = [_agentsByOrdinal[pool.ByCalls.Min.Ordinal]];
                break;
            case RoutingStrategy.SkillTiers:
                chosen = [_agentsByOrdinal[pool.ByTier.Min.Ordinal]];
                break;
            default:
                chosen = [_agentsByOrdinal[pool.ByIdle.Min.Ordinal]];
                break;
        }

        RemoveWaiting(queue, call);
        call.State = CallState.Offered;
        call.Agents = chosen;
        call.RingDueTicks = now + queue.Config.RingTimeout.Ticks;
        _ringDue.Add(new DueKey(call.RingDueTicks, call.Seq));
        queue.Offered++;

        var ids = new string[chosen.Count];
        for (var i = 0; i < chosen.Count; i++)
        {
            var agent = chosen[i];
            agent.IdleSinceBeforeRingTicks = agent.IdleSinceTicks;
            ChangeState(agent, AgentState.Ringing, now);
            agent.Call = call;
            ids[i] = agent.Id;
        }

        return new RoutingDecision(call.Id, queue.Config.Id, ids);
    }

    /// <summary>Takes one ringing agent off an offered call; the call goes back to its queue when nobody rings any more.</summary>
    private void Withdraw(Call call, Agent agent, AgentState newState, long now, bool restoreIdleSince)
    {
        call.Agents.Remove(agent);
        agent.Call = null;
        if (newState == AgentState.Idle && restoreIdleSince)
            ChangeState(agent, newState, now, agent.IdleSinceBeforeRingTicks);
        else
            ChangeState(agent, newState, now);

        if (call.Agents.Count == 0)
        {
            _ringDue.Remove(new DueKey(call.RingDueTicks, call.Seq));
            call.Queue.Offered--;
            call.State = CallState.Waiting;
            AddWaiting(call.Queue, call); // same (priority, arrival) key: back at the head, ahead of later calls.
        }
    }

    private void EndTalking(Call call, long now)
    {
        var agent = call.Agents[0];
        agent.Call = null;
        call.Queue.Talking--;
        agent.LastQueueId = call.Queue.Config.Id;
        ChangeState(agent, AgentState.WrapUp, now);
        Forget(call);
    }

    private void Forget(Call call)
    {
        _calls.Remove(call.Id);
        _callsBySeq.Remove(call.Seq);
    }

    private void ChangeState(Agent agent, AgentState state, long now, long? idleSince = null)
    {
        if (agent.State == AgentState.Idle)
            RemoveFromPools(agent);
        if (agent.State == AgentState.WrapUp)
            _wrapUpDue.Remove(new DueKey(agent.WrapUpDueTicks, agent.Ordinal));

        agent.State = state;
        agent.StateSinceTicks = now;
        _changed.Add(agent.Id);

        if (state == AgentState.Idle)
        {
            agent.IdleSinceTicks = idleSince ?? now;
            AddToPools(agent);
        }
        else if (state == AgentState.WrapUp)
        {
            var wrapUp = agent.LastQueueId is { } q && _queues.TryGetValue(q, out var queue) ? queue.Config.WrapUp : TimeSpan.Zero;
            agent.WrapUpDueTicks = now + wrapUp.Ticks;
            _wrapUpDue.Add(new DueKey(agent.WrapUpDueTicks, agent.Ordinal));
        }
    }

    private void AddToPools(Agent agent)
    {
        foreach (var (skill, level) in agent.Skills)
            GetPool(skill).Add(new PoolKey(level, agent.CallsAnswered, agent.IdleSinceTicks, agent.Ordinal));
    }

    private void RemoveFromPools(Agent agent)
    {
        foreach (var (skill, level) in agent.Skills)
            GetPool(skill).Remove(new PoolKey(level, agent.CallsAnswered, agent.IdleSinceTicks, agent.Ordinal));
    }

    private static void AddWaiting(QueueState queue, Call call)
    {
        queue.Waiting.Add(new WaitKey(call.Priority, call.ArrivalTicks, call.Seq));
        queue.ByQueuedAt.Add(new DueKey(call.QueuedAtTicks, call.Seq));
    }

    private static void RemoveWaiting(QueueState queue, Call call)
    {
        queue.Waiting.Remove(new WaitKey(call.Priority, call.ArrivalTicks, call.Seq));
        queue.ByQueuedAt.Remove(new DueKey(call.QueuedAtTicks, call.Seq));
    }

    private SkillPool GetPool(string skill)
    {
        if (!_pools.TryGetValue(skill, out var pool))
        {
            pool = new SkillPool();
            _pools.Add(skill, pool);
        }

        return pool;
    }

    private QueueState GetQueueOrThrow(string queueId) =>
        _queues.TryGetValue(queueId, out var queue) ? queue : throw new KeyNotFoundException($"Unknown queue '{queueId}'.");

    private Agent GetAgentOrThrow(string agentId) =>
        _agents.TryGetValue(agentId, out var agent) ? agent : throw new KeyNotFoundException($"Unknown agent '{agentId}'.");

    private static DateTimeOffset ToTime(long ticks) => new(ticks, TimeSpan.Zero);

    private static AgentSnapshot ToSnapshot(Agent a)
    {
        var skills = new List<AgentSkill>(a.Skills.Count);
        foreach (var (skill, level) in a.Skills)
            skills.Add(new AgentSkill(skill, level));
        return new AgentSnapshot(a.Id, a.State, ToTime(a.StateSinceTicks), a.Call?.Id, a.CallsAnswered, skills);
    }

    private static CallSnapshot ToSnapshot(Call c) =>
        new(c.Id, c.Queue.Config.Id, c.State, c.Priority, ToTime(c.ArrivalTicks), c.Agents.ConvertAll(a => a.Id));

    // ---------------------------------------------------------------- data

    private sealed class QueueState(QueueConfig config)
    {
        public QueueConfig Config { get; set; } = config;
        public SortedSet<WaitKey> Waiting { get; } = new(WaitKeyComparer.Instance);
        public SortedSet<DueKey> ByQueuedAt { get; } = new(DueKeyComparer.Instance);
        public int RoundRobinCursor { get; set; } = -1;
        public int Offered { get; set; }
        public int Talking { get; set; }
    }

    private sealed class Agent(string id, int ordinal)
    {
        public string Id { get; } = id;
        public int Ordinal { get; } = ordinal;
        public Dictionary<string, int> Skills { get; set; } = new(StringComparer.Ordinal);
        public AgentState State { get; set; } = AgentState.Offline;
        public long StateSinceTicks { get; set; }
        public long IdleSinceTicks { get; set; }
        public long IdleSinceBeforeRingTicks { get; set; }
        public int CallsAnswered { get; set; }
        public Call? Call { get; set; }
        public string? LastQueueId { get; set; }
        public long WrapUpDueTicks { get; set; }
    }

    private sealed class Call(string id, long seq, int priority, long arrivalTicks)
    {
        public string Id { get; } = id;
        public long Seq { get; } = seq;
        public int Priority { get; } = priority;
        public long ArrivalTicks { get; } = arrivalTicks;
        public required QueueState Queue { get; set; }
        public long QueuedAtTicks { get; set; }
        public CallState State { get; set; } = CallState.Waiting;
        public List<Agent> Agents { get; set; } = [];
        public long RingDueTicks { get; set; }
    }

    /// <summary>Idle agents that have one skill, indexed for every strategy.</summary>
    private sealed class SkillPool
    {
        private readonly List<int> _ordinals = []; // sorted; round robin

        public SortedSet<PoolKey> ByIdle { get; } = new(IdleComparer.Instance);
        public SortedSet<PoolKey> ByTier { get; } = new(TierComparer.Instance);
        public SortedSet<PoolKey> ByCalls { get; } = new(CallsComparer.Instance);
        public int Count => ByIdle.Count;

        public void Add(PoolKey key)
        {
            ByIdle.Add(key);
            ByTier.Add(key);
            ByCalls.Add(key);
            var i = _ordinals.BinarySearch(key.Ordinal);
            if (i < 0)
                _ordinals.Insert(~i, key.Ordinal);
        }

        public void Remove(PoolKey key)
        {
            ByIdle.Remove(key);
            ByTier.Remove(key);
            ByCalls.Remove(key);
            var i = _ordinals.BinarySearch(key.Ordinal);
            if (i >= 0)
                _ordinals.RemoveAt(i);
        }

        /// <summary>The first idle ordinal after <paramref name="cursor"/>, wrapping around. Pool must not be empty.</summary>
        public int NextRoundRobin(int cursor)
        {
            var i = _ordinals.BinarySearch(cursor + 1);
            if (i < 0)
                i = ~i;
            return _ordinals[i == _ordinals.Count ? 0 : i];
        }
    }

    private readonly record struct PoolKey(int Level, int Calls, long IdleTicks, int Ordinal);

    private readonly record struct WaitKey(int Priority, long ArrivalTicks, long Seq);

    /// <summary>A timer entry: due time and the call sequence or agent ordinal it belongs to.</summary>
    private readonly record struct DueKey(long Ticks, long Id);

    private sealed class IdleComparer : IComparer<PoolKey>
    {
        public static readonly IdleComparer Instance = new();

        public int Compare(PoolKey x, PoolKey y)
        {
            var c = x.IdleTicks.CompareTo(y.IdleTicks);
            return c != 0 ? c : x.Ordinal.CompareTo(y.Ordinal);
        }
    }

    private sealed class TierComparer : IComparer<PoolKey>
    {
        public static readonly TierComparer Instance = new();

        public int Compare(PoolKey x, PoolKey y)
        {
            var c = x.Level.CompareTo(y.Level);
            if (c != 0)
                return c;
            c = x.IdleTicks.CompareTo(y.IdleTicks);
            return c != 0 ? c : x.Ordinal.CompareTo(y.Ordinal);
        }
    }

    private sealed class CallsComparer : IComparer<PoolKey>
    {
        public static readonly CallsComparer Instance = new();

        public int Compare(PoolKey x, PoolKey y)
        {
            var c = x.Calls.CompareTo(y.Calls);
            if (c != 0)
                return c;
            c = x.IdleTicks.CompareTo(y.IdleTicks);
            return c != 0 ? c : x.Ordinal.CompareTo(y.Ordinal);
        }
    }

    private sealed class WaitKeyComparer : IComparer<WaitKey>
    {
        public static readonly WaitKeyComparer Instance = new();

        public int Compare(WaitKey x, WaitKey y)
        {
            var c = y.Priority.CompareTo(x.Priority); // priority descending
            if (c != 0)
                return c;
            c = x.ArrivalTicks.CompareTo(y.ArrivalTicks);
            return c != 0 ? c : x.Seq.CompareTo(y.Seq);
        }
    }

    private sealed class DueKeyComparer : IComparer<DueKey>
    {
        public static readonly DueKeyComparer Instance = new();

        public int Compare(DueKey x, DueKey y)
        {
            var c = x.Ticks.CompareTo(y.Ticks);
            return c != 0 ? c : x.Id.CompareTo(y.Id);
        }
    }
}
