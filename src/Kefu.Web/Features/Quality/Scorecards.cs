using System.Globalization;
using Kefu.Web.Features.Complaints;

namespace Kefu.Web.Features.Quality;

/// <summary>How a scorecard groups time: ISO weeks (Monday–Sunday) or calendar months, both in China time.</summary>
public enum ScorecardPeriod
{
    Week = 1,
    Month = 2,
}

/// <summary>Where QA scorecards draw the line (seed 003 §5.3); <c>Kefu:Quality:ScoreTarget</c> in configuration.</summary>
public sealed class ScorecardOptions
{
    public const string Section = "Kefu:Quality";

    /// <summary>An agent whose average QA score in a period is under this is highlighted (default 80).</summary>
    public double ScoreTarget { get; set; } = 80;
}

/// <summary>A submitted evaluation as the scorecard needs it.</summary>
public sealed record ScoredEvaluation(string Agent, DateTime SubmittedAt, double Score, bool AutoFail, LiabilityFinding Liability, bool Appealed,
    AppealDecision? AppealDecision);

/// <summary>An answered call as the scorecard needs it.</summary>
public sealed record AnsweredCall(string Agent, DateTime AnsweredAt, int? TalkSeconds, bool? SolvedOnFirstContact);

/// <summary>
/// The figures of one agent (or one team) in one period (or over the whole range): AverageScore is the mean QA score of the
/// evaluations, an auto-fail counting as 0 (null without evaluations); FcrShare is calls marked solved on first contact /
/// answered calls (003 §5.2), 0–1 (null without calls); BelowTarget when the average is under the target.
/// </summary>
public sealed record ScorecardCell(string Period, int Evaluations, double? AverageScore, double? LowestScore, int AutoFails, int LiabilityUpheld,
    int LiabilityNotUpheld, int Appeals, int AppealsOverturned, int CallsAnswered, double? AverageTalkSeconds, double? FcrShare, bool BelowTarget);

/// <summary>One agent's row: a cell per period of the range and the total over the range.</summary>
public sealed record AgentScorecard(string Agent, string? Team, IReadOnlyList<ScorecardCell> Periods, ScorecardCell Total);

/// <summary>One team's row (team = the agents' department); evaluations of all its agents pooled.</summary>
public sealed record TeamScorecard(string? Team, int Agents, IReadOnlyList<ScorecardCell> Periods, ScorecardCell Total);

public sealed record Scorecard(ScorecardPeriod Period, IReadOnlyList<string> Periods, double Target, IReadOnlyList<AgentScorecard> Agents, IReadOnlyList<TeamScorecard> Teams);

/// <summary>
/// QA scorecards per agent and per team over time (issue #6 point 5): pure functions over evaluation and call rows, so the
/// formulas are tested directly. An evaluation counts in the period it was submitted in; a call in the period it was
/// answered in.
/// </summary>
public static class Scorecards
{
    /// <summary>The period label of a UTC instant: "2026-W48" or "2026-11" (China time).</summary>
    public static string PeriodOf(DateTime utc, ScorecardPeriod period) => period == ScorecardPeriod.Week
        ? WeeklySample.WeekOf(utc)
        : ComplaintTime.ToChina(utc).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The first China day of the period that holds <paramref name="day"/>.</summary>
    public static DateOnly PeriodStart(DateOnly day, ScorecardPeriod period) => period == ScorecardPeriod.Week
        ? day.AddDays(-(((int)day.DayOfWeek + 6) % 7))
        : new DateOnly(day.Year, day.Month, 1);

    /// <summary>The whole periods covering the China days [from, to], oldest first, with their UTC bounds [start, end).</summary>
    public static IReadOnlyList<(string Label, DateTime Start, DateTime End)> Range(DateOnly from, DateOnly to, ScorecardPeriod period)
    {
        var result = new List<(string, DateTime, DateTime)>();
        for (var start = PeriodStart(from, period); start <= to; start = Next(start, period))
        {
            var startUtc = ComplaintTime.FromChina(start.ToDateTime(TimeOnly.MinValue));
            var endUtc = ComplaintTime.FromChina(Next(start, period).ToDateTime(TimeOnly.MinValue));
            result.Add((PeriodOf(startUtc, period), startUtc, endUtc));
        }

        return result;
    }

