using Kefu.Web.Features.Calls.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.UnitTests.Calls.Routing;

/// <summary>Rebuilding the ACD from stored state (a restart, or another instance changed it): rings and calls in progress go on.</summary>
public sealed class AcdRestoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly AcdRouter _acd;

    public AcdRestoreTests()
    {
        _acd = new AcdRouter(_time);
        _acd.ConfigureQueue(new QueueConfig("q", "sales") { RingTimeout = TimeSpan.FromSeconds(15), WrapUp = TimeSpan.FromSeconds(30) });
        foreach (var id in new[] { "a", "b", "c" })
        {
            _acd.AddOrUpdateAgent(id, [new AgentSkill("sales")]);
        }
    }

    [Fact]
    public void A_restored_ring_keeps_its_agent_and_times_out_when_the_original_ring_would_have()
    {
        var offeredAt = _time.GetUtcNow().AddSeconds(-10);
        _acd.RestoreAgent("b", AgentState.Idle, offeredAt.AddMinutes(-5), callsAnswered: 2);
        _acd.RestoreOffer("c1", "q", ["a"], offeredAt, offeredAt.AddSeconds(-20));

        Assert.Equal((AgentState.Ringing, "c1"), (_acd.GetAgent("a").State, _acd.GetAgent("a").CallId));
        Assert.Equal(offeredAt, _acd.GetAgent("a").StateSince);
        Assert.Equal(1, _acd.GetQueues()[0].Offered);
        Assert.Empty(_acd.RouteAll()); // the ringing call is not offered to the idle agent b as well

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(_acd.Tick().RingTimeouts);
        _time.Advance(TimeSpan.FromSeconds(1)); // 15 s after the original offer
        Assert.Equal([new RingTimeout("c1", "a")], _acd.Tick().RingTimeouts);
        Assert.Equal(AgentState.Break, _acd.GetAgent("a").State);
        Assert.Equal(["b"], _acd.RouteAll().Single().AgentIds);
    }

    [Fact]
    public void A_restored_ring_all_call_is_answered_by_one_and_the_others_go_back_to_idle()
    {
        var now = _time.GetUtcNow();
        _acd.RestoreOffer("c1", "q", ["a", "b"], now.AddSeconds(-3), now.AddSeconds(-9));

        Assert.True(_acd.Answered("c1", "b"));
        Assert.Equal(AgentState.Talking, _acd.GetAgent("b").State);
        Assert.Equal(AgentState.Idle, _acd.GetAgent("a").State);
        Assert.Equal(1, _acd.GetAgent("b").CallsAnswered);
    }

    [Fact]
    public void A_restored_talking_agent_keeps_their_count_and_time_and_goes_to_wrap_up_when_the_call_ends()
    {
        var since = _time.GetUtcNow().AddMinutes(-3);
        _acd.RestoreTalking("c1", "q", "a", since, callsAnswered: 7);

        var agent = _acd.GetAgent("a");
        Assert.Equal((AgentState.Talking, "c1", 7, since), (agent.State, agent.CallId, agent.CallsAnswered, agent.StateSince));
        Assert.Equal(1, _acd.GetQueues()[0].Talking);
        Assert.Throws<InvalidOperationException>(() => _acd.RestoreOffer("c2", "q", ["a"], since, since)); // never two calls

        Assert.True(_acd.Ended("c1"));
        Assert.Equal(AgentState.WrapUp, _acd.GetAgent("a").State);
        Assert.Equal(0, _acd.GetQueues()[0].Talking);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["a"], _acd.Tick().AgentsBackFromWrapUp);
    }
}
