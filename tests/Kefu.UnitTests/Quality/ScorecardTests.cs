using Kefu.Web.Features.Quality;

namespace Kefu.UnitTests.Quality;

/// <summary>The scorecard formulas against figures worked out by hand (weeks in China time, UTC+8).</summary>
public sealed class ScorecardTests
{
    private static readonly string[] Weeks = ["2026-W47", "2026-W48"];

    private static DateTime Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

    private static ScoredEvaluation Eval(string agent, DateTime at, double score, LiabilityFinding liability, bool autoFail = false, bool appealed = false,
        AppealDecision? decision = null) => new(agent, at, score, autoFail, liability, appealed, decision);

    private static Scorecard Card()
    {
        ScoredEvaluation[] evaluations =
        [
            // a1, week 47 (Mon 16 – Sun 22 Nov, China time): 90 and 70 → 80.0, exactly on target, so not below it.
            Eval("a1", Utc(11, 17, 2), 90, LiabilityFinding.NotUpheld),
            Eval("a1", Utc(11, 18, 2), 70, LiabilityFinding.Upheld, appealed: true, decision: AppealDecision.FindingStands),

            // a1, week 48: an auto-fail (0) and, at 17:00 UTC on Sunday 22 Nov = 01:00 Monday in China, an 85 → 42.5.
            Eval("a1", Utc(11, 24, 2), 0, LiabilityFinding.Upheld, autoFail: true),
            Eval("a1", Utc(11, 22, 17), 85, LiabilityFinding.NotUpheld),

            // a2, week 48: 75, appealed and overturned.
            Eval("a2", Utc(11, 25, 2), 75, LiabilityFinding.NotUpheld, appealed: true, decision: AppealDecision.Overturned),

            // Week 46: outside the range, ignored.
            Eval("a1", Utc(11, 10, 2), 10, LiabilityFinding.Upheld),
        ];
        AnsweredCall[] calls =
        [
            new("a1", Utc(11, 23, 2), 100, true),
            new("a1", Utc(11, 23, 3), 140, true),
            new("a1", Utc(11, 23, 4), 180, false),
            new("a3", Utc(11, 17, 2), 120, true),
            new("a3", Utc(11, 17, 3), 200, false),
            new("a3", Utc(11, 24, 2), null, null),
        ];
        var teams = new Dictionary<string, string?>(StringComparer.Ordinal) { ["a1"] = "T1", ["a2"] = "T1", ["a3"] = "T2" };
        return Scorecards.Compute(ScorecardPeriod.Week, Weeks, evaluations, calls, teams, target: 80);
    }

    [Fact]
    public void AnAgentsWeeks_AverageTheirSubmittedScores_CountingAnAutoFailAsZero_InChinaTime()
    {
        var a1 = Card().Agents.Single(a => a.Agent == "a1");
        Assert.Equal("T1", a1.Team);

        var w47 = a1.Periods[0];
        Assert.Equal("2026-W47", w47.Period);
        Assert.Equal(2, w47.Evaluations);
        Assert.Equal(80.0, w47.AverageScore);
        Assert.Equal(70, w47.LowestScore);
        Assert.Equal((0, 1, 1, 1, 0), (w47.AutoFails, w47.LiabilityUpheld, w47.LiabilityNotUpheld, w47.Appeals, w47.AppealsOverturned));
        Assert.False(w47.BelowTarget); // 80 is the target itself

        var w48 = a1.Periods[1];
        Assert.Equal(2, w48.Evaluations); // the Sunday-evening UTC evaluation is Monday in China
        Assert.Equal(42.5, w48.AverageScore);
        Assert.Equal(0, w48.LowestScore);
        Assert.Equal(1, w48.AutoFails);
        Assert.True(w48.BelowTarget);

        // Calls in week 48: talk 100, 140, 180 → 140 s; 2 of 3 solved on first contact.
        Assert.Equal(3, w48.CallsAnswered);
        Assert.Equal(140, w48.AverageTalkSeconds);
        Assert.Equal(0.667, w48.FcrShare);

        // Over both weeks: (90 + 70 + 0 + 85) / 4 = 61.25 → 61.3; the week-46 evaluation is outside the range.
        Assert.Equal(4, a1.Total.Evaluations);
        Assert.Equal(61.3, a1.Total.AverageScore);
        Assert.True(a1.Total.BelowTarget);
    }

