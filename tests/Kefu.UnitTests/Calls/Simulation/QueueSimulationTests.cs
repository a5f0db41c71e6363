using System.Diagnostics;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Calls.Simulation;
using Xunit.Abstractions;

namespace Kefu.UnitTests.Calls.Simulation;

public sealed class QueueSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void MmcRunWithoutAbandonment_MatchesErlangC_WithinStatedTolerance()
    {
        // M/M/10 at 8 erlangs (h = 180 s, λ = 160 calls/h), FIFO single queue, no ring delay, no wrap-up, nobody
        // hangs up: exactly the system Erlang C describes. Erlang C: Pw = 0.4092, SL(20 s) = 0.6724, ASA = 36.83 s.
        //
        // Tolerance: ±0.02 absolute on Pw and on SL(20 s), ±10 % relative on ASA. Waits in a busy queue are strongly
        // correlated (one long busy period delays thousands of calls), so a run's averages scatter more than the call
        // count suggests. Over 10 seeds of 200 000 calls the run-to-run standard deviation was 0.009 on SL and 6.5 %
        // on ASA, which would put ±10 % at only 1.5σ; at 400 000 calls it was 0.006 on SL and 3.4 % on ASA, so the
        // bounds sit at about 3σ and a correct ACD passes whatever the seed, while a real fault (an agent never
        // offered calls makes it M/M/9: ASA ≈ 120 s, SL ≈ 0.40; a call routed out of FIFO order shifts SL) fails.
        const int agents = 10;
        const double handle = 180;
        const double lambda = 8.0 / handle;
        const int calls = 400_000;
        var traffic = new TrafficModel(new TrafficOptions
        {
            Agents = agents,
            CallsPerHour = lambda * 3600,
            Hours = calls / (lambda * 3600),
            MeanHandleSeconds = handle,
            MeanPatienceSeconds = null,
            Seed = 20250106,
        });

        var stopwatch = Stopwatch.StartNew();
        var result = new QueueSimulation(traffic, new SimulationOptions { Layout = QueueLayout.SingleQueue }).Run();
        stopwatch.Stop();

        var pw = ErlangC.ProbabilityOfWaiting(lambda, handle, agents);
        var sl = ErlangC.ServiceLevel(lambda, handle, agents, 20);
        var asa = ErlangC.AverageSpeedOfAnswer(lambda, handle, agents);
        output.WriteLine($"{result.Offered} calls in {stopwatch.ElapsedMilliseconds} ms");
        output.WriteLine($"Pw  Erlang {pw:F4}  simulated {result.FractionWaited:F4}");
        output.WriteLine($"SL  Erlang {sl:F4}  simulated {result.ServiceLevel:F4}");
        output.WriteLine($"ASA Erlang {asa:F2} s  simulated {result.AverageSpeedOfAnswerSeconds:F2} s");

        Assert.Equal(result.Offered, result.Answered);
        Assert.Equal(0, result.Abandoned);
        Assert.Equal(0, result.RingNoAnswers);
        Assert.InRange(result.Offered, calls * 0.98, calls * 1.02);
        Assert.Equal(pw, result.FractionWaited, 0.02);
        Assert.Equal(sl, result.ServiceLevel, 0.02);
        Assert.InRange(result.AverageSpeedOfAnswerSeconds, asa * 0.9, asa * 1.1);
    }

    [Fact]
    public void TwoHundredThousandCallsAtOneHundredTwentyAgents_StayNearErlangC()
    {
        // 110 erlangs on 120 agents. The run time is printed, not asserted (about 1 s on an idle machine; speed goals
        // belong in bench/, a timed test fails on a busy CI machine).
        const int agents = 120;
        const double handle = 180;
        const double lambda = 110 / handle;
        var traffic = new TrafficModel(new TrafficOptions
        {
            Agents = agents,
            CallsPerHour = lambda * 3600,
            Hours = 200_000 / (lambda * 3600),
            MeanHandleSeconds = handle,
            MeanPatienceSeconds = null,
            Seed = 7,
        });

        var stopwatch = Stopwatch.StartNew();
        var result = new QueueSimulation(traffic, new SimulationOptions { Layout = QueueLayout.SingleQueue }).Run();
        stopwatch.Stop();

        var sl = ErlangC.ServiceLevel(lambda, handle, agents, 20);
        output.WriteLine($"{result.Offered} calls at {agents} agents in {stopwatch.ElapsedMilliseconds} ms; SL Erlang {sl:F4} simulated {result.ServiceLevel:F4}; "
            + $"ASA Erlang {ErlangC.AverageSpeedOfAnswer(lambda, handle, agents):F2} s simulated {result.AverageSpeedOfAnswerSeconds:F2} s");
        Assert.Equal(result.Offered, result.Answered);
        Assert.Equal(sl, result.ServiceLevel, 0.05); // fewer calls and a short queue: wider scatter (σ ≈ 0.015)
        Assert.Equal(agents, result.AnsweredByAgent.Count);
        Assert.All(result.AnsweredByAgent.Values, n => Assert.True(n > 0));
    }

    [Fact]
    public void WithPatience_SomeCallsAbandon_AndEveryCallIsAnsweredOrAbandoned()
    {
        // A realistic centre: a queue per IVR choice, 3–8 s to pick up, 10 s wrap-up, callers hang up after 60 s on
        // average, and the agents are short-staffed (9.5 erlangs of talk on 10 agents plus wrap-up).
        var traffic = new TrafficModel(new TrafficOptions
        {
            Agents = 10,
            CallsPerHour = 190,
            Hours = 40,
            HandleTimeDistribution = HandleTimeDistribution.LogNormal,
            Seed = 3,
        });
        var options = new SimulationOptions
        {
            Layout = QueueLayout.QueuePerIvrChoice,
            RingDelayMinSeconds = 3,
            RingDelayMaxSeconds = 8,
            WrapUpSeconds = 10,
            IvrSeconds = 12,
        };

        var result = new QueueSimulation(traffic, options).Run();

        output.WriteLine($"offered {result.Offered}, answered {result.Answered}, abandoned {result.Abandoned}, SL {result.ServiceLevel:F3}, ASA {result.AverageSpeedOfAnswerSeconds:F1} s");
        Assert.True(result.Abandoned > 0);
        Assert.True(result.Answered > result.Abandoned);
        Assert.Equal(0, result.Unserved);
        Assert.Equal(result.Offered, result.Answered + result.Abandoned);
        Assert.Equal(result.Answered, result.AnsweredByAgent.Values.Sum());
        foreach (var call in result.Calls)
        {
            Assert.Equal(call.ArrivedAt.AddSeconds(12), call.QueuedAt);
            if (call.AnsweredAt is { } answered)
            {
                Assert.Null(call.AbandonedAt);
                Assert.NotNull(call.AgentId);
                Assert.InRange((answered - call.FirstRingingAt!.Value).TotalSeconds, 3, 8); // no ring-outs at ≤ 8 s
                Assert.True(call.FirstRingingAt >= call.QueuedAt);
                Assert.Equal(call.Planned.HandleSeconds, (call.EndedAt!.Value - answered).TotalSeconds, 1e-6);
            }
            else
            {
                Assert.NotNull(call.AbandonedAt);
                Assert.Null(call.EndedAt);
                Assert.Equal(call.Planned.PatienceSeconds!.Value, (call.AbandonedAt!.Value - call.QueuedAt!.Value).TotalSeconds, 1e-6);
            }
        }
    }

    [Fact]
    public void SlowPickUps_RingOutAfterTheTimeout_AndTheCallIsOfferedAgain()
    {
        var traffic = new TrafficModel(new TrafficOptions { Agents = 6, CallsPerHour = 80, Hours = 8, Seed = 11 });
        var options = new SimulationOptions
        {
            Layout = QueueLayout.SingleQueue,
            RingDelayMinSeconds = 5,
            RingDelayMaxSeconds = 25, // half the offers outlast the 15 s ring timeout
            BreakAfterRingNoAnswerSeconds = 20,
        };

        var result = new QueueSimulation(traffic, options).Run();

        Assert.True(result.RingNoAnswers > 0);
        Assert.Equal(result.Offered, result.Answered + result.Abandoned);
        Assert.Contains(result.Calls, c => c.RingNoAnswers > 0 && c.AnsweredAt is not null && c.Offers == c.RingNoAnswers + 1);
        Assert.All(result.Calls.Where(c => c.AnsweredAt is not null),
            c => Assert.True((c.AnsweredAt!.Value - c.FirstRingingAt!.Value).TotalSeconds >= 5));
    }

    [Fact]
    public void SkillsPerAgent_CallsGoOnlyToAgentsWithTheQueuesSkill()
    {
        // Agents 0–3 take orders and general enquiries only; 4–7 take after-sales and complaints only.
        var traffic = new TrafficModel(new TrafficOptions { Agents = 8, CallsPerHour = 100, Hours = 8, MeanPatienceSeconds = 120, Seed = 5 });
        var options = new SimulationOptions
        {
            AgentSkills = i => i < 4
                ? [new AgentSkill("orders"), new AgentSkill("general")]
                : [new AgentSkill("after-sales"), new AgentSkill("complaints")],
        };

        var result = new QueueSimulation(traffic, options).Run();

        Assert.Equal(result.Offered, result.Answered + result.Abandoned);
        foreach (var call in result.Calls.Where(c => c.AgentId is not null))
        {
            var frontDesk = string.CompareOrdinal(call.AgentId, "agent-005") < 0;
            Assert.Equal(frontDesk, call.QueueId is "orders" or "general");
        }
    }

    [Fact]
    public void Run_SameSeeds_GivesTheSameResult()
    {
        var options = new TrafficOptions { Agents = 5, CallsPerHour = 90, Hours = 4, Seed = 9 };
        var simulation = new SimulationOptions { RingDelayMinSeconds = 3, RingDelayMaxSeconds = 8 };

        var first = new QueueSimulation(new TrafficModel(options), simulation).Run();
        var second = new QueueSimulation(new TrafficModel(options), simulation).Run();

        Assert.Equal(first.Answered, second.Answered);
        Assert.Equal(first.AverageSpeedOfAnswerSeconds, second.AverageSpeedOfAnswerSeconds);
        Assert.Equal(first.Calls.Select(c => (c.AnsweredAt, c.AgentId)), second.Calls.Select(c => (c.AnsweredAt, c.AgentId)));
    }

    [Fact]
    public void SimulationClock_ReturnsTheSimulatedInstant_AndNeverGoesBack()
    {
        var start = new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);
        var clock = new SimulationClock(start);
        var started = clock.GetTimestamp();

        clock.AdvanceTo(start.AddSeconds(90));
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(start.AddSeconds(100), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(100), clock.GetElapsedTime(started));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(start));
    }

    [Fact]
    public void NoAgents_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueSimulation(new TrafficModel(new TrafficOptions { Agents = 0 })));
    }
}

