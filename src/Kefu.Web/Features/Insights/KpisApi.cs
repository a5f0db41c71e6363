using System.Globalization;
using System.Text.Json;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Insights;

/// <summary>The targets supervisors set for the KPIs (one row; defaults from <see cref="KpiDefinitions"/>).</summary>
public sealed class KpiTargetSet : IVersioned, ITimestamped
{
    public int Id { get; set; } = 1;

    /// <summary>KPI key → target, JSON.</summary>
    public string TargetsJson { get; set; } = "{}";

    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public Dictionary<string, double> Targets() => JsonSerializer.Deserialize<Dictionary<string, double>>(TargetsJson) ?? [];
}

internal sealed class KpiTargetSetConfiguration : IEntityTypeConfiguration<KpiTargetSet>
{
    public void Configure(EntityTypeBuilder<KpiTargetSet> builder)
    {
        builder.ToTable("KpiTargets");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.TargetsJson).HasMaxLength(4000);
    }
}

/// <summary>The period a KPI request covers, in UTC, half-open.</summary>
public sealed record KpiPeriod(DateTime From, DateTime To)
{
    public bool HourAligned => From.Ticks % TimeSpan.TicksPerHour == 0 && To.Ticks % TimeSpan.TicksPerHour == 0;

    /// <summary>
    /// Reads <c>from</c>/<c>to</c>: ISO dates are China days (北京时间) and <c>to</c> includes its whole day; ISO date-times must name
    /// their offset and <c>to</c> is exclusive. Without <c>from</c>, today (China) is meant; without <c>to</c>, the day of <c>from</c>.
    /// </summary>
    public static KpiPeriod Parse(string? from, string? to, DateTime nowUtc)
    {
        var errors = new FieldErrors();
        var start = Bound(errors, "from", from, endOfDay: false) ?? ComplaintTime.FromChina(ComplaintTime.ToChina(nowUtc).Date);
        var end = Bound(errors, "to", to, endOfDay: true) ?? (from is not null && IsDate(from) ? start.AddDays(1) : ComplaintTime.FromChina(ComplaintTime.ToChina(nowUtc).Date.AddDays(1)));
        if (!errors.Any && end <= start)
        {
            errors.Add("to", "must be after from");
        }

        if (!errors.Any && (end - start).TotalDays > 3700)
        {
            errors.Add("to", "the period may span at most ten years");
        }

        errors.ThrowIfAny();
        return new KpiPeriod(start, end);
    }

    private static bool IsDate(string value) => DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static DateTime? Bound(FieldErrors errors, string field, string? value, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var china = day.ToDateTime(TimeOnly.MinValue);
            return ComplaintTime.FromChina(endOfDay ? china.AddDays(1) : china);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal)))
        {
            return instant.UtcDateTime;
        }

        errors.Add(field, "must be an ISO date (yyyy-MM-dd, China time) or an ISO date-time with its offset");
        return null;
    }
}

/// <summary>Call-center KPIs: the seed's figures with their formulas and targets, for any period, queue or agent.</summary>
public static class KpisApi
{
    public sealed record Indicator(string Key, string Name, string NameEn, string Formula, string Unit, double? Value, double? Target, string Direction, bool? Met, string Source);

    public sealed record Counts(long Offered, long Answered, long Handled, long Queued, long QueuedUnanswered, long CallbacksRequested, long SurveyAnswers, long Satisfied);

    /// <summary>The contract fields first (fractions 0–1 and seconds; null when there is nothing to divide by), then the rest.</summary>
    public sealed record KpiReport(
        DateTime From, DateTime To, string? Queue, string? Agent,
        double? ConnectionRate, double? AverageHandleSeconds, double? Csat, double? FirstContactResolution, double? AnsweredWithin3Rings,
        double? ManualConnectionWithin15s, double? AbandonRate, double? IndustryAverageHandleSeconds, double? ServiceLevel, double? ServiceLevelPerf2,
        double? ServiceLevelOffered, double? AverageSpeedOfAnswerSeconds, double? AverageTalkSeconds, double? AverageHoldSeconds, double? AverageWrapSeconds,
        Counts Counts, IReadOnlyList<Indicator> Indicators, string Source)
    {
        /// <summary>The team (department id or code) the figures are limited to, if any.</summary>
        public string? Team { get; init; }
    }

    public sealed record SeriesPoint(string Key, string Label, CallKpis Kpis, Counts Counts);

    public sealed record TargetsView(IReadOnlyDictionary<string, double?> Targets, Guid Version);

