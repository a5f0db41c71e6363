using Kefu.Web.Features.Calls.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.UnitTests.Calls.Routing;

public sealed class AcdRouterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly AcdRouter _acd;

    public AcdRouterTests() => _acd = new AcdRouter(_time);

    private void Agent(string id, params AgentSkill[] skills)
    {
        _acd.AddOrUpdateAgent(id, skills);
        _acd.SetAgentState(id, AgentState.Idle);
        _time.Advance(TimeSpan.FromSeconds(1)); // distinct idle-since times: added earlier = idle longer
    }

    private static AgentSkill S(string skill, int level = 1) => new(skill, level);

    private AgentState StateOf(string agentId) => _acd.GetAgent(agentId).State;

    [Fact]
    public void Longest_idle_offers_the_agent_idle_for_the_longest_time()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "sales"));
        Agent("a", S("sales"));
        Agent("b", S("sales"));
        Agent("c", S("sales"));
        _acd.SetAgentState("a", AgentState.Break);
        _acd.SetAgentState("a", AgentState.Idle); // a is now the most recently idle

        _acd.Enqueue("c1", "q");
        var decision = _acd.RouteNext("q");

        Assert.Equal(["b"], decision!.AgentIds);
        Assert.Equal(AgentState.Ringing, StateOf("b"));
        Assert.Equal(CallState.Offered, _acd.GetCall("c1")!.State);
    }

    [Fact]
    public void Round_robin_remembers_the_last_agent_and_continues_after_it()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "sales", RoutingStrategy.RoundRobin));
        Agent("a", S("sales"));
        Agent("b", S("sales"));
        Agent("c", S("sales"));

        var picked = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            _acd.Enqueue($"c{i}", "q");
            var d = _acd.RouteNext("q")!;
            picked.Add(d.AgentIds[0]);
            Assert.True(_acd.Answered(d.CallId, d.AgentIds[0]));
            Assert.True(_acd.Ended(d.CallId));
            _acd.SetAgentState(d.AgentIds[0], AgentState.Idle);
        }

        Assert.Equal(["a", "b", "c", "a", "b"], picked);
    }

    [Fact]
    public void Round_robin_skips_busy_agents_and_wraps_around()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "sales", RoutingStrategy.RoundRobin));
        Agent("a", S("sales"));
        Agent("b", S("sales"));
        Agent("c", S("sales"));
        _acd.Enqueue("c1", "q");
        Assert.Equal("a", _acd.RouteNext("q")!.AgentIds[0]);
        _acd.SetAgentState("b", AgentState.Break);
        _acd.Enqueue("c2", "q");
        Assert.Equal("c", _acd.RouteNext("q")!.AgentIds[0]);
        _acd.SetAgentState("b", AgentState.Idle);
        _acd.Enqueue("c3", "q");
        Assert.Equal("b", _acd.RouteNext("q")!.AgentIds[0]);
    }

    [Fact]
    public void Fewest_calls_offers_the_agent_who_answered_the_fewest_calls()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "sales", RoutingStrategy.FewestCalls));
        Agent("a", S("sales"));
        Agent("b", S("sales"));
        _acd.Enqueue("c1", "q");
        var first = _acd.RouteNext("q")!;
        Assert.Equal("a", first.AgentIds[0]);
        _acd.Answered("c1", "a");
        _acd.Ended("c1");
        _acd.SetAgentState("a", AgentState.Idle);
        _time.Advance(TimeSpan.FromMinutes(5));
        _acd.SetAgentState("b", AgentState.Break);
        _acd.SetAgentState("b", AgentState.Idle); // b is idle for less time than a, but answered fewer calls

        _acd.Enqueue("c2", "q");

        Assert.Equal("b", _acd.RouteNext("q")!.AgentIds[0]);
    }

    [Fact]
    public void Skill_tiers_offer_the_first_tier_before_later_tiers()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "vip", RoutingStrategy.SkillTiers));
        Agent("junior", S("vip", 3));
        Agent("senior", S("vip", 1));
        Agent("middle", S("vip", 2));

        var picked = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            _acd.Enqueue($"c{i}", "q");
            picked.Add(_acd.RouteNext("q")!.AgentIds[0]);
        }

        Assert.Equal(["senior", "middle", "junior"], picked);
    }

    [Fact]
    public void Only_idle_agents_with_the_queue_skill_are_offered_calls()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "complaints"));
        Agent("other-skill", S("orders"));
        _acd.AddOrUpdateAgent("offline", [S("complaints")]);
        Agent("on-break", S("complaints"));
        _acd.SetAgentState("on-break", AgentState.Break);
        Agent("idle", S("complaints"), S("orders"));

        _acd.Enqueue("c1", "q");
        _acd.Enqueue("c2", "q");

        Assert.Equal(["idle"], _acd.RouteNext("q")!.AgentIds);
        Assert.Null(_acd.RouteNext("q"));
        Assert.Equal(CallState.Waiting, _acd.GetCall("c2")!.State);
    }

    [Fact]
    public void Updating_skills_of_an_idle_agent_takes_effect_at_once()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "complaints"));
        Agent("a", S("orders"));
        _acd.Enqueue("c1", "q");
        Assert.Null(_acd.RouteNext("q"));

        _acd.AddOrUpdateAgent("a", [S("complaints")]);

        Assert.Equal(["a"], _acd.RouteNext("q")!.AgentIds);
    }

    [Fact]
    public void Calls_are_served_by_priority_then_arrival()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s"));
        _acd.Enqueue("old-normal", "q");
        _time.Advance(TimeSpan.FromSeconds(1));
        _acd.Enqueue("new-vip", "q", priority: 5);
        _time.Advance(TimeSpan.FromSeconds(1));
        _acd.Enqueue("newer-normal", "q");

        Assert.Equal(["new-vip", "old-normal", "newer-normal"], _acd.GetWaitingCalls("q").Select(c => c.CallId));
        Agent("a", S("s"));
        Assert.Equal("new-vip", _acd.RouteNext("q")!.CallId);
    }

    [Fact]
    public void Answering_puts_the_agent_in_talking_and_ending_in_wrap_up()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s") { WrapUp = TimeSpan.FromSeconds(30) });
        Agent("a", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");

        Assert.True(_acd.Answered("c1", "a"));
        Assert.Equal(AgentState.Talking, StateOf("a"));
        Assert.Equal(CallState.Talking, _acd.GetCall("c1")!.State);
        Assert.True(_acd.Ended("c1"));
        Assert.Equal(AgentState.WrapUp, StateOf("a"));
        Assert.Null(_acd.GetCall("c1"));
    }

    [Fact]
    public void Wrap_up_returns_the_agent_to_idle_after_the_queue_wrap_up_time()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s") { WrapUp = TimeSpan.FromSeconds(30) });
        Agent("a", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");
        _acd.Answered("c1", "a");
        _acd.Ended("c1");

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(_acd.Tick().AgentsBackFromWrapUp);
        Assert.Equal(AgentState.WrapUp, StateOf("a"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["a"], _acd.Tick().AgentsBackFromWrapUp);
        Assert.Equal(AgentState.Idle, StateOf("a"));
    }

    [Fact]
    public void An_agent_may_leave_wrap_up_early_from_the_desktop()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s") { WrapUp = TimeSpan.FromSeconds(30) });
        Agent("a", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");
        _acd.Answered("c1", "a");
        _acd.Ended("c1");
        _acd.SetAgentState("a", AgentState.Idle);
        _acd.SetAgentState("a", AgentState.Break);

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Empty(_acd.Tick().AgentsBackFromWrapUp);
        Assert.Equal(AgentState.Break, StateOf("a"));
    }

    [Fact]
    public void Ring_timeout_puts_the_agent_in_break_and_reroutes_to_the_next_agent()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s") { RingTimeout = TimeSpan.FromSeconds(15) });
        Agent("a", S("s"));
        Agent("b", S("s"));
        _acd.Enqueue("c1", "q");
        Assert.Equal(["a"], _acd.RouteNext("q")!.AgentIds);

        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Empty(_acd.Tick().RingTimeouts);
        _time.Advance(TimeSpan.FromSeconds(1));
        var tick = _acd.Tick();

        Assert.Equal([new RingTimeout("c1", "a")], tick.RingTimeouts);
        Assert.Equal(AgentState.Break, StateOf("a"));
        Assert.Equal(CallState.Waiting, _acd.GetCall("c1")!.State);
        Assert.Equal(["b"], _acd.RouteNext("q")!.AgentIds);
    }

    [Fact]
    public void Ring_no_answer_sends_the_call_back_to_the_head_of_its_queue()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s"));
        Agent("a", S("s"));
        _acd.Enqueue("first", "q");
        _time.Advance(TimeSpan.FromSeconds(1));
        _acd.Enqueue("second", "q");
        _acd.RouteNext("q");

        Assert.True(_acd.RingNoAnswer("first", "a"));

        Assert.Equal(AgentState.Break, StateOf("a"));
        Assert.Equal(["first", "second"], _acd.GetWaitingCalls("q").Select(c => c.CallId));
        Assert.False(_acd.Answered("first", "a")); // stale answer after the timeout is ignored
    }

    [Fact]
    public void Ring_all_rings_every_idle_agent_and_only_one_answers()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s", RoutingStrategy.RingAll));
        Agent("a", S("s"));
        Agent("b", S("s"));
        Agent("c", S("s"));
        Agent("x", S("other"));
        _acd.Enqueue("c1", "q");

        var d = _acd.RouteNext("q")!;
        Assert.Equal(["a", "b", "c"], d.AgentIds);
        Assert.All(d.AgentIds, id => Assert.Equal(AgentState.Ringing, StateOf(id)));

        Assert.True(_acd.Answered("c1", "b"));
        Assert.False(_acd.Answered("c1", "a"));

        Assert.Equal(["b"], _acd.GetCall("c1")!.AgentIds);
        Assert.Equal(AgentState.Talking, StateOf("b"));
        Assert.Equal(AgentState.Idle, StateOf("a"));
        Assert.Equal(AgentState.Idle, StateOf("c"));
    }

    [Fact]
    public void Ring_all_keeps_ringing_the_others_when_one_agent_does_not_answer()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s", RoutingStrategy.RingAll));
        Agent("a", S("s"));
        Agent("b", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");

        _acd.RingNoAnswer("c1", "a");

        Assert.Equal(CallState.Offered, _acd.GetCall("c1")!.State);
        Assert.Equal(["b"], _acd.GetCall("c1")!.AgentIds);
        Assert.Equal(AgentState.Break, StateOf("a"));
    }

    [Fact]
    public void Agents_who_rang_for_an_abandoned_call_keep_their_idle_rank()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s"));
        Agent("a", S("s"));
        Agent("b", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");

        Assert.True(_acd.Abandon("c1"));
        _acd.Enqueue("c2", "q");

        Assert.Equal(AgentState.Idle, StateOf("a"));
        Assert.Equal(["a"], _acd.RouteNext("q")!.AgentIds);
    }

    [Fact]
    public void Abandon_removes_a_waiting_call_from_its_queue()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s"));
        _acd.Enqueue("c1", "q");
        _acd.Enqueue("c2", "q");

        Assert.True(_acd.Abandon("c1"));

        Assert.Null(_acd.GetCall("c1"));
        Assert.Equal(["c2"], _acd.GetWaitingCalls("q").Select(c => c.CallId));
        Assert.Equal(1, _acd.GetQueues()[0].Waiting);
        Assert.False(_acd.Abandon("c1"));
    }

    [Fact]
    public void Overflow_moves_calls_after_the_threshold_and_keeps_their_arrival_order()
    {
        _acd.ConfigureQueue(new QueueConfig("main", "orders") { OverflowAfter = TimeSpan.FromSeconds(60), OverflowQueueId = "backup" });
        _acd.ConfigureQueue(new QueueConfig("backup", "general"));
        _acd.Enqueue("early", "main");
        _time.Advance(TimeSpan.FromSeconds(10));
        _acd.Enqueue("backup-own", "backup");
        _time.Advance(TimeSpan.FromSeconds(10));
        _acd.Enqueue("late", "main");

        _time.Advance(TimeSpan.FromSeconds(39)); // early has waited 59 s
        Assert.Empty(_acd.Tick().Overflows);
        _time.Advance(TimeSpan.FromSeconds(1)); // early: 60 s, late: 40 s
        Assert.Equal([new Overflow("early", "main", "backup")], _acd.Tick().Overflows);

        Assert.Equal(["early", "backup-own"], _acd.GetWaitingCalls("backup").Select(c => c.CallId));
        Assert.Equal(["late"], _acd.GetWaitingCalls("main").Select(c => c.CallId));
        _time.Advance(TimeSpan.FromSeconds(20));
        _acd.Tick();
        Assert.Equal(["early", "backup-own", "late"], _acd.GetWaitingCalls("backup").Select(c => c.CallId));
    }

    [Fact]
    public void Setting_a_ringing_agent_to_break_gives_the_call_back_to_the_queue()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s"));
        Agent("a", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");

        _acd.SetAgentState("a", AgentState.Break);

        Assert.Equal(CallState.Waiting, _acd.GetCall("c1")!.State);
        Assert.Null(_acd.GetAgent("a").CallId);
    }

    [Fact]
    public void A_talking_agent_cannot_change_state_from_the_desktop()
    {
        _acd.ConfigureQueue(new QueueConfig("q", "s"));
        Agent("a", S("s"));
        _acd.Enqueue("c1", "q");
        _acd.RouteNext("q");
        _acd.Answered("c1", "a");

        Assert.Throws<InvalidOperationException>(() => _acd.SetAgentState("a", AgentState.Break));
        Assert.Throws<ArgumentException>(() => _acd.SetAgentState("a", AgentState.Ringing));
    }

    [Fact]
    public void Route_all_serves_every_queue_while_agents_last()
    {
        _acd.ConfigureQueue(new QueueConfig("q1", "s1"));
        _acd.ConfigureQueue(new QueueConfig("q2", "s2"));
        Agent("a", S("s1"), S("s2"));
        Agent("b", S("s1"), S("s2"));
        Agent("c", S("s2"));
        for (var i = 0; i < 3; i++)
        {
            _acd.Enqueue($"q1-{i}", "q1");
            _acd.Enqueue($"q2-{i}", "q2");
        }

        var decisions = _acd.RouteAll();

        Assert.Equal(3, decisions.Count);
        Assert.Contains(decisions, d => d.QueueId == "q1");
        Assert.Contains(decisions, d => d.QueueId == "q2");
        Assert.Equal(3, decisions.SelectMany(d => d.AgentIds).Distinct(StringComparer.Ordinal).Count());
        var wallboard = _acd.GetQueues();
        Assert.Equal(3, wallboard.Sum(q => q.Waiting));
        Assert.Equal(3, wallboard.Sum(q => q.Offered));
    }

    [Fact]
    public void Configuration_errors_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => _acd.ConfigureQueue(new QueueConfig("q", "s") { OverflowAfter = TimeSpan.Zero, OverflowQueueId = "x" }));
        Assert.Throws<ArgumentException>(() => _acd.ConfigureQueue(new QueueConfig("q", "s") { OverflowAfter = TimeSpan.FromSeconds(1), OverflowQueueId = "q" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _acd.AddOrUpdateAgent("a", [new AgentSkill("s", 11)]));
        Assert.Throws<KeyNotFoundException>(() => _acd.Enqueue("c", "missing"));
    }
}
