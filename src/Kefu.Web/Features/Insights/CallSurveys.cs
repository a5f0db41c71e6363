using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Insights;

/// <summary>Survey answers about the calls of a period (CSAT) and the monthly satisfaction analysis.</summary>
public static class CallSurveys
{
    /// <summary>
    /// Answers and satisfied answers (rating ≥ <paramref name="satisfiedMinRating"/>) of call surveys whose call was offered in the
    /// period; <paramref name="queue"/>/<paramref name="agents"/> as the invitation recorded them from the call. The same set the survey
    /// list shows for <c>kind=call&amp;callsFrom=…&amp;callsTo=…</c>. From the hourly survey rollups when the period is on whole hours.
    /// </summary>
    public static Task<SurveyTally> TallyAsync(KefuDbContext db, KpiPeriod period, string? queue, IReadOnlyCollection<string>? agents, int satisfiedMinRating,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.HourAligned
            ? CallSurveyRollups.SumAsync(db, CallKpiRollup.HourOf(period.From), CallKpiRollup.HourOf(period.To), queue, agents, satisfiedMinRating, cancellationToken)
            : NaiveTallyAsync(db, period, queue, agents, satisfiedMinRating, cancellationToken);
    }

    /// <summary>The same counts over the raw invitations joined to their calls (periods off the hour, checks and the benchmark).</summary>
    public static async Task<SurveyTally> NaiveTallyAsync(KefuDbContext db, KpiPeriod period, string? queue, IReadOnlyCollection<string>? agents, int satisfiedMinRating,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        var answers = db.Set<SurveyInvitation>().AsNoTracking()
            .Where(i => i.Kind == SurveyKinds.Call && i.AnsweredAt != null && i.Rating != null
                && db.Set<CallRecord>().Any(c => c.Id == i.CallId && c.OfferedAt >= period.From && c.OfferedAt < period.To));
        if (queue is not null)
        {
            answers = answers.Where(i => (i.Queue ?? "") == queue); // as the call figures: no queue is ""
        }

        if (agents is not null)
        {
            answers = answers.Where(i => agents.Contains(i.Agent ?? ""));
        }

        var counts = await answers.GroupBy(_ => 1)
            .Select(g => new { Answers = g.LongCount(), Satisfied = g.LongCount(i => i.Rating >= satisfiedMinRating) })
            .SingleOrDefaultAsync(cancellationToken);
        return counts is null ? SurveyTally.None : new SurveyTally(counts.Answers, counts.Satisfied);
    }

