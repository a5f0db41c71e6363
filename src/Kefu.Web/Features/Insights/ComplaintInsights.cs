using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Improvements;
using Kefu.Web.Features.Quality;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Insights;

/// <summary>
/// Complaint measures of seed 001 and SPEC §4: handling time, repeat complaints, deadlines met, callbacks on time, QA
/// average, complaints by category (Pareto), severity and channel, root causes from the responsibility step, trends, and
/// the effect of improvement items on their category.
/// </summary>
public static class ComplaintInsights
{
    public sealed record Filter(Guid? CategoryId, ComplaintSeverity? Severity, ComplaintChannel? Channel, Guid? DepartmentId);

    /// <summary>Rates are 0–1 and null when there is nothing to divide by.</summary>
    public sealed record Measures(
        long Created, long Closed, long Open, double? AverageHandlingHours, double? RepeatComplaintRate, double? DeadlinesMetRate,
        double? CallbacksOnTimeRate, double? QaAverageScore, long Escalated, long Reopened);

    public sealed record CountLine(string Key, string Label, long Count, double Share, double CumulativeShare);

    public sealed record TrendPoint(string Period, long Created, long Closed);

    public sealed record ImprovementEffect(Guid ImprovementId, string Title, string Category, DateTime DoneAt, long WeeksCompared, long Before, long After,
        double? ChangeRate);

    public sealed record View(DateTime From, DateTime To, Measures Measures, IReadOnlyList<CountLine> ByCategory, IReadOnlyList<CountLine> BySeverity,
        IReadOnlyList<CountLine> ByChannel, IReadOnlyList<CountLine> RootCauses, IReadOnlyList<CountLine> FindingsByDepartment,
        IReadOnlyList<TrendPoint> Trend, IReadOnlyList<ImprovementEffect> Improvements, IReadOnlyList<string> Formulas);

    public static readonly IReadOnlyList<string> Formulas =
    [
        "averageHandlingHours = Σ(closed − created) / complaints closed (of those created in the period)",
        "repeatComplaintRate = complaints marked repeat (same customer and category within the window) / complaints created",
        "deadlinesMetRate = first-response and resolution deadlines met by their due time / such deadlines met or past due (cancelled left out)",
        "callbacksOnTimeRate = promised callbacks and replies (complaint and call callbacks) done by their due time / such callbacks done or past due",
        "qaAverageScore = mean score of QA evaluations submitted in the period",
    ];

    public static IEndpointRouteBuilder MapComplaintInsightsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/kpis/complaints", Get).WithTags("KPIs").RequireAuthorization(KefuPolicies.Insights).WithName("GetComplaintKpis")
            .WithSummary("Complaint measures of complaints created in [from, to] (ISO dates, China days): handling time, repeat rate, deadlines met, callbacks on "
                + "time, QA average; by category (Pareto), severity, channel; root causes and findings by department; trend by day/week/month (by=); "
                + "improvement items done and their category's complaints before/after. Filters: categoryId, severity, channel, departmentId.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    internal static async Task<Ok<View>> Get(string? from, string? to, Guid? categoryId, ComplaintSeverity? severity, ComplaintChannel? channel, Guid? departmentId,
        string? by, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var period = KpiPeriod.Parse(from, to, now);
        var grouping = (by ?? "day").Trim().ToLowerInvariant();
        if (grouping is not ("day" or "week" or "month"))
        {
            throw FieldValidationException.For("by", "must be day, week or month");
        }

        return TypedResults.Ok(await BuildAsync(db, period, new Filter(categoryId, severity, channel, departmentId), grouping, now, cancellationToken));
    }