    [Fact]
    public void AnAgentWithCallsButNoEvaluations_HasCallFiguresAndNoScore()
    {
        var a3 = Card().Agents.Single(a => a.Agent == "a3");
        Assert.Null(a3.Periods[0].AverageScore);
        Assert.False(a3.Periods[0].BelowTarget); // no score is not a low score
        Assert.Equal(160, a3.Periods[0].AverageTalkSeconds); // (120 + 200) / 2
        Assert.Equal(0.5, a3.Periods[0].FcrShare);

        // A call without talk time counts as answered but not in the average talk time; unmarked FCR counts as not solved.
        Assert.Equal(1, a3.Periods[1].CallsAnswered);
        Assert.Null(a3.Periods[1].AverageTalkSeconds);
        Assert.Equal(0, a3.Periods[1].FcrShare);
        Assert.Equal(0.333, a3.Total.FcrShare); // 1 of 3
    }

    [Fact]
    public void ATeamsAverage_PoolsItsAgentsEvaluations_RatherThanAveragingTheirAverages()
    {
        var card = Card();
        Assert.Equal(["a1", "a2", "a3"], card.Agents.Select(a => a.Agent));
        var t1 = card.Teams.Single(t => t.Team == "T1");
        Assert.Equal(2, t1.Agents);

        // Week 48: 0, 85 (a1) and 75 (a2) → 160 / 3 = 53.3 (the mean of the agents' averages would be 58.75).
        Assert.Equal(53.3, t1.Periods[1].AverageScore);
        Assert.Equal(1, t1.Periods[1].AppealsOverturned);

        // Over the range: 90 + 70 + 0 + 85 + 75 = 320 / 5 = 64.
        Assert.Equal(64, t1.Total.AverageScore);
        Assert.Equal(5, t1.Total.Evaluations);
        Assert.Equal(3, t1.Total.CallsAnswered);

        var t2 = card.Teams.Single(t => t.Team == "T2");
        Assert.Null(t2.Total.AverageScore);
        Assert.Equal(3, t2.Total.CallsAnswered);
    }

    [Fact]
    public void TheRange_CoversWholeChinaWeeksAndMonths()
    {
        var weeks = Scorecards.Range(new DateOnly(2026, 11, 18), new DateOnly(2026, 12, 2), ScorecardPeriod.Week);
        Assert.Equal(["2026-W47", "2026-W48", "2026-W49"], weeks.Select(w => w.Label));
        Assert.Equal(Utc(11, 15, 16), weeks[0].Start); // Monday 16 Nov 00:00 China
        Assert.Equal(Utc(12, 6, 16), weeks[^1].End);

        var months = Scorecards.Range(new DateOnly(2026, 10, 15), new DateOnly(2026, 12, 1), ScorecardPeriod.Month);
        Assert.Equal(["2026-10", "2026-11", "2026-12"], months.Select(m => m.Label));
        Assert.Equal("2026-12", Scorecards.PeriodOf(Utc(11, 30, 17), ScorecardPeriod.Month)); // 01:00 on 1 December in China
    }

    [Fact]
    public void TheTrainingCheck_WantsAPassedNewHireProgramme_AndAttendanceAtThisMonthsSession()
    {
        TrainingProgramme.AttendanceFact[] facts =
        [
            new("done", TrainingKind.NewHire, new DateOnly(2026, 1, 5), Attended: true, Passed: true),
            new("done", TrainingKind.Monthly, new DateOnly(2026, 11, 20), Attended: true, Passed: null),
            new("failed", TrainingKind.NewHire, new DateOnly(2026, 1, 5), Attended: true, Passed: false),
            new("failed", TrainingKind.Monthly, new DateOnly(2026, 10, 20), Attended: true, Passed: null), // last month's
            new("absent", TrainingKind.NewHire, new DateOnly(2026, 1, 5), Attended: true, Passed: true),
            new("absent", TrainingKind.Monthly, new DateOnly(2026, 11, 20), Attended: false, Passed: null),
        ];
        var status = TrainingProgramme.Check(["absent", "done", "failed", "new"], facts, new DateOnly(2026, 11, 1)).ToDictionary(s => s.Agent);
        Assert.Empty(status["done"].Missing);
        Assert.Equal(["newHire", "monthly"], status["failed"].Missing);
        Assert.Equal(["monthly"], status["absent"].Missing);
        Assert.Equal(["newHire", "monthly"], status["new"].Missing);
    }
}