    /// <summary>
    /// Satisfaction per service type with the main reasons given (seed 003 §5.3: "客户对‘快递查询’服务的满意度为92%，需优化…"): call
    /// surveys by queue, complaint and return-visit surveys by complaint category; answers given in the period. The reasons are those
    /// ticked by dissatisfied customers, most frequent first (all answers' reasons when nobody was dissatisfied).
    /// </summary>
    public static async Task<IReadOnlyList<MonthlyReport.SatisfactionLine>> ByServiceTypeAsync(KefuDbContext db, KpiPeriod period, int satisfiedMinRating,
        SurveyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(options);
        // Counted by the store: answers per kind, queue, complaint category, satisfied or not and the reasons ticked (few distinct sets).
        var groups = await db.Set<SurveyInvitation>().AsNoTracking()
            .Where(i => i.AnsweredAt >= period.From && i.AnsweredAt < period.To && i.Rating != null)
            .GroupJoin(db.Complaints.AsNoTracking(), i => i.ComplaintId, c => (Guid?)c.Id, (i, cs) => new { i, cs })
            .SelectMany(x => x.cs.DefaultIfEmpty(), (x, c) => new { x.i.Kind, x.i.Queue, CategoryId = c == null ? (Guid?)null : c.CategoryId, x.i.Rating, x.i.Reasons })
            .GroupBy(a => new { a.Kind, a.Queue, a.CategoryId, Unhappy = a.Rating < satisfiedMinRating, a.Reasons })
            .Select(g => new { g.Key.Kind, g.Key.Queue, g.Key.CategoryId, g.Key.Unhappy, g.Key.Reasons, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        var queues = await db.Set<CallQueue>().AsNoTracking().ToDictionaryAsync(q => q.Id, q => q.Name, cancellationToken);
        var categories = await db.ComplaintCategories.AsNoTracking().ToDictionaryAsync(k => k.Id, k => k.Name, cancellationToken);
        var labels = options.EffectiveReasons.ToDictionary(r => r.Code, r => r.Label, StringComparer.Ordinal);
        string TypeOf(string kind, string? queue, Guid? category) => kind == SurveyKinds.Call
            ? "来电：" + (queue is null ? "未分队列" : queues.GetValueOrDefault(queue, queue))
            : "投诉：" + (category is { } id && categories.TryGetValue(id, out var name) ? name : "其他");
        return groups.GroupBy(a => TypeOf(a.Kind, a.Queue, a.CategoryId), StringComparer.Ordinal)
            .Select(g =>
            {
                var answers = g.Sum(a => a.Count);
                var unhappy = g.Where(a => a.Unhappy).ToList();
                var source = unhappy.Count > 0 ? unhappy : g.ToList();
                var reasons = source.SelectMany(a => (a.Reasons ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => (Reason: r, a.Count)))
                    .GroupBy(r => r.Reason, StringComparer.Ordinal).Select(r => (r.Key, Count: r.Sum(x => x.Count)))
                    .OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal).Take(3)
                    .Select(r => labels.GetValueOrDefault(r.Key, r.Key)).ToList();
                return new MonthlyReport.SatisfactionLine(g.Key, answers, g.Where(a => !a.Unhappy).Sum(a => a.Count) / (double)answers, reasons);
            })
            .OrderByDescending(l => l.Answers).ThenBy(l => l.ServiceType, StringComparer.Ordinal).ToList();
    }

    /// <summary>The same lines computed from the answers loaded into memory (for checks and the benchmark).</summary>
    public static async Task<IReadOnlyList<MonthlyReport.SatisfactionLine>> NaiveByServiceTypeAsync(KefuDbContext db, KpiPeriod period, int satisfiedMinRating,
        SurveyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(options);
        var answers = await db.Set<SurveyInvitation>().AsNoTracking()
            .Where(i => i.AnsweredAt >= period.From && i.AnsweredAt < period.To && i.Rating != null)
            .Select(i => new { i.Kind, i.Queue, i.ComplaintId, Rating = i.Rating!.Value, i.Reasons })
            .ToListAsync(cancellationToken);
        var queues = await db.Set<CallQueue>().AsNoTracking().ToDictionaryAsync(q => q.Id, q => q.Name, cancellationToken);
        var complaintIds = answers.Where(a => a.ComplaintId != null).Select(a => a.ComplaintId!.Value).Distinct().ToList();
        var categories = await db.Complaints.AsNoTracking().Where(c => complaintIds.Contains(c.Id))
            .Join(db.ComplaintCategories.AsNoTracking(), c => c.CategoryId, k => k.Id, (c, k) => new { c.Id, k.Name })
            .ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
        var labels = options.EffectiveReasons.ToDictionary(r => r.Code, r => r.Label, StringComparer.Ordinal);
        string TypeOf(string kind, string? queue, Guid? complaint) => kind == SurveyKinds.Call
            ? "来电：" + (queue is null ? "未分队列" : queues.GetValueOrDefault(queue, queue))
            : "投诉：" + (complaint is { } id && categories.TryGetValue(id, out var name) ? name : "其他");
        return answers.GroupBy(a => TypeOf(a.Kind, a.Queue, a.ComplaintId), StringComparer.Ordinal)
            .Select(g =>
            {
                var unhappy = g.Where(a => a.Rating < satisfiedMinRating).ToList();
                var source = unhappy.Count > 0 ? unhappy.Select(a => a.Reasons) : g.Select(a => a.Reasons);
                var reasons = source.SelectMany(r => (r ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .GroupBy(r => r, StringComparer.Ordinal).OrderByDescending(r => r.Count()).ThenBy(r => r.Key, StringComparer.Ordinal).Take(3)
                    .Select(r => labels.GetValueOrDefault(r.Key, r.Key)).ToList();
                return new MonthlyReport.SatisfactionLine(g.Key, g.LongCount(), g.LongCount(a => a.Rating >= satisfiedMinRating) / (double)g.Count(), reasons);
            })
            .OrderByDescending(l => l.Answers).ThenBy(l => l.ServiceType, StringComparer.Ordinal).ToList();
    }
}
