namespace Kefu.Web.Features.Calls.Routing;

/// <summary>State of an agent as the ACD sees it.</summary>
public enum AgentState
{
    /// <summary>离线: not logged in; never offered calls.</summary>
    Offline,

    /// <summary>空闲: free; the only state in which calls are offered.</summary>
    Idle,

    /// <summary>振铃: a call is ringing at the agent's phone.</summary>
    Ringing,

    /// <summary>通话中: on a call.</summary>
    Talking,

    /// <summary>话后处理: after-call work; returns to Idle after the queue's wrap-up time.</summary>
    WrapUp,

    /// <summary>小休: on a break (also entered automatically after a ring-no-answer).</summary>
    Break,
}

/// <summary>How a queue picks among the idle agents that have its skill.</summary>
public enum RoutingStrategy
{
    /// <summary>The agent idle for the longest time (default).</summary>
    LongestIdle,

    /// <summary>Round robin with memory: the next idle agent after the one this queue offered last.</summary>
    RoundRobin,

    /// <summary>The agent who answered the fewest calls; ties go to the longest idle.</summary>
    FewestCalls,

    /// <summary>Ring every idle agent with the skill; the first to answer takes the call.</summary>
    RingAll,

    /// <summary>Lowest skill tier first (level 1 = first tier); longest idle within a tier.</summary>
    SkillTiers,
}

/// <summary>Where a call is in its life inside the ACD.</summary>
public enum CallState
{
    /// <summary>Waiting in a queue.</summary>
    Waiting,

    /// <summary>Offered: ringing at one agent (or several for RingAll).</summary>
    Offered,

    /// <summary>Answered by an agent.</summary>
    Talking,
}

/// <summary>Configuration of one ACD queue.</summary>
/// <param name="Id">Queue id, e.g. "after-sales".</param>
/// <param name="Skill">The skill an agent needs to be offered this queue's calls.</param>
/// <param name="Strategy">How an agent is chosen.</param>
public sealed record QueueConfig(string Id, string Skill, RoutingStrategy Strategy = RoutingStrategy.LongestIdle)
{
    /// <summary>How long a call rings at an agent before it is re-routed (SPEC §2: 3 rings = 15 s).</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>After-call work time before the agent returns to Idle.</summary>
    public TimeSpan WrapUp { get; init; } = TimeSpan.Zero;

    /// <summary>A call waiting in this queue longer than this moves to <see cref="OverflowQueueId"/>; must be positive.</summary>
    public TimeSpan? OverflowAfter { get; init; }

    /// <summary>The queue that takes calls overflowing from this one.</summary>
    public string? OverflowQueueId { get; init; }
}

/// <summary>A skill an agent has. <paramref name="Level"/> is 1–10 and doubles as the penalty tier for
/// <see cref="RoutingStrategy.SkillTiers"/>: level 1 is the first tier, offered before level 2, and so on.</summary>
public readonly record struct AgentSkill(string Skill, int Level = 1);

/// <summary>A call offered to one agent, or to several for <see cref="RoutingStrategy.RingAll"/>.</summary>
public sealed record RoutingDecision(string CallId, string QueueId, IReadOnlyList<string> AgentIds);

/// <summary>Wallboard view of a queue.</summary>
public sealed record QueueSnapshot(
    string QueueId,
    string Skill,
    RoutingStrategy Strategy,
    int Waiting,
    int Offered,
    int Talking,
    int IdleAgentsWithSkill,
    TimeSpan LongestWaitInQueue);

/// <summary>Wallboard view of an agent.</summary>
public sealed record AgentSnapshot(
    string AgentId,
    AgentState State,
    DateTimeOffset StateSince,
    string? CallId,
    int CallsAnswered,
    IReadOnlyList<AgentSkill> Skills);

/// <summary>View of a call inside the ACD.</summary>
public sealed record CallSnapshot(
    string CallId,
    string QueueId,
    CallState State,
    int Priority,
    DateTimeOffset ArrivedAt,
    IReadOnlyList<string> AgentIds);

/// <summary>A ring that timed out in <see cref="AcdRouter.Tick"/>; the agent went to Break.</summary>
public sealed record RingTimeout(string CallId, string AgentId);

/// <summary>A call moved by overflow in <see cref="AcdRouter.Tick"/>.</summary>
public sealed record Overflow(string CallId, string FromQueueId, string ToQueueId);

/// <summary>What <see cref="AcdRouter.Tick"/> did; the caller tells the telephony side (stop ringing etc.)
/// and then usually calls <see cref="AcdRouter.RouteAll"/>.</summary>
public sealed record TickResult(
    IReadOnlyList<string> AgentsBackFromWrapUp,
    IReadOnlyList<RingTimeout> RingTimeouts,
    IReadOnlyList<Overflow> Overflows);
