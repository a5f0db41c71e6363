using System.Diagnostics;
using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Insights;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Benchmarks;

/// <summary>
/// <c>dashboard --provider postgres|sqlite --connection CS [--end 2026-12-01] [--runs 30] [--naive-runs 5]</c>: runs every query behind the
/// /insights page and the KPI, complaint and monthly-report APIs against a generated store (see <c>generate</c>), N times each, and
/// prints p50/p95/p99 next to the same figure computed naively over the raw rows — and whether both give the same numbers.
/// </summary>
public static class DashboardBench
{
    private sealed record Query(string Name, Func<KefuDbContext, Task<object>> Fast, Func<KefuDbContext, Task<object>> Naive);

    public static async Task<int> RunAsync(string[] args)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var provider = Option("--provider", "sqlite").Equals("postgres", StringComparison.OrdinalIgnoreCase) ? StoreProvider.Postgres : StoreProvider.Sqlite;
        var connection = Option("--connection", "Data Source=data/kefu.db");
        var runs = int.Parse(Option("--runs", "30"), CultureInfo.InvariantCulture);
        var naiveRuns = int.Parse(Option("--naive-runs", "5"), CultureInfo.InvariantCulture);
        var endDay = DateOnly.ParseExact(Option("--end", "2026-12-01"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var only = Option("--only", "");
        var builder = new DbContextOptionsBuilder<KefuDbContext>();
        StoreSetup.Configure(builder, provider, connection);
        var options = builder.Options;

        var targets = new CallTargets();
        var kpi = new KpiOptions();
        var surveys = new SurveyOptions();
        var min = surveys.SatisfiedMinRating;
        var now = ComplaintTime.FromChina(endDay.ToDateTime(TimeOnly.MinValue));
        var last = endDay.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        KpiPeriod Days(int n) => KpiPeriod.Parse(endDay.AddDays(-n).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), last, now);
        var week = Days(7);
        var month = Days(30);
        var quarter = Days(90);
        var monthName = endDay.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var (_, reportMonth) = MonthlyReport.MonthOf(monthName, now);
        var all = new ComplaintInsights.Filter(null, null, null, null);

        var queries = new List<Query>
        {
            new("kpis 7 days (GET /api/v1/kpis, CSAT incl.)", db => Report(db, week, null, null), db => NaiveReport(db, week, null, null)),
            new("kpis 30 days", db => Report(db, month, null, null), db => NaiveReport(db, month, null, null)),
            new("kpis 90 days", db => Report(db, quarter, null, null), db => NaiveReport(db, quarter, null, null)),
            new("kpis 30 days, queue orders", db => Report(db, month, "orders", null), db => NaiveReport(db, month, "orders", null)),
            new("kpis 30 days, agent agent001", db => Report(db, month, null, "agent001"), db => NaiveReport(db, month, null, "agent001")),
            new("series by day, 30 days", db => Series(db, month, "day"), db => NaiveSeries(db, month, "day")),
            new("series by agent, 30 days", db => Series(db, month, "agent"), db => NaiveSeries(db, month, "agent")),
            new("complaint measures 7 days", db => Complaints(db, week), db => NaiveComplaints(db, week)),
            new("complaint measures 30 days", db => Complaints(db, month), db => NaiveComplaints(db, month)),
            new("/insights page, 7 days (all its queries)", db => Page(db, week), db => NaivePage(db, week)),
            new("/insights page, 30 days", db => Page(db, month), db => NaivePage(db, month)),
            new($"monthly report {monthName}", db => Monthly(db), db => NaiveMonthly(db)),
        };

        Console.WriteLine($"store: {provider}; data end {endDay}; {runs} runs (naive {naiveRuns}) after 2 warm-ups; times in ms");
        Console.WriteLine($"{"query",-46} {"p50",8} {"p95",8} {"p99",8} | {"naive p50",10} {"naive p95",10} | same numbers");
        foreach (var query in queries.Where(q => only.Length == 0 || q.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var (fast, fastResult) = await TimeAsync(options, query.Fast, runs);
            var (naive, naiveResult) = naiveRuns > 0 ? await TimeAsync(options, query.Naive, naiveRuns) : ([], null);
            var same = naiveResult is null ? "-" : Same(fastResult, naiveResult) ? "yes" : "NO";
            Console.WriteLine($"{query.Name,-46} {P(fast, 50),8:0.0} {P(fast, 95),8:0.0} {P(fast, 99),8:0.0} | {P(naive, 50),10:0.0} {P(naive, 95),10:0.0} | {same}");
        }

        return 0;

        Task<object> Report(KefuDbContext db, KpiPeriod period, string? queue, string? agent) =>
            Box(KpisApi.ReportAsync(db, period, queue, agent, targets, kpi, min, CancellationToken.None), r => Figures(r));

        async Task<object> NaiveReport(KefuDbContext db, KpiPeriod period, string? queue, string? agent)
        {
            var agents = agent is null ? null : new[] { agent };
            var tally = await CallKpiRollups.NaiveSumAsync(db, period.From, period.To, queue, agents, targets, kpi, CancellationToken.None);
            var answers = await CallSurveys.NaiveTallyAsync(db, period, queue, agents, min, CancellationToken.None);
            return Figures(CallKpis.From(tally, answers));
        }

        Task<object> Series(KefuDbContext db, KpiPeriod period, string by) =>
            Box(KpisApi.SeriesAsync(db, period, by, null, (string?)null, CancellationToken.None), points => points.Select(p => (p.Key, Figures(p.Kpis))).ToList());

        async Task<object> NaiveSeries(KefuDbContext db, KpiPeriod period, string by)
        {
            var groups = new SortedDictionary<string, CallTally>(StringComparer.Ordinal);
            await foreach (var c in db.Set<CallRecord>().AsNoTracking().Where(c => c.OfferedAt >= period.From && c.OfferedAt < period.To)
                               .Select(c => new CallFacts(c.OfferedAt, c.QueuedAt, c.RingingAt, c.AnsweredAt, c.EndedAt, c.Queue, c.Agent, c.TalkSeconds,
                                   c.HoldSeconds, c.WrapSeconds, c.AnsweredWithinRings, c.SolvedOnFirstContact, c.CallbackRequested)).AsAsyncEnumerable())
            {
                var key = by == "agent" ? c.Agent ?? "" : ComplaintTime.ToChina(c.OfferedAt!.Value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (!groups.TryGetValue(key, out var sum))
                {
                    groups[key] = sum = new CallTally();
                }

                sum.Add(CallTally.Of(c, targets, kpi));
            }

            return groups.Select(g => (g.Key, Figures(CallKpis.From(g.Value, SurveyTally.None)))).ToList();
        }

        Task<object> Complaints(KefuDbContext db, KpiPeriod period) =>
            Box(ComplaintInsights.BuildAsync(db, period, all, "day", now, CancellationToken.None), ComplaintFigures);

        Task<object> NaiveComplaints(KefuDbContext db, KpiPeriod period) =>
            Box(ComplaintInsights.NaiveBuildAsync(db, period, all, "day", now, CancellationToken.None), ComplaintFigures);

        async Task<object> Page(KefuDbContext db, KpiPeriod period)
        {
            var parts = new List<object> { await Report(db, period, null, null) };
            foreach (var by in new[] { "day", "hour", "queue", "agent" })
            {
                parts.Add(await Series(db, period, by));
            }

            parts.Add(await Complaints(db, period));
            return parts.Count;
        }

        async Task<object> NaivePage(KefuDbContext db, KpiPeriod period)
        {
            var parts = new List<object> { await NaiveReport(db, period, null, null) };
            foreach (var by in new[] { "day", "hour", "queue", "agent" })
            {
                parts.Add(await NaiveSeries(db, period, by == "agent" ? "agent" : "day"));
            }

            parts.Add(await NaiveComplaints(db, period));
            return parts.Count;
        }

        async Task<object> Monthly(KefuDbContext db)
        {
            var report = await MonthlyReport.BuildAsync(db, monthName, new FixedClock(now), targets, kpi, surveys, CancellationToken.None);
            return (Figures(report.Calls), ComplaintFigures(report.Complaints), string.Join("|", report.Satisfaction.Select(s => $"{s.ServiceType}:{s.Answers}:{s.Csat:R}:{string.Join(",", s.TopReasons)}")));
        }

        async Task<object> NaiveMonthly(KefuDbContext db)
        {
            var calls = (string)await NaiveReport(db, reportMonth, null, null);
            var complaints = ComplaintFigures(await ComplaintInsights.NaiveBuildAsync(db, reportMonth, all, "week", now, CancellationToken.None));
            _ = await NaiveSeries(db, reportMonth, "day");
            var satisfaction = await CallSurveys.NaiveByServiceTypeAsync(db, reportMonth, min, surveys, CancellationToken.None);
            return (calls, complaints, string.Join("|", satisfaction.Select(s => $"{s.ServiceType}:{s.Answers}:{s.Csat:R}:{string.Join(",", s.TopReasons)}")));
        }
    }

    private static string Figures(KpisApi.KpiReport r) => Figures(new CallKpis(r.ConnectionRate, r.AverageHandleSeconds, r.Csat, r.FirstContactResolution,
        r.AnsweredWithin3Rings, r.ManualConnectionWithin15s, r.AbandonRate, r.IndustryAverageHandleSeconds, r.ServiceLevel, r.ServiceLevelPerf2, r.ServiceLevelOffered,
        r.AverageSpeedOfAnswerSeconds, r.AverageTalkSeconds, r.AverageHoldSeconds, r.AverageWrapSeconds));

    private static string Figures(CallKpis k) => string.Join(";", KpiDefinitions.All.Select(d => k.Value(d.Key)?.ToString("R", CultureInfo.InvariantCulture) ?? "-"));

    /// <summary>Counts exactly; averages to 9 significant digits (the store sums time differences in floating point).</summary>
    private static string ComplaintFigures(ComplaintInsights.View v)
    {
        static string G(double? x) => x?.ToString("G9", CultureInfo.InvariantCulture) ?? "-";
        var m = v.Measures;
        return $"{m.Created};{m.Closed};{m.Open};{G(m.AverageHandlingHours)};{G(m.RepeatComplaintRate)};{G(m.DeadlinesMetRate)};{G(m.CallbacksOnTimeRate)};{G(m.QaAverageScore)};"
            + $"{m.Escalated};{m.Reopened}|" + string.Join(",", v.ByCategory.Select(c => c.Key + "=" + c.Count)) + "|" + string.Join(",", v.BySeverity.Select(c => c.Key + "=" + c.Count))
            + "|" + string.Join(",", v.ByChannel.Select(c => c.Key + "=" + c.Count)) + "|" + string.Join(",", v.RootCauses.Select(c => c.Key + "=" + c.Count))
            + "|" + string.Join(",", v.FindingsByDepartment.Select(c => c.Key + "=" + c.Count)) + "|" + string.Join(",", v.Trend.Select(t => $"{t.Period}={t.Created}/{t.Closed}"));
    }

    private static bool Same(object? a, object? b) => a switch
    {
        System.Collections.IEnumerable x when a is not string && b is System.Collections.IEnumerable y =>
            x.Cast<object>().Select(o => o.ToString()).SequenceEqual(y.Cast<object>().Select(o => o.ToString())),
        _ => Equals(a?.ToString(), b?.ToString()),
    };

    private static async Task<object> Box<T>(Task<T> task, Func<T, object> shape) => shape(await task);

    private static async Task<(double[] Times, object? Result)> TimeAsync(DbContextOptions<KefuDbContext> options, Func<KefuDbContext, Task<object>> query, int runs)
    {
        object? result = null;
        var times = new List<double>();
        for (var i = 0; i < runs + 2; i++)
        {
            await using var db = new KefuDbContext(options);
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            var watch = Stopwatch.StartNew();
            result = await query(db);
            watch.Stop();
            if (i >= 2)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return (times.Order().ToArray(), result);
    }

    private static double P(double[] sorted, int percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc, TimeSpan.Zero);
    }
}
