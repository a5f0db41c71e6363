using Kefu.Web.Features.Calls.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.UnitTests.Calls.Routing;

public sealed class AcdRouterPropertyTests
{
    private static readonly string[] Skills = ["orders", "after-sales", "complaints", "vip"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    public void Invariants_hold_after_every_step_of_a_random_workload(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
        var acd = new AcdRouter(time);
        var queues = new[]
        {
            new QueueConfig("orders", "orders", RoutingStrategy.LongestIdle) { WrapUp = TimeSpan.FromSeconds(5), OverflowAfter = TimeSpan.FromSeconds(40), OverflowQueueId = "vip" },
            new QueueConfig("after-sales", "after-sales", RoutingStrategy.RoundRobin) { RingTimeout = TimeSpan.FromSeconds(8) },
            new QueueConfig("complaints", "complaints", RoutingStrategy.FewestCalls) { WrapUp = TimeSpan.FromSeconds(20), OverflowAfter = TimeSpan.FromSeconds(30), OverflowQueueId = "orders" },
            new QueueConfig("vip", "vip", RoutingStrategy.SkillTiers) { OverflowAfter = TimeSpan.FromSeconds(50), OverflowQueueId = "ring-all" },
            new QueueConfig("ring-all", "orders", RoutingStrategy.RingAll) { RingTimeout = TimeSpan.FromSeconds(10) },
        };
        foreach (var q in queues)
            acd.ConfigureQueue(q);
        var strategyOf = queues.ToDictionary(q => q.Id, q => q.Strategy, StringComparer.Ordinal);
        var skillOf = queues.ToDictionary(q => q.Id, q => q.Skill, StringComparer.Ordinal);

        var agentIds = Enumerable.Range(0, 25).Select(i => $"agent-{i}").ToArray();
        foreach (var id in agentIds)
            acd.AddOrUpdateAgent(id, RandomSkills(random));

        var nextCall = 0;
        var answeredRingAll = 0;
        for (var step = 0; step < 5000; step++)
        {
            var calls = acd.GetCalls();
            var op = random.Next(100);
            if (op < 25)
            {
                var q = queues[random.Next(queues.Length)].Id;
                acd.Enqueue($"call-{nextCall++}", q, random.Next(4) == 0 ? random.Next(1, 3) : 0);
            }
            else if (op < 40)
            {
                var before = acd.GetAgents().ToDictionary(a => a.AgentId, StringComparer.Ordinal);
                var all = random.Next(2) == 0;
                IReadOnlyList<RoutingDecision> decisions = all
                    ? acd.RouteAll()
                    : [.. new[] { acd.RouteNext(queues[random.Next(queues.Length)].Id) }.OfType<RoutingDecision>()];
                foreach (var d in decisions)
                {
                    Assert.NotEmpty(d.AgentIds);
                    if (strategyOf[d.QueueId] != RoutingStrategy.RingAll)
                        Assert.Single(d.AgentIds);
                    foreach (var id in d.AgentIds)
                    {
                        Assert.Equal(AgentState.Idle, before[id].State);
                        Assert.Contains(before[id].Skills, s => s.Skill == skillOf[d.QueueId]);
                    }
                }

                Assert.Equal(decisions.Sum(d => d.AgentIds.Count), decisions.SelectMany(d => d.AgentIds).Distinct(StringComparer.Ordinal).Count());
                if (all)
                {
                    // Work-conserving: no call waits in a queue while an idle agent with its skill exists.
                    Assert.DoesNotContain(acd.GetQueues(), q => q.Waiting > 0 && q.IdleAgentsWithSkill > 0);
                }
            }
            else if (op < 55)
            {
                var offered = calls.Where(c => c.State == CallState.Offered).ToList();
                if (offered.Count > 0)
                {
                    var c = offered[random.Next(offered.Count)];
                    var agent = c.AgentIds[random.Next(c.AgentIds.Count)];
                    Assert.True(acd.Answered(c.CallId, agent));
                    if (c.AgentIds.Count > 1)
                    {
                        answeredRingAll++;
                        foreach (var other in c.AgentIds.Where(a => a != agent))
                        {
                            Assert.False(acd.Answered(c.CallId, other));
                            Assert.Equal(AgentState.Idle, acd.GetAgent(other).State);
                        }
                    }

                    Assert.Equal([agent], acd.GetCall(c.CallId)!.AgentIds);
                }
            }
            else if (op < 62)
            {
                var offered = calls.Where(c => c.State == CallState.Offered).ToList();
                if (offered.Count > 0)
                {
                    var c = offered[random.Next(offered.Count)];
                    var agent = c.AgentIds[random.Next(c.AgentIds.Count)];
                    Assert.True(acd.RingNoAnswer(c.CallId, agent));
                    Assert.Equal(AgentState.Break, acd.GetAgent(agent).State);
                }
            }
            else if (op < 75)
            {
                var talking = calls.Where(c => c.State == CallState.Talking).ToList();
                if (talking.Count > 0)
                {
                    var c = talking[random.Next(talking.Count)];
                    Assert.True(acd.Ended(c.CallId));
                    Assert.Equal(AgentState.WrapUp, acd.GetAgent(c.AgentIds[0]).State);
                }
            }
            else if (op < 80)
            {
                if (calls.Count > 0)
                {
                    var c = calls[random.Next(calls.Count)];
                    Assert.True(acd.Abandon(c.CallId));
                    Assert.Null(acd.GetCall(c.CallId));
                }
            }
            else if (op < 90)
            {
                var agent = agentIds[random.Next(agentIds.Length)];
                if (acd.GetAgent(agent).State != AgentState.Talking)
                {
                    var state = (AgentState)random.Next(6);
                    if (state is AgentState.Ringing or AgentState.Talking)
                        state = AgentState.Idle;
                    acd.SetAgentState(agent, state);
                    Assert.Equal(state, acd.GetAgent(agent).State);
                }
            }
            else if (op < 92)
            {
                acd.AddOrUpdateAgent(agentIds[random.Next(agentIds.Length)], RandomSkills(random));
            }
            else
            {
                time.Advance(TimeSpan.FromSeconds(random.Next(1, 12)));
                acd.Tick();
                CheckNothingIsDue(acd, queues, time);
            }

            CheckInvariants(acd, strategyOf);
        }

        // Work-conserving: after RouteAll no queue has a waiting call while an idle agent with its skill exists.
        acd.RouteAll();
        var idle = acd.GetAgents().Where(a => a.State == AgentState.Idle).ToList();
        foreach (var q in queues)
        {
            if (acd.GetWaitingCalls(q.Id).Count > 0)
                Assert.DoesNotContain(idle, a => a.Skills.Any(s => s.Skill == q.Skill));
        }

        Assert.True(nextCall > 1000);
        Assert.True(answeredRingAll > 0);
    }

    private static List<AgentSkill> RandomSkills(Random random)
    {
        var skills = new List<AgentSkill>();
        foreach (var s in Skills)
        {
            if (random.Next(2) == 0)
                skills.Add(new AgentSkill(s, random.Next(1, 11)));
        }

        return skills;
    }

    private static void CheckNothingIsDue(AcdRouter acd, QueueConfig[] queues, FakeTimeProvider time)
    {
        var now = time.GetUtcNow();
        foreach (var q in queues)
        {
            if (q.OverflowAfter is { } after)
                Assert.True(acd.GetQueues().Single(s => s.QueueId == q.Id).LongestWaitInQueue < after);
        }

        Assert.DoesNotContain(acd.GetAgents(), a => a.State == AgentState.WrapUp && a.StateSince + TimeSpan.FromSeconds(20) <= now);
        Assert.DoesNotContain(acd.GetAgents(), a => a.State == AgentState.Ringing && a.StateSince + TimeSpan.FromSeconds(15) <= now);
    }

    private static void CheckInvariants(AcdRouter acd, Dictionary<string, RoutingStrategy> strategyOf)
    {
        var agents = acd.GetAgents().ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var calls = acd.GetCalls();
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var call in calls)
        {
            switch (call.State)
            {
                case CallState.Waiting:
                    Assert.Empty(call.AgentIds);
                    break;
                case CallState.Offered:
                    Assert.NotEmpty(call.AgentIds);
                    if (strategyOf[call.QueueId] != RoutingStrategy.RingAll)
                        Assert.Single(call.AgentIds);
                    foreach (var id in call.AgentIds)
                    {
                        Assert.Equal(AgentState.Ringing, agents[id].State);
                        Assert.Equal(call.CallId, agents[id].CallId);
                    }

                    break;
                case CallState.Talking:
                    var only = Assert.Single(call.AgentIds);
                    Assert.Equal(AgentState.Talking, agents[only].State);
                    Assert.Equal(call.CallId, agents[only].CallId);
                    break;
            }

            foreach (var id in call.AgentIds)
                Assert.True(claimed.TryAdd(id, call.CallId), $"agent {id} holds two calls");
        }

        foreach (var agent in agents.Values)
        {
            if (agent.State is AgentState.Ringing or AgentState.Talking)
                Assert.Equal(agent.CallId, claimed[agent.AgentId]);
            else
                Assert.Null(agent.CallId);
        }

        var byQueue = calls.GroupBy(c => c.QueueId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var q in acd.GetQueues())
        {
            var mine = byQueue.GetValueOrDefault(q.QueueId) ?? [];
            Assert.Equal(mine.Count(c => c.State == CallState.Waiting), q.Waiting);
            Assert.Equal(mine.Count(c => c.State == CallState.Offered), q.Offered);
            Assert.Equal(mine.Count(c => c.State == CallState.Talking), q.Talking);
            Assert.Equal(agents.Values.Count(a => a.State == AgentState.Idle && a.Skills.Any(s => s.Skill == q.Skill)), q.IdleAgentsWithSkill);

            var waiting = acd.GetWaitingCalls(q.QueueId);
            for (var i = 1; i < waiting.Count; i++)
            {
                var (a, b) = (waiting[i - 1], waiting[i]);
                Assert.True(a.Priority > b.Priority || (a.Priority == b.Priority && a.ArrivedAt <= b.ArrivedAt), "FIFO by (priority desc, arrival asc)");
            }
        }
    }
}