public sealed class TrafficModelTests
{
    [Fact]
    public void Plan_SameSeed_IsReproducible_AndAnotherSeedIsNot()
    {
        var options = new TrafficOptions { CallsPerHour = 300, Hours = 2, Seed = 42 };

        var first = new TrafficModel(options).Plan();
        var again = new TrafficModel(options).Plan();
        var other = new TrafficModel(options with { Seed = 43 }).Plan();

        Assert.Equal(first, again); // records compare by value
        Assert.NotEqual(first.Select(c => c.ArrivalSeconds), other.Select(c => c.ArrivalSeconds));
    }

    [Theory]
    [InlineData(HandleTimeDistribution.Exponential)]
    [InlineData(HandleTimeDistribution.LogNormal)]
    public void Plan_DrawsTheConfiguredMeansAndMix(HandleTimeDistribution distribution)
    {
        var options = new TrafficOptions { CallsPerHour = 1000, Hours = 60, HandleTimeDistribution = distribution, Seed = 1 };

        var plan = new TrafficModel(options).Plan();

        // 60 000 expected arrivals: Poisson count σ ≈ 245, handle-time mean σ ≈ 0.4 %–0.5 %.
        Assert.InRange(plan.Count, 59_000, 61_000);
        Assert.Equal(180, plan.Average(c => c.HandleSeconds), 180 * 0.02);
        Assert.Equal(60, plan.Average(c => c.PatienceSeconds!.Value), 60 * 0.02);
        Assert.Equal(3600.0 / 1000, plan.Zip(plan.Skip(1), (a, b) => b.ArrivalSeconds - a.ArrivalSeconds).Average(), 3.6 * 0.02);
        Assert.Equal(0.35, plan.Count(c => c.IvrDigit == "1") / (double)plan.Count, 0.01);
        Assert.Equal(0.30, plan.Count(c => c.IvrDigit == "2") / (double)plan.Count, 0.01);
        Assert.Equal(0.15, plan.Count(c => c.IvrDigit == "3") / (double)plan.Count, 0.01);
        Assert.Equal(0.20, plan.Count(c => c.IvrDigit == "0") / (double)plan.Count, 0.01);
        Assert.Equal(0.35, plan.Count(c => c.AgreedToSurvey) / (double)plan.Count, 0.01);
        Assert.Equal(0.2, plan.Count(c => c.HoldSeconds > 0) / (double)plan.Count, 0.01);
        Assert.All(plan, c =>
        {
            Assert.InRange(c.HoldSeconds, 0, c.HandleSeconds / 2);
            Assert.True(c.TalkSeconds > 0);
            Assert.Equal(11, c.CallerPhone.Length);
            Assert.Equal('1', c.CallerPhone[0]);
            Assert.InRange(c.CallerPhone[1], '3', '9');
            Assert.True(c.CallerPhone.All(char.IsAsciiDigit));
        });
    }

