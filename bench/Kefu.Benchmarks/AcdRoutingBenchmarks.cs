using Kefu.Web.Features.Calls.Routing;
using BenchmarkDotNet.Attributes;

namespace Kefu.Benchmarks;

/// <summary>A clock the benchmark moves by hand (one tick per operation keeps idle-since times distinct).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);

    public void Advance() => _ticks += TimeSpan.TicksPerMillisecond;
}

/// <summary>
/// 2,000 agents with 1–3 random skills among 20, 20 queues (one per skill), 20,000 waiting calls; 1,500 agents
/// talking, 500 idle. Each routing benchmark is one decision (RouteNext) plus putting the agent back to Idle
/// (which returns the call to the head of its queue), so the state stays steady.
/// </summary>
[MemoryDiagnoser]
public class AcdRoutingBenchmarks
{
    private const int SkillCount = 20;
    private readonly ManualTimeProvider _time = new();
    private AcdRouter _acd = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _acd = new AcdRouter(_time);
        for (var q = 0; q < SkillCount; q++)
        {
            var strategy = q switch
            {
                0 => RoutingStrategy.LongestIdle,
                1 => RoutingStrategy.SkillTiers,
                2 => RoutingStrategy.RoundRobin,
                3 => RoutingStrategy.FewestCalls,
                _ => random.Next(2) == 0 ? RoutingStrategy.LongestIdle : RoutingStrategy.SkillTiers,
            };
            _acd.ConfigureQueue(new QueueConfig($"q{q}", $"s{q}", strategy));
        }

        for (var a = 0; a < 2000; a++)
        {
            var skills = new List<AgentSkill>();
            var n = random.Next(1, 4);
            for (var i = 0; i < n; i++)
                skills.Add(new AgentSkill($"s{random.Next(SkillCount)}", random.Next(1, 11)));
            var id = $"agent-{a}";
            _acd.AddOrUpdateAgent(id, skills.DistinctBy(s => s.Skill, StringComparer.Ordinal));
            _acd.SetAgentState(id, AgentState.Idle);
            _time.Advance();
        }

        for (var c = 0; c < 22_000; c++)
        {
            _acd.Enqueue($"call-{c}", $"q{c % SkillCount}", random.Next(10) == 0 ? 1 : 0);
            _time.Advance();
        }

        // Every agent gets a call (2,000 leave the queues), answers it; 500 finish and go back to Idle.
        var decisions = _acd.RouteAll();
        foreach (var d in decisions)
            _acd.Answered(d.CallId, d.AgentIds[0]);
        for (var i = 0; i < 500; i++)
        {
            _acd.Ended(decisions[i].CallId);
            _acd.SetAgentState(decisions[i].AgentIds[0], AgentState.Idle);
            _time.Advance();
        }

        var queues = _acd.GetQueues();
        if (queues.Sum(q => q.Waiting) != 20_000 || queues[0].IdleAgentsWithSkill == 0 || queues[1].IdleAgentsWithSkill == 0)
            throw new InvalidOperationException("unexpected benchmark state");
    }

    private void RouteOnceAndRestore(string queueId)
    {
        _time.Advance();
        var decision = _acd.RouteNext(queueId)!;
        _acd.SetAgentState(decision.AgentIds[0], AgentState.Idle);
    }

    [Benchmark(Baseline = true)]
    public void RouteNext_LongestIdle() => RouteOnceAndRestore("q0");

    [Benchmark]
    public void RouteNext_SkillTiers() => RouteOnceAndRestore("q1");

    [Benchmark]
    public void RouteNext_RoundRobin() => RouteOnceAndRestore("q2");

    [Benchmark]
    public void RouteNext_FewestCalls() => RouteOnceAndRestore("q3");

    /// <summary>One Enqueue into a queue of ~1,000 waiting calls; the Abandon that keeps the state steady is included.</summary>
    [Benchmark]
    public void Enqueue_then_Abandon()
    {
        _time.Advance();
        _acd.Enqueue("bench-call", "q5");
        _acd.Abandon("bench-call");
    }
}
