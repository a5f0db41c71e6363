using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Surveys;

/// <summary>Survey invitations and answers for staff: the list, CSAT (satisfied / answered) and how often each reason was ticked.</summary>
public static class SurveyResults
{
    /// <summary>Filters: <c>From</c>/<c>To</c> bound the invitation time (UTC, end exclusive); <c>Satisfied</c> keeps answered surveys rated at/above (true) or below (false) the threshold;
    /// <c>CallsFrom</c>/<c>CallsTo</c> keep surveys about calls offered in that range (UTC, end exclusive) — the surveys behind a KPI's CSAT.</summary>
    public sealed record Filter(DateTime? From = null, DateTime? To = null, string? Kind = null, string? Agent = null, string? Queue = null,
        bool? Satisfied = null, bool? Answered = null, DateTime? CallsFrom = null, DateTime? CallsTo = null);

    public sealed record Row(Guid Id, string Kind, string? CallId, Guid? ComplaintId, Guid? ReturnVisitId, Guid? CustomerId, string? Agent, string? Queue,
        string Channel, DateTime CreatedAt, DateTime ExpiresAt, DateTime? AnsweredAt, int? Rating, bool? Satisfied, IReadOnlyList<string> Reasons,
        string? Comment, string Status);

    public sealed record ReasonCount(string Code, string Label, int Count);

    /// <summary>Totals under the filter (ignoring <c>satisfied</c>): invited, answered, satisfied, CSAT = satisfied / answered.</summary>
    public sealed record Summary(int Invited, int Answered, int Satisfied, double? Csat, int SatisfiedMinRating, IReadOnlyList<ReasonCount> Reasons);

    public sealed record Result(Page<Row> Page, Summary Summary);

    public static async Task<Result> RunAsync(KefuDbContext db, Filter filter, PageRequest paging, SurveyOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        Validate(filter);
        var min = options.SatisfiedMinRating;
        var scope = Scope(db, filter);
        var invited = await scope.CountAsync(cancellationToken);
        var answered = await scope.Where(i => i.AnsweredAt != null).Select(i => new { i.Rating, i.Reasons }).ToListAsync(cancellationToken);
        var satisfied = answered.Count(a => a.Rating >= min);
        var labels = options.EffectiveReasons.ToDictionary(r => r.Code, r => r.Label, StringComparer.Ordinal);
        var reasonCounts = answered.SelectMany(a => Split(a.Reasons)).GroupBy(r => r, StringComparer.Ordinal)
            .Select(g => new ReasonCount(g.Key, labels.GetValueOrDefault(g.Key, g.Key), g.Count()))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        var summary = new Summary(invited, answered.Count, satisfied, answered.Count == 0 ? null : (double)satisfied / answered.Count, min, reasonCounts);

        var list = scope;
        if (filter.Satisfied is { } wantSatisfied)
        {
            list = wantSatisfied ? list.Where(i => i.Rating >= min) : list.Where(i => i.Rating < min);
        }

        var total = await list.CountAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await list.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        var items = rows.Select(i => new Row(i.Id, i.Kind, i.CallId, i.ComplaintId, i.ReturnVisitId, i.CustomerId, i.Agent, i.Queue, i.Channel, i.CreatedAt,
            i.ExpiresAt, i.AnsweredAt, i.Rating, i.IsSatisfied(min), Split(i.Reasons), i.Comment,
            i.IsAnswered ? "answered" : i.IsExpired(now) ? "expired" : "open")).ToList();
        return new Result(new Page<Row>(items, total, paging.Page, paging.PageSize), summary);
    }

    private static IQueryable<SurveyInvitation> Scope(KefuDbContext db, Filter filter)
    {
        var q = db.Set<SurveyInvitation>().AsNoTracking();
        if (filter.From is { } from)
        {
            var f = from.ToUniversalTime();
            q = q.Where(i => i.CreatedAt >= f);
        }

        if (filter.To is { } to)
        {
            var t = to.ToUniversalTime();
            q = q.Where(i => i.CreatedAt < t);
        }

        if (!string.IsNullOrWhiteSpace(filter.Kind))
        {
            q = q.Where(i => i.Kind == filter.Kind);
        }

        if (!string.IsNullOrWhiteSpace(filter.Agent))
        {
            q = q.Where(i => i.Agent == filter.Agent);
        }

        if (!string.IsNullOrWhiteSpace(filter.Queue))
        {
            q = q.Where(i => i.Queue == filter.Queue);
        }

        if (filter.CallsFrom is not null || filter.CallsTo is not null)
        {
            var callsFrom = filter.CallsFrom?.ToUniversalTime() ?? DateTime.MinValue;
            var callsTo = filter.CallsTo?.ToUniversalTime() ?? DateTime.MaxValue;
            q = q.Where(i => i.Kind == SurveyKinds.Call
                && db.Set<Calls.CallRecord>().Any(c => c.Id == i.CallId && c.OfferedAt >= callsFrom && c.OfferedAt < callsTo));
        }

        if (filter.Answered is { } isAnswered)
        {
            q = isAnswered ? q.Where(i => i.AnsweredAt != null) : q.Where(i => i.AnsweredAt == null);
        }

        return q;
    }

    private static void Validate(Filter filter)
    {
        var errors = new FieldErrors();
        if (filter.Kind is { Length: > 0 } kind && !SurveyKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            errors.Add("kind", "must be call, complaint or return-visit");
        }

        if (filter.From is { } from && filter.To is { } to && to <= from)
        {
            errors.Add("to", "must be after from");
        }

        if (filter.CallsFrom is { } callsFrom && filter.CallsTo is { } callsTo && callsTo <= callsFrom)
        {
            errors.Add("callsTo", "must be after callsFrom");
        }

        errors.ThrowIfAny();
    }

    internal static IReadOnlyList<string> Split(string? reasons) =>
        string.IsNullOrEmpty(reasons) ? [] : reasons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
