using Kefu.Web.Features.Quality;

namespace Kefu.UnitTests.Quality;

public sealed class WeeklySampleTests
{
    private static List<WeeklySample.Candidate> Calls(int agents, Func<int, int> callsOf) =>
        Enumerable.Range(1, agents).SelectMany(a => Enumerable.Range(1, callsOf(a)).Select(c => new WeeklySample.Candidate($"call-{a:D2}-{c:D4}", $"agent{a:D2}"))).ToList();

    [Fact]
    public void TheSample_IsTenPercentPerAgent_CoveringEveryAgent()
    {
        var calls = Calls(12, a => a == 12 ? 3 : 40 + a * 7); // agent12 took only 3 calls
        var sample = WeeklySample.Draw(calls, ["qa1", "qa2"], seed: 48);

        foreach (var group in calls.GroupBy(c => c.Agent))
        {
            var expected = (int)Math.Ceiling(group.Count() * 0.10);
            Assert.Equal(Math.Max(1, expected), sample.Count(p => p.Agent == group.Key));
        }

        Assert.InRange(sample.Count, calls.Count * 0.10, calls.Count * 0.10 + 12);
        Assert.Equal(sample.Count, sample.Select(p => p.CallId).Distinct().Count());
        Assert.All(sample, p => Assert.Contains(calls, c => c.CallId == p.CallId && c.Agent == p.Agent));
    }

    [Fact]
    public void TheSameWeekCallsAndReviewers_GiveTheSameSample_InAnyInputOrder()
    {
        var calls = Calls(5, _ => 60);
        var first = WeeklySample.Draw(calls, ["qa2", "qa1"], WeeklySample.SeedOf("2026-W48"));
        var shuffled = calls.OrderBy(c => c.CallId.GetHashCode(StringComparison.Ordinal)).ToList();
        var second = WeeklySample.Draw(shuffled, ["qa1", "qa2"], WeeklySample.SeedOf("2026-W48"));
        Assert.Equal(first, second);

        var otherWeek = WeeklySample.Draw(calls, ["qa1", "qa2"], WeeklySample.SeedOf("2026-W49"));
        Assert.NotEqual(first.Select(p => p.CallId).Order(), otherWeek.Select(p => p.CallId).Order());
    }

    [Fact]
    public void Reviewers_GetLoadsThatDifferByAtMostOne()
    {
        var sample = WeeklySample.Draw(Calls(7, a => 33 + a), ["qa1", "qa2", "qa3"], seed: 1);
        var loads = sample.GroupBy(p => p.Reviewer).Select(g => g.Count()).ToList();
        Assert.Equal(3, loads.Count);
        Assert.True(loads.Max() - loads.Min() <= 1);
    }

    [Fact]
    public void WithoutReviewers_NothingIsDrawn_AndABadRateIsRefused()
    {
        Assert.Empty(WeeklySample.Draw(Calls(2, _ => 10), [], seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WeeklySample.Draw(Calls(2, _ => 10), ["qa"], seed: 1, rate: 0));
    }

    [Theory]
    [InlineData(2026, 11, 22, 15, 59, "2026-W47")] // Sunday 23:59 China time
    [InlineData(2026, 11, 22, 16, 0, "2026-W48")] // Monday 00:00 China time
    [InlineData(2026, 12, 31, 16, 30, "2026-W53")] // 2027-01-01 00:30 China time still in ISO week 53 of 2026
    public void Weeks_AreIsoWeeksInChinaTime(int y, int m, int d, int h, int min, string week)
    {
        Assert.Equal(week, WeeklySample.WeekOf(new DateTime(y, m, d, h, min, 0, DateTimeKind.Utc)));
        var bounds = WeeklySample.Bounds(week)!.Value;
        Assert.Equal(TimeSpan.FromDays(7), bounds.End - bounds.Start);
        Assert.Equal(DayOfWeek.Sunday, bounds.Start.DayOfWeek); // Monday 00:00 China = Sunday 16:00 UTC
        Assert.Null(WeeklySample.Bounds("2026-W54"));
        Assert.Null(WeeklySample.Bounds("2026W48"));
    }
}