    /// <summary>
    /// The view of the complaints created in the period, computed by the store: every figure is an aggregate query (counts by
    /// key, sums of handling time, deadline and callback tallies) over the indexed creation time, so only totals leave the
    /// database. Equal to <see cref="NaiveBuildAsync"/> (averages to rounding).
    /// </summary>
    public static async Task<View> BuildAsync(KefuDbContext db, KpiPeriod period, Filter filter, string by, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(filter);
        var postgres = db.Database.IsNpgsql();
        var complaints = Filtered(db, filter).Where(c => c.CreatedAt >= period.From && c.CreatedAt < period.To);
        var ids = complaints.Select(c => c.Id);

        // Counts by category, severity and channel in one grouped scan; the measures' counts are sums of these groups.
        var groups = await complaints.GroupBy(c => new { c.CategoryId, c.Severity, c.Channel })
            .Select(g => new
            {
                g.Key.CategoryId, g.Key.Severity, g.Key.Channel, Count = g.LongCount(), Closed = g.LongCount(c => c.ClosedAt != null),
                Repeat = g.LongCount(c => c.IsRepeat), Escalated = g.LongCount(c => c.IsEscalated), Reopened = g.LongCount(c => c.ReopenCount > 0),
            })
            .ToListAsync(cancellationToken);
        var closedOnes = complaints.Where(c => c.ClosedAt != null);
        var handlingSeconds = postgres
            ? await closedOnes.SumAsync(c => StoreFunctions.DatePart("epoch", c.ClosedAt!.Value) - StoreFunctions.DatePart("epoch", c.CreatedAt), cancellationToken)
            : await closedOnes.SumAsync(c => (StoreFunctions.JulianDay(c.ClosedAt!.Value) - StoreFunctions.JulianDay(c.CreatedAt)) * 86400.0, cancellationToken);

        var deadlines = await db.ComplaintDeadlines.AsNoTracking()
            .Where(d => ids.Contains(d.ComplaintId) && d.CancelledAt == null && (d.MetAt != null || d.DueAt < now))
            .GroupBy(d => d.Kind).Select(g => new { Kind = g.Key, All = g.LongCount(), Met = g.LongCount(d => d.MetAt <= d.DueAt) })
            .ToListAsync(cancellationToken);
        var sla = deadlines.Where(d => d.Kind is DeadlineKind.FirstResponse or DeadlineKind.Resolution).ToList();
        var promised = deadlines.Where(d => d.Kind is DeadlineKind.Callback or DeadlineKind.PromisedReply).Select(d => (d.All, d.Met)).ToList();
        if (filter == new Filter(null, null, null, null))
        {
            // Calls' promised callbacks (2 h / 24 h) count too, by their due time in the period.
            var callbacks = await db.Set<CallCallback>().AsNoTracking()
                .Where(c => c.DueAt >= period.From && c.DueAt < period.To && c.CancelledAt == null && (c.DoneAt != null || c.DueAt < now))
                .GroupBy(_ => 1).Select(g => new { All = g.LongCount(), Met = g.LongCount(c => c.DoneAt <= c.DueAt) }).SingleOrDefaultAsync(cancellationToken);
            if (callbacks is not null)
            {
                promised.Add((callbacks.All, callbacks.Met));
            }
        }

        var qa = await db.Set<Evaluation>().AsNoTracking().Where(e => e.SubmittedAt >= period.From && e.SubmittedAt < period.To)
            .GroupBy(_ => 1).Select(g => new { Count = g.LongCount(), Sum = g.Sum(e => e.Score) }).SingleOrDefaultAsync(cancellationToken);
        var created = groups.Sum(g => g.Count);
        var closed = groups.Sum(g => g.Closed);
        var measures = new Measures(
            created, closed, created - closed,
            closed == 0 ? null : handlingSeconds / 3600 / closed,
            Ratio(groups.Sum(g => g.Repeat), created),
            Ratio(sla.Sum(d => d.Met), sla.Sum(d => d.All)),
            Ratio(promised.Sum(p => p.Met), promised.Sum(p => p.All)),
            qa is null || qa.Count == 0 ? null : qa.Sum / qa.Count,
            groups.Sum(g => g.Escalated), groups.Sum(g => g.Reopened));

        var categories = await db.ComplaintCategories.AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken);
        string CategoryName(Guid id) => categories.TryGetValue(id, out var c)
            ? (c.ParentId is { } p && categories.TryGetValue(p, out var parent) ? parent.Name + " / " + c.Name : c.Name)
            : id.ToString();
        var byCategory = Pareto(groups.GroupBy(r => r.CategoryId).Select(g => (g.Key.ToString(), CategoryName(g.Key), g.Sum(x => x.Count))));
        var bySeverity = Pareto(groups.GroupBy(r => r.Severity).Select(g => (g.Key.ToString(), ComplaintReports.SeverityName(g.Key), g.Sum(x => x.Count))));
        var byChannel = Pareto(groups.GroupBy(r => r.Channel).Select(g => (g.Key.ToString(), ChannelName(g.Key), g.Sum(x => x.Count))));