    [Fact]
    public void Plan_WithoutPatience_HasCallersWhoNeverHangUp()
    {
        var plan = new TrafficModel(new TrafficOptions { MeanPatienceSeconds = null, Hours = 1 }).Plan();

        Assert.NotEmpty(plan);
        Assert.All(plan, c => Assert.Null(c.PatienceSeconds));
    }

    [Fact]
    public void Options_OutOfRange_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrafficModel(new TrafficOptions { CallsPerHour = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrafficModel(new TrafficOptions { MeanHandleSeconds = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrafficModel(new TrafficOptions { HoldProbability = 1.5 }));
        Assert.Throws<ArgumentException>(() => new TrafficModel(new TrafficOptions { IvrChoices = [] }));
        Assert.Throws<ArgumentException>(() => new TrafficModel(new TrafficOptions
        {
            IvrChoices = [new IvrChoice("1", "查询订单", "orders", 1), new IvrChoice("1", "售后", "after-sales", 1)],
        }));
    }
}

public sealed class SyntheticTranscriptTests
{
    private static readonly string[] Digits = ["1", "2", "3", "0"];

    private static IEnumerable<(PlannedCall Call, IReadOnlyList<TranscriptSegment> Transcript)> Transcripts(int count, TranscriptOptions? options = null)
    {
        var plan = new TrafficModel(new TrafficOptions { CallsPerHour = 4000, Hours = 1, HoldProbability = 0.5, Seed = 17 }).Plan();
        var random = new Random(17);
        return plan.Take(count).Select(call => (call, SyntheticTranscript.Generate(call, random, options)));
    }

    [Fact]
    public void Transcript_StartsWithTheScriptGreeting_WithANameOrWorkNumber()
    {
        foreach (var (_, transcript) in Transcripts(500))
        {
            var greeting = transcript[0];
            Assert.Equal(SyntheticTranscript.AgentSpeaker, greeting.Speaker);
            Assert.Equal(0, greeting.StartSeconds);
            Assert.StartsWith("您好，这里是XX客服中心，我是客服", greeting.Text, StringComparison.Ordinal);
            Assert.EndsWith("，请问有什么可以帮您的？", greeting.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("[", greeting.Text, StringComparison.Ordinal);
            Assert.True(greeting.Text.Length > "您好，这里是XX客服中心，我是客服，请问有什么可以帮您的？".Length);
        }
    }

    [Fact]
    public void Transcript_VerifiesOnlyRegisteredPhoneAndLastOrder_NeverIdNumberBankCardOrPassword()
    {
        foreach (var (call, transcript) in Transcripts(3000, new TranscriptOptions { ForbiddenPhraseProbability = 0.5 }))
        {
            foreach (var segment in transcript)
            {
                foreach (var term in SyntheticTranscript.ForbiddenVerificationTerms)
                    Assert.DoesNotContain(term, segment.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("证件", segment.Text, StringComparison.Ordinal);
            }

            Assert.Contains(transcript, s => s.Speaker == SyntheticTranscript.AgentSpeaker && s.Text.Contains("注册手机号", StringComparison.Ordinal));
            Assert.Contains(transcript, s => s.Speaker == SyntheticTranscript.CustomerSpeaker
                && s.Text.Replace(" ", "", StringComparison.Ordinal).Contains(call.CallerPhone, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Transcript_FollowsTheScriptAndFitsTheCall()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (call, transcript) in Transcripts(1000))
        {
            topics.Add(call.IvrDigit);
            var agent = transcript.Where(s => s.Speaker == SyntheticTranscript.AgentSpeaker).Select(s => s.Text).ToList();
            Assert.Contains(agent, t => t.StartsWith("您的意思是", StringComparison.Ordinal) && t.EndsWith("对吗？", StringComparison.Ordinal));
            Assert.Contains("请问还有其他可以帮您的吗？", agent);
            Assert.Equal("感谢您的来电，祝您生活愉快，再见！", agent[^1]);
            Assert.Equal(call.HoldSeconds > 0, agent.Contains("请您稍等，我帮您查询一下。"));
            Assert.Equal(call.AgreedToSurvey, agent.Any(t => t.Contains("满意度评价", StringComparison.Ordinal)));

            var previousEnd = 0.0;
            foreach (var segment in transcript)
            {
                Assert.True(segment.StartSeconds >= previousEnd, "segments overlap");
                Assert.True(segment.EndSeconds >= segment.StartSeconds);
                previousEnd = segment.EndSeconds;
            }

            Assert.InRange(previousEnd, 0, call.TalkSeconds + call.HoldSeconds);
        }

        Assert.Equal(Digits.Order(StringComparer.Ordinal), topics.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ForbiddenPhrase_AppearsOnlyWithItsProbability_AndOnlyInAnAgentLine()
    {
        static int Offending(IReadOnlyList<TranscriptSegment> transcript) => transcript.Count(s =>
            SyntheticTranscript.ForbiddenPhrases.Any(p => s.Text.Contains(p, StringComparison.Ordinal)));

        Assert.All(Transcripts(500, new TranscriptOptions { ForbiddenPhraseProbability = 0 }), x => Assert.Equal(0, Offending(x.Transcript)));
        Assert.All(Transcripts(500, new TranscriptOptions { ForbiddenPhraseProbability = 1 }), x =>
        {
            Assert.Equal(1, Offending(x.Transcript));
            Assert.Equal(SyntheticTranscript.AgentSpeaker,
                x.Transcript.Single(s => SyntheticTranscript.ForbiddenPhrases.Any(p => s.Text.Contains(p, StringComparison.Ordinal))).Speaker);
        });
        var some = Transcripts(2000, new TranscriptOptions { ForbiddenPhraseProbability = 0.05 }).Count(x => Offending(x.Transcript) > 0);
        Assert.InRange(some, 60, 140); // 100 expected, σ ≈ 10
    }

    [Fact]
    public void Transcript_SameSeed_IsTheSame()
    {
        var call = new PlannedCall(0, "call-0000000", 0, "3", "complaints", 240, 60, 30, true, "13812345678");

        var first = SyntheticTranscript.Generate(call, new Random(5));
        var second = SyntheticTranscript.Generate(call, new Random(5));

        Assert.Equal(first, second);
    }
}