    private static DateOnly Next(DateOnly start, ScorecardPeriod period) => period == ScorecardPeriod.Week ? start.AddDays(7) : start.AddMonths(1);

    /// <summary>
    /// Computes the scorecard: for every agent with an evaluation or an answered call in <paramref name="periods"/>, a cell
    /// per period and a total; for every team the same with its agents' rows pooled (so a team's average is the mean of
    /// all its evaluations, not the mean of its agents' averages). Rows outside the periods are ignored.
    /// </summary>
    public static Scorecard Compute(ScorecardPeriod period, IReadOnlyList<string> periods, IEnumerable<ScoredEvaluation> evaluations,
        IEnumerable<AnsweredCall> calls, IReadOnlyDictionary<string, string?> teamOf, double target)
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(evaluations);
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(teamOf);
        var known = periods.ToHashSet(StringComparer.Ordinal);
        var evals = evaluations.Select(e => (Period: PeriodOf(e.SubmittedAt, period), Row: e)).Where(e => known.Contains(e.Period)).ToList();
        var answered = calls.Select(c => (Period: PeriodOf(c.AnsweredAt, period), Row: c)).Where(c => known.Contains(c.Period)).ToList();
        string? TeamOf(string agent) => teamOf.TryGetValue(agent, out var team) ? team : null;

        var agents = evals.Select(e => e.Row.Agent).Concat(answered.Select(c => c.Row.Agent)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(agent => Row(agent, periods, evals.Where(e => e.Row.Agent == agent).ToList(), answered.Where(c => c.Row.Agent == agent).ToList(), target))
            .Select(r => new AgentScorecard(r.Key, TeamOf(r.Key), r.Periods, r.Total))
            .ToList();
        var teams = agents.GroupBy(a => a.Team, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var members = g.Select(a => a.Agent).ToHashSet(StringComparer.Ordinal);
            var row = Row(g.Key ?? "", periods, evals.Where(e => members.Contains(e.Row.Agent)).ToList(), answered.Where(c => members.Contains(c.Row.Agent)).ToList(), target);
            return new TeamScorecard(g.Key, members.Count, row.Periods, row.Total);
        }).ToList();
        return new Scorecard(period, periods, target, agents, teams);
    }

    private static (string Key, IReadOnlyList<ScorecardCell> Periods, ScorecardCell Total) Row(string key, IReadOnlyList<string> periods,
        List<(string Period, ScoredEvaluation Row)> evals, List<(string Period, AnsweredCall Row)> calls, double target)
    {
        var cells = periods.Select(p => Cell(p, evals.Where(e => e.Period == p).Select(e => e.Row).ToList(), calls.Where(c => c.Period == p).Select(c => c.Row).ToList(), target)).ToList();
        var total = Cell("total", evals.ConvertAll(e => e.Row), calls.ConvertAll(c => c.Row), target);
        return (key, cells, total);
    }

    /// <summary>The figures of one set of evaluations and calls.</summary>
    public static ScorecardCell Cell(string period, IReadOnlyCollection<ScoredEvaluation> evaluations, IReadOnlyCollection<AnsweredCall> calls, double target)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        ArgumentNullException.ThrowIfNull(calls);
        double? average = evaluations.Count == 0 ? null : Math.Round(evaluations.Average(e => e.AutoFail ? 0 : e.Score), 1, MidpointRounding.AwayFromZero);
        double? lowest = evaluations.Count == 0 ? null : evaluations.Min(e => e.AutoFail ? 0 : e.Score);
        var talked = calls.Where(c => c.TalkSeconds is not null).ToList();
        double? talk = talked.Count == 0 ? null : Math.Round(talked.Average(c => (double)c.TalkSeconds!.Value), 1, MidpointRounding.AwayFromZero);
        double? fcr = calls.Count == 0 ? null : Math.Round(calls.Count(c => c.SolvedOnFirstContact == true) / (double)calls.Count, 3, MidpointRounding.AwayFromZero);
        return new ScorecardCell(period, evaluations.Count, average, lowest,
            evaluations.Count(e => e.AutoFail),
            evaluations.Count(e => e.Liability == LiabilityFinding.Upheld),
            evaluations.Count(e => e.Liability == LiabilityFinding.NotUpheld),
            evaluations.Count(e => e.Appealed),
            evaluations.Count(e => e.AppealDecision == Quality.AppealDecision.Overturned),
            calls.Count, talk, fcr, average < target);
    }
}