        // Root causes as written, counted by the store; variants that normalize alike (script, punctuation) are merged here.
        var causes = await complaints.Where(c => c.RootCause != null && c.RootCause != "").GroupBy(c => c.RootCause!)
            .Select(g => new { Cause = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var rootCauses = Pareto(causes.GroupBy(c => Normalize(c.Cause), StringComparer.Ordinal)
            .Select(g => (g.Key, g.OrderByDescending(c => c.Count).ThenBy(c => c.Cause, StringComparer.Ordinal).First().Cause.Trim(), g.Sum(c => c.Count)))).Take(15).ToList();
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var findings = await db.Set<ResponsibilityFinding>().AsNoTracking().Where(f => ids.Contains(f.ComplaintId) && f.Side == FindingSide.Company)
            .GroupBy(f => f.DepartmentId).Select(g => new { Department = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var byDepartment = Pareto(findings.Select(f => (f.Department?.ToString() ?? "", f.Department is { } d && departments.TryGetValue(d, out var n) ? n : "—", f.Count)));

        // Created and closed per China day (day number since 1970 of the time + 8 h), then rolled up to weeks or months here.
        var createdByDay = postgres
            ? await complaints.GroupBy(c => Math.Floor((StoreFunctions.DatePart("epoch", c.CreatedAt) + 28800) / 86400))
                .Select(g => new { Day = (long)g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken)
            : await complaints.GroupBy(c => (StoreFunctions.UnixEpoch(c.CreatedAt) + 28800) / 86400)
                .Select(g => new { Day = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var closedByDay = postgres
            ? await closedOnes.GroupBy(c => Math.Floor((StoreFunctions.DatePart("epoch", c.ClosedAt!.Value) + 28800) / 86400))
                .Select(g => new { Day = (long)g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken)
            : await closedOnes.GroupBy(c => (StoreFunctions.UnixEpoch(c.ClosedAt!.Value) + 28800) / 86400)
                .Select(g => new { Day = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var trend = createdByDay.GroupBy(d => DayKey(d.Day, by)).Select(g => (g.Key, Created: g.Sum(d => d.Count)))
            .FullJoin(closedByDay.GroupBy(d => DayKey(d.Day, by)).Select(g => (g.Key, Closed: g.Sum(d => d.Count))))
            .OrderBy(p => p.Period, StringComparer.Ordinal).ToList();

        var improvements = await EffectsAsync(db, period, now, CategoryName, cancellationToken);
        return new View(period.From, period.To, measures, byCategory, bySeverity, byChannel, rootCauses, byDepartment, trend, improvements, Formulas);
    }

    /// <summary>The same view computed the naive way, loading the period's complaint rows into memory (for checks and the benchmark).</summary>
    public static async Task<View> NaiveBuildAsync(KefuDbContext db, KpiPeriod period, Filter filter, string by, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(filter);
        var complaints = Filtered(db, filter).Where(c => c.CreatedAt >= period.From && c.CreatedAt < period.To);
        var rows = await complaints.Select(c => new { c.Id, c.CreatedAt, c.ClosedAt, c.IsRepeat, c.IsEscalated, c.ReopenCount, c.CategoryId, c.Severity, c.Channel })
            .ToListAsync(cancellationToken);
        var closed = rows.Where(r => r.ClosedAt != null).ToList();
        var ids = complaints.Select(c => c.Id);

        var deadlines = await db.ComplaintDeadlines.AsNoTracking().Where(d => ids.Contains(d.ComplaintId) && d.CancelledAt == null)
            .Select(d => new { d.Kind, d.DueAt, d.MetAt }).ToListAsync(cancellationToken);
        var sla = deadlines.Where(d => d.Kind is DeadlineKind.FirstResponse or DeadlineKind.Resolution).Where(d => d.MetAt != null || d.DueAt < now).ToList();
        var promised = deadlines.Where(d => d.Kind is DeadlineKind.Callback or DeadlineKind.PromisedReply).Where(d => d.MetAt != null || d.DueAt < now)
            .Select(d => (d.DueAt, DoneAt: d.MetAt)).ToList();
        if (filter == new Filter(null, null, null, null))
        {
            // Calls' promised callbacks (2 h / 24 h) count too, by their due time in the period.
            promised.AddRange((await db.Set<CallCallback>().AsNoTracking()
                    .Where(c => c.DueAt >= period.From && c.DueAt < period.To && c.CancelledAt == null && (c.DoneAt != null || c.DueAt < now))
                    .Select(c => new { c.DueAt, c.DoneAt }).ToListAsync(cancellationToken))
                .Select(c => (c.DueAt, c.DoneAt)));
        }

        var qa = await db.Set<Evaluation>().AsNoTracking().Where(e => e.SubmittedAt >= period.From && e.SubmittedAt < period.To)
            .Select(e => e.Score).ToListAsync(cancellationToken);
        var measures = new Measures(
            rows.Count, closed.Count, rows.Count - closed.Count,
            closed.Count == 0 ? null : closed.Average(r => (r.ClosedAt!.Value - r.CreatedAt).TotalHours),
            Ratio(rows.Count(r => r.IsRepeat), rows.Count),
            Ratio(sla.Count(d => d.MetAt is { } met && met <= d.DueAt), sla.Count),
            Ratio(promised.Count(p => p.DoneAt is { } done && done <= p.DueAt), promised.Count),
            qa.Count == 0 ? null : qa.Average(),
            rows.Count(r => r.IsEscalated), rows.Count(r => r.ReopenCount > 0));

        var categories = await db.ComplaintCategories.AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken);
        string CategoryName(Guid id) => categories.TryGetValue(id, out var c)
            ? (c.ParentId is { } p && categories.TryGetValue(p, out var parent) ? parent.Name + " / " + c.Name : c.Name)
            : id.ToString();
        var byCategory = Pareto(rows.GroupBy(r => r.CategoryId).Select(g => (g.Key.ToString(), CategoryName(g.Key), (long)g.Count())));
        var bySeverity = Pareto(rows.GroupBy(r => r.Severity).Select(g => (g.Key.ToString(), ComplaintReports.SeverityName(g.Key), (long)g.Count())));
        var byChannel = Pareto(rows.GroupBy(r => r.Channel).Select(g => (g.Key.ToString(), ChannelName(g.Key), (long)g.Count())));

        var causes = await complaints.Where(c => c.RootCause != null && c.RootCause != "").Select(c => c.RootCause!).ToListAsync(cancellationToken);
        var rootCauses = Pareto(causes.GroupBy(Normalize, StringComparer.Ordinal).Select(g => (g.Key, g.First().Trim(), (long)g.Count()))).Take(15).ToList();
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var findings = await db.Set<ResponsibilityFinding>().AsNoTracking().Where(f => ids.Contains(f.ComplaintId) && f.Side == FindingSide.Company)
            .Select(f => f.DepartmentId).ToListAsync(cancellationToken);
        var byDepartment = Pareto(findings.GroupBy(d => d).Select(g => (g.Key?.ToString() ?? "", g.Key is { } d && departments.TryGetValue(d, out var n) ? n : "—", (long)g.Count())));

        var trend = rows.GroupBy(r => PeriodKey(r.CreatedAt, by)).Select(g => (g.Key, Created: (long)g.Count()))
            .FullJoin(closed.GroupBy(r => PeriodKey(r.ClosedAt!.Value, by)).Select(g => (g.Key, Closed: (long)g.Count())))
            .OrderBy(p => p.Period, StringComparer.Ordinal).ToList();

        var improvements = await EffectsAsync(db, period, now, CategoryName, cancellationToken);
        return new View(period.From, period.To, measures, byCategory, bySeverity, byChannel, rootCauses, byDepartment, trend, improvements, Formulas);
    }

    /// <summary>
    /// The improvement loop's effect (seed 001): for each item done in the period and raised from a complaint, the complaints of that
    /// complaint's category in the weeks before the item closed against as many weeks after (up to 8, as far as time has passed).
    /// </summary>
    public static async Task<IReadOnlyList<ImprovementEffect>> EffectsAsync(KefuDbContext db, KpiPeriod period, DateTime now, Func<Guid, string> categoryName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(categoryName);
        var done = await db.Set<ImprovementItem>().AsNoTracking()
            .Where(i => i.Status == ImprovementStatus.Done && i.DoneAt >= period.From && i.DoneAt < period.To && i.ComplaintId != null)
            .Join(db.Complaints.AsNoTracking(), i => i.ComplaintId, c => c.Id, (i, c) => new { i.Id, i.Title, DoneAt = i.DoneAt!.Value, c.CategoryId })
            .ToListAsync(cancellationToken);
        var effects = new List<ImprovementEffect>();
        foreach (var item in done)
        {
            var weeks = Math.Clamp((long)Math.Floor((now - item.DoneAt).TotalDays / 7), 0, 8);
            if (weeks == 0)
            {
                effects.Add(new ImprovementEffect(item.Id, item.Title, categoryName(item.CategoryId), item.DoneAt, 0, 0, 0, null));
                continue;
            }

            var span = TimeSpan.FromDays(7 * weeks);
            var start = item.DoneAt - span;
            var end = item.DoneAt + span;
            var counts = await db.Complaints.AsNoTracking().Where(c => c.CategoryId == item.CategoryId && c.CreatedAt >= start && c.CreatedAt < end)
                .GroupBy(c => c.CreatedAt < item.DoneAt).Select(g => new { Before = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
            var before = counts.FirstOrDefault(c => c.Before)?.Count ?? 0;
            var after = counts.FirstOrDefault(c => !c.Before)?.Count ?? 0;
            effects.Add(new ImprovementEffect(item.Id, item.Title, categoryName(item.CategoryId), item.DoneAt, weeks, before, after,
                before == 0 ? null : (after - before) / (double)before));
        }

        return effects;
    }

    public static string ChannelName(ComplaintChannel channel) => channel switch
    {
        ComplaintChannel.Phone => "电话",
        ComplaintChannel.Email => "邮件",
        ComplaintChannel.Web => "网页",
        ComplaintChannel.Chat => "在线聊天",
        ComplaintChannel.InPerson => "现场",
        _ => channel.ToString(),
    };

    private static IQueryable<Complaint> Filtered(KefuDbContext db, Filter filter)
    {
        var query = db.Complaints.AsNoTracking();
        if (filter.CategoryId is { } category)
        {
            query = query.Where(c => c.CategoryId == category || db.ComplaintCategories.Any(k => k.Id == c.CategoryId && k.ParentId == category));
        }

        if (filter.Severity is { } severity)
        {
            query = query.Where(c => c.Severity == severity);
        }

        if (filter.Channel is { } channel)
        {
            query = query.Where(c => c.Channel == channel);
        }

        if (filter.DepartmentId is { } department)
        {
            query = query.Where(c => c.OwnerDepartmentId == department);
        }

        return query;
    }

    private static List<CountLine> Pareto(IEnumerable<(string Key, string Label, long Count)> counts)
    {
        var ordered = counts.OrderByDescending(c => c.Count).ThenBy(c => c.Label, StringComparer.Ordinal).ToList();
        var total = (double)ordered.Sum(c => c.Count);
        var running = 0L;
        return ordered.Select(c =>
        {
            running += c.Count;
            return new CountLine(c.Key, c.Label, c.Count, total == 0 ? 0 : c.Count / total, total == 0 ? 0 : running / total);
        }).ToList();
    }

    private static string Normalize(string cause) => ChineseText.ToSimplified(cause.Trim()).TrimEnd('。', '.', '；', ';', ' ');

    private static string PeriodKey(DateTime utc, string by)
    {
        var day = ComplaintTime.ToChina(utc).Date;
        return by switch
        {
            "week" => ISOWeek.GetYear(day).ToString(CultureInfo.InvariantCulture) + "-W" + ISOWeek.GetWeekOfYear(day).ToString("00", CultureInfo.InvariantCulture),
            "month" => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The period key of China day number <paramref name="day"/> (days since 1970-01-01).</summary>
    private static string DayKey(long day, string by) => PeriodKey(ComplaintTime.FromChina(DateTime.UnixEpoch.AddDays(day)), by);

    private static IEnumerable<TrendPoint> FullJoin(this IEnumerable<(string Key, long Created)> created, IEnumerable<(string Key, long Closed)> closed)
    {
        var map = new SortedDictionary<string, (long Created, long Closed)>(StringComparer.Ordinal);
        foreach (var (key, count) in created)
        {
            map[key] = (count, 0);
        }

        foreach (var (key, count) in closed)
        {
            map[key] = (map.TryGetValue(key, out var v) ? v.Created : 0, count);
        }

        return map.Select(kv => new TrendPoint(kv.Key, kv.Value.Created, kv.Value.Closed));
    }

    private static double? Ratio(long numerator, long denominator) => denominator > 0 ? numerator / (double)denominator : null;
}