    public sealed record TargetsInput(Dictionary<string, double?>? Targets);

    public static IEndpointRouteBuilder MapKpisApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/kpis").WithTags("KPIs").RequireAuthorization(KefuPolicies.Insights)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", Get).WithName("GetKpis")
            .WithSummary("Call KPIs of the calls whose call.offered falls in [from, to]: connection rate, AHT (seed: total talk time / connected calls), CSAT, FCR, "
                + "answered within 3 rings, reached an agent within 15 s, abandon rate, service levels (Asterisk), ASA; fractions 0–1 and seconds, each with its formula and target. "
                + "from/to: ISO dates (China days, to inclusive) or ISO date-times with offset (to exclusive); optional queue and agent (user name).")
            .ProducesValidationProblem();
        group.MapGet("/series", Series).WithName("GetKpiSeries")
            .WithSummary("The same KPIs per day, week (ISO, Monday first), month, hour of day (China time), queue or agent over [from, to].")
            .ProducesValidationProblem();
        group.MapGet("/targets", GetTargets).WithName("GetKpiTargets").WithSummary("The targets (defaults from seed 003 §5.2) and the ETag to change them with.");
        group.MapPut("/targets", PutTargets).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("SetKpiTargets")
            .WithSummary("Sets targets by KPI key (null resets to the default). Requires If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return routes;
    }

    internal static async Task<Ok<KpiReport>> Get(string? from, string? to, string? queue, string? agent, string? team, KefuDbContext db, TimeProvider clock,
        IOptions<CallTargets> targets, IOptions<KpiOptions> options, IOptions<Surveys.SurveyOptions> surveys, CancellationToken cancellationToken)
    {
        var period = KpiPeriod.Parse(from, to, clock.GetUtcNow().UtcDateTime);
        var agents = await AgentsAsync(db, Blank(agent), Blank(team), cancellationToken);
        var report = await ReportAsync(db, period, Blank(queue), agents, targets.Value, options.Value, surveys.Value.SatisfiedMinRating, cancellationToken);
        return TypedResults.Ok(report with { Agent = Blank(agent), Team = Blank(team) });
    }

    /// <summary>The agents a request is about: one agent, the members of a team (a department id or code), or null for all.</summary>
    public static async Task<IReadOnlyCollection<string>?> AgentsAsync(KefuDbContext db, string? agent, string? team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (team is null)
        {
            return agent is null ? null : [agent];
        }

        var department = await db.Departments.AsNoTracking()
            .Where(d => d.Code == team || d.Id.ToString() == team.ToLowerInvariant())
            .Select(d => (Guid?)d.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw FieldValidationException.For("team", "must name a department (id or code)");
        var members = await db.Users.AsNoTracking().Where(u => u.DepartmentId == department && u.UserName != null).Select(u => u.UserName!).ToListAsync(cancellationToken);
        return agent is null ? members : members.Where(m => string.Equals(m, agent, StringComparison.Ordinal)).ToList();
    }

    internal static async Task<Ok<IReadOnlyList<SeriesPoint>>> Series(string? from, string? to, string? by, string? queue, string? agent, string? team,
        KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var period = KpiPeriod.Parse(from, to, clock.GetUtcNow().UtcDateTime);
        var grouping = (by ?? "day").Trim().ToLowerInvariant();
        if (grouping is not ("day" or "week" or "month" or "hour" or "queue" or "agent" or "team"))
        {
            throw FieldValidationException.For("by", "must be day, week, month, hour, queue, agent or team");
        }

        if (!period.HourAligned)
        {
            throw FieldValidationException.For("from", "a series needs whole hours: use ISO dates or date-times on the hour");
        }

        var agents = await AgentsAsync(db, Blank(agent), Blank(team), cancellationToken);
        return TypedResults.Ok(await SeriesAsync(db, period, grouping, Blank(queue), agents, cancellationToken));
    }

    internal static async Task<Ok<TargetsView>> GetTargets(KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var (view, _) = await TargetsAsync(db, cancellationToken);
        response.Headers.ETag = ETags.Format(view.Version);
        return TypedResults.Ok(view);
    }

    internal static async Task<Ok<TargetsView>> PutTargets(TargetsInput input, HttpRequest request, KefuDbContext db, CancellationToken cancellationToken)
    {
        var expected = ETags.RequireIfMatch(request);
        var errors = new FieldErrors();
        if (input.Targets is null || input.Targets.Count == 0)
        {
            errors.Add("targets", "is required: a map of KPI key to target");
        }

        foreach (var (key, value) in input.Targets ?? [])
        {
            var definition = KpiDefinitions.Find(key);
            if (definition is null)
            {
                errors.Add($"targets.{key}", "is not a KPI key");
            }
            else if (value is { } v && (double.IsNaN(v) || v < 0 || (definition.Unit == "ratio" && v > 1) || (definition.Unit == "seconds" && v > 86400)))
            {
                errors.Add($"targets.{key}", definition.Unit == "ratio" ? "must be a fraction from 0 to 1" : "must be seconds from 0 to 86400");
            }
        }

        errors.ThrowIfAny();
        var row = await db.Set<KpiTargetSet>().SingleOrDefaultAsync(t => t.Id == 1, cancellationToken);
        if (row is null)
        {
            row = new KpiTargetSet();
            db.Add(row);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (row.Version != expected)
        {
            throw new StaleVersionException("KPI targets", row.Version);
        }

        var stored = row.Targets();
        foreach (var (key, value) in input.Targets!)
        {
            if (value is { } v)
            {
                stored[key] = v;
            }
            else
            {
                stored.Remove(key);
            }
        }

        row.TargetsJson = JsonSerializer.Serialize(stored);
        await db.SaveChangesAsync(cancellationToken);
        var (view, _) = await TargetsAsync(db, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(view.Version);
        return TypedResults.Ok(view);
    }

    /// <summary>The targets in force: stored ones over the defaults. A store without a row yet gets one, so it has an ETag.</summary>
    public static async Task<(TargetsView View, IReadOnlyDictionary<string, double?> Targets)> TargetsAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Set<KpiTargetSet>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == 1, cancellationToken);
        if (row is null)
        {
            row = new KpiTargetSet();
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request created it first.
                db.ChangeTracker.Clear();
                row = await db.Set<KpiTargetSet>().AsNoTracking().SingleAsync(t => t.Id == 1, cancellationToken);
            }
        }

        var stored = row.Targets();
        var merged = KpiDefinitions.All.ToDictionary(d => d.Key, d => stored.TryGetValue(d.Key, out var v) ? v : d.DefaultTarget, StringComparer.Ordinal);
        return (new TargetsView(merged, row.Version), merged);
    }

    /// <summary>The report for a period (rollups when the period is on whole hours, raw call records otherwise).</summary>
    public static Task<KpiReport> ReportAsync(KefuDbContext db, KpiPeriod period, string? queue, string? agent, CallTargets targets, KpiOptions options,
        int satisfiedMinRating, CancellationToken cancellationToken) =>
        ReportAsync(db, period, queue, agent is null ? null : [agent], targets, options, satisfiedMinRating, cancellationToken);

    /// <summary>The report for a period and the calls of <paramref name="agents"/> (null: all).</summary>
    public static async Task<KpiReport> ReportAsync(KefuDbContext db, KpiPeriod period, string? queue, IReadOnlyCollection<string>? agents, CallTargets targets,
        KpiOptions options, int satisfiedMinRating, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        CallTally tally;
        string source;
        if (period.HourAligned)
        {
            var rows = await CallKpiRollups.SumAsync(db, CallKpiRollup.HourOf(period.From), CallKpiRollup.HourOf(period.To), queue, agents, null, cancellationToken);
            tally = rows.Count > 0 ? rows[0].Tally : new CallTally();
            source = "rollup";
        }
        else
        {
            tally = await CallKpiRollups.NaiveSumAsync(db, period.From, period.To, queue, agents, targets, options, cancellationToken);
            source = "calls";
        }

        var surveys = await CallSurveys.TallyAsync(db, period, queue, agents, satisfiedMinRating, cancellationToken);
        var kpis = CallKpis.From(tally, surveys);
        var (_, goals) = await TargetsAsync(db, cancellationToken);
        var indicators = KpiDefinitions.All.Select(d =>
        {
            var value = kpis.Value(d.Key);
            var target = goals.GetValueOrDefault(d.Key);
            return new Indicator(d.Key, d.NameZh, d.NameEn, d.Formula, d.Unit, value, target, d.Direction == TargetDirection.AtLeast ? "atLeast" : "atMost",
                CallKpis.Met(value, target, d.Direction), d.Source);
        }).ToList();
        return new KpiReport(period.From, period.To, queue, agents is { Count: 1 } ? agents.First() : null, kpis.ConnectionRate, kpis.AverageHandleSeconds, kpis.Csat, kpis.FirstContactResolution,
            kpis.AnsweredWithin3Rings, kpis.ManualConnectionWithin15s, kpis.AbandonRate, kpis.IndustryAverageHandleSeconds, kpis.ServiceLevel,
            kpis.ServiceLevelPerf2, kpis.ServiceLevelOffered, kpis.AverageSpeedOfAnswerSeconds, kpis.AverageTalkSeconds, kpis.AverageHoldSeconds,
            kpis.AverageWrapSeconds, CountsOf(tally, surveys), indicators, source);
    }

    /// <summary>KPIs per group over a period on whole hours, from the rollups.</summary>
    public static Task<IReadOnlyList<SeriesPoint>> SeriesAsync(KefuDbContext db, KpiPeriod period, string by, string? queue, string? agent,
        CancellationToken cancellationToken) =>
        SeriesAsync(db, period, by, queue, agent is null ? null : [agent], cancellationToken);

    /// <summary>KPIs per group over a period on whole hours for the calls of <paramref name="agents"/> (null: all); by=team groups agents by department.</summary>
    public static async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(KefuDbContext db, KpiPeriod period, string by, string? queue,
        IReadOnlyCollection<string>? agents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        var group = by switch
        {
            "hour" => RollupGroup.ChinaHourOfDay,
            "queue" => RollupGroup.Queue,
            "agent" or "team" => RollupGroup.Agent,
            _ => RollupGroup.ChinaDay,
        };
        var rows = await CallKpiRollups.SumAsync(db, CallKpiRollup.HourOf(period.From), CallKpiRollup.HourOf(period.To), queue, agents, group, cancellationToken);
        if (by == "team")
        {
            var teams = await db.Users.AsNoTracking().Where(u => u.UserName != null && u.DepartmentId != null)
                .Join(db.Departments.AsNoTracking(), u => u.DepartmentId, d => d.Id, (u, d) => new { UserName = u.UserName!, d.Code, d.Name })
                .ToListAsync(cancellationToken);
            var teamOf = teams.ToDictionary(t => t.UserName, t => (t.Code, t.Name), StringComparer.Ordinal);
            rows = rows.GroupBy(r => teamOf.TryGetValue(r.Key, out var t) ? t.Code : "", StringComparer.Ordinal)
                .Select(g => (g.Key, Sum(g.Select(r => r.Tally)))).ToList();
            var names = teams.GroupBy(t => t.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
            return rows.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => new SeriesPoint(r.Key, names.GetValueOrDefault(r.Key, "—"), CallKpis.From(r.Tally, SurveyTally.None), CountsOf(r.Tally, SurveyTally.None)))
                .ToList();
        }

        IEnumerable<(string Key, string Label, CallTally Tally)> points = by switch
        {
            "day" or "week" or "month" => rows
                .Select(r => (Day: DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + int.Parse(r.Key, CultureInfo.InvariantCulture)), r.Tally))
                .GroupBy(r => by switch
                {
                    "week" => ISOWeek.GetYear(r.Day.ToDateTime(TimeOnly.MinValue)).ToString(CultureInfo.InvariantCulture) + "-W"
                        + ISOWeek.GetWeekOfYear(r.Day.ToDateTime(TimeOnly.MinValue)).ToString("00", CultureInfo.InvariantCulture),
                    "month" => r.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    _ => r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                }, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Key, Sum(g.Select(x => x.Tally)))),
            "hour" => rows.Select(r => (int.Parse(r.Key, CultureInfo.InvariantCulture).ToString("00", CultureInfo.InvariantCulture),
                int.Parse(r.Key, CultureInfo.InvariantCulture).ToString("00", CultureInfo.InvariantCulture) + ":00", r.Tally)),
            _ => rows.Select(r => (r.Key, r.Key.Length == 0 ? "—" : r.Key, r.Tally)),
        };
        return points.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new SeriesPoint(p.Key, p.Label, CallKpis.From(p.Tally, SurveyTally.None), CountsOf(p.Tally, SurveyTally.None))).ToList();
    }

    private static CallTally Sum(IEnumerable<CallTally> tallies)
    {
        var sum = new CallTally();
        foreach (var t in tallies)
        {
            sum.Add(t);
        }

        return sum;
    }

    private static Counts CountsOf(CallTally t, SurveyTally s) =>
        new(t.Offered, t.Answered, t.Handled, t.Queued, t.QueuedUnanswered, t.CallbacksRequested, s.Answers, s.Satisfied);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
