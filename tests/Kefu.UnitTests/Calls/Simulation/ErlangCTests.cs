using Kefu.Web.Features.Calls.Simulation;

namespace Kefu.UnitTests.Calls.Simulation;

public sealed class ErlangCTests
{
    [Fact]
    public void ErlangB_TwoErlangsOnThreeAgents_IsFourNineteenths()
    {
        // B = (A³/3!) / (1 + A + A²/2 + A³/6) = (8/6) / (1 + 2 + 2 + 8/6) = (4/3) / (19/3) = 4/19.
        Assert.Equal(4.0 / 19, ErlangC.ErlangB(2, 3), 12);
    }

    [Fact]
    public void ProbabilityOfWaiting_TwoErlangsOnThreeAgents_IsFourNinths()
    {
        // C = (A³/3!)·(c/(c−A)) / (1 + A + A²/2 + (A³/3!)·(c/(c−A))) = (4/3·3) / (5 + 4) = 4/9.
        Assert.Equal(4.0 / 9, ErlangC.ProbabilityOfWaiting(2, 3), 12);
        // The same through rates: λ = 2 calls per 100 s, h = 100 s.
        Assert.Equal(4.0 / 9, ErlangC.ProbabilityOfWaiting(0.02, 100, 3), 12);
    }

    [Fact]
    public void TextbookCallCentre_HundredCallsPerHalfHourAtThreeMinutes_MatchesHandComputation()
    {
        // 100 calls per 30 min, AHT 180 s: λ = 100/1800 s⁻¹, A = λ·h = 10 erlangs.
        // c = 13: Σ_{k=0..12} 10^k/k! = 17 435.19, (10^13/13!)·13/3 = 6 958.92 → Pw = 6 958.92 / 24 394.11 = 0.285270.
        // c = 14: Σ_{k=0..13} 10^k/k! = 19 041.10, (10^14/14!)·14/4 = 4 014.76 → Pw = 4 014.76 / 23 055.86 = 0.174132.
        // SL(20 s) at 14 = 1 − 0.174132·e^{−(14−10)·20/180} = 1 − 0.174132·0.641180 = 0.888350.
        // ASA at 14 = 0.174132 / ((14 − 10)/180) = 7.836 s.
        const double lambda = 100.0 / 1800;
        Assert.Equal(10, ErlangC.OfferedLoad(lambda, 180), 12);
        Assert.Equal(0.285270, ErlangC.ProbabilityOfWaiting(lambda, 180, 13), 6);
        Assert.Equal(0.174132, ErlangC.ProbabilityOfWaiting(lambda, 180, 14), 6);
        Assert.Equal(0.888350, ErlangC.ServiceLevel(lambda, 180, 14, 20), 6);
        Assert.Equal(7.836, ErlangC.AverageSpeedOfAnswer(lambda, 180, 14), 3);
    }

    [Fact]
    public void AgentsNeeded_EightyInTwentyForTenErlangs_IsFourteen()
    {
        // From the example above: 13 agents give 1 − 0.285270·e^{−3·20/180} = 0.7956 < 0.8; 14 give 0.8884.
        Assert.Equal(14, ErlangC.AgentsNeeded(100.0 / 1800, 180, 20, 0.8));
    }

    [Theory]
    [InlineData(0.5, 0.8)]
    [InlineData(8, 0.8)]
    [InlineData(95.3, 0.9)]
    [InlineData(1800, 0.95)]
    public void AgentsNeeded_IsTheSmallestStaffingThatMeetsTheTarget(double erlangs, double target)
    {
        const double handle = 240;
        var lambda = erlangs / handle;

        var agents = ErlangC.AgentsNeeded(lambda, handle, 20, target);

        Assert.True(ErlangC.ServiceLevel(lambda, handle, agents, 20) >= target);
        if (agents - 1 > erlangs)
            Assert.True(ErlangC.ServiceLevel(lambda, handle, agents - 1, 20) < target);
    }

    [Theory]
    [InlineData(1950, 2000)]
    [InlineData(1000, 2000)]
    [InlineData(1999.5, 2000)]
    [InlineData(0.01, 2000)]
    [InlineData(500, 520)]
    public void ProbabilityOfWaiting_UpToTwoThousandAgents_AgreesWithALogSpaceSum(double erlangs, int agents)
    {
        // Independent route: the textbook sum in log space (log-sum-exp), which no factorial can overflow.
        var logTerms = new double[agents + 1];
        for (var k = 1; k <= agents; k++)
            logTerms[k] = logTerms[k - 1] + Math.Log(erlangs) - Math.Log(k);
        var logWaitTerm = logTerms[agents] + Math.Log(agents / (agents - erlangs));
        var max = Math.Max(logTerms.Max(), logWaitTerm);
        var sum = Math.Exp(logWaitTerm - max);
        for (var k = 0; k < agents; k++)
            sum += Math.Exp(logTerms[k] - max);
        var expected = Math.Exp(logWaitTerm - max) / sum;

        var actual = ErlangC.ProbabilityOfWaiting(erlangs, agents);

        Assert.InRange(actual, 0, 1);
        Assert.Equal(expected, actual, 1e-9);
    }

    [Fact]
    public void ProbabilityOfWaiting_FallsAsAgentsAreAdded()
    {
        var previous = 1.0;
        for (var c = 9; c <= 30; c++)
        {
            var pw = ErlangC.ProbabilityOfWaiting(8.5, c);
            Assert.True(pw < previous);
            previous = pw;
        }
    }

    [Fact]
    public void ServiceLevel_AtZeroSeconds_IsTheShareAnsweredAtOnce()
    {
        Assert.Equal(1 - ErlangC.ProbabilityOfWaiting(0.05, 180, 10), ErlangC.ServiceLevel(0.05, 180, 10, 0), 12);
    }

    [Fact]
    public void NoTraffic_NeverWaits()
    {
        Assert.Equal(0, ErlangC.ProbabilityOfWaiting(0, 180, 3));
        Assert.Equal(1, ErlangC.ServiceLevel(0, 180, 3, 20));
        Assert.Equal(0, ErlangC.AverageSpeedOfAnswer(0, 180, 3));
    }

    [Theory]
    [InlineData(3, 3)] // A = c: the queue grows without bound
    [InlineData(3.5, 3)]
    public void ProbabilityOfWaiting_UnstableQueue_IsRefused(double erlangs, int agents)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(erlangs, agents));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ServiceLevel(erlangs / 180, 180, agents, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.AverageSpeedOfAnswer(erlangs / 180, 180, agents));
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(-0.1, 180, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(0.01, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(0.01, 180, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(double.NaN, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ErlangB(2, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ServiceLevel(0.01, 180, 3, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.AgentsNeeded(0.05, 180, 20, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.AgentsNeeded(0.05, 180, 20, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.OfferedLoad(double.PositiveInfinity, 180));
    }
}
