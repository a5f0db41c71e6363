using System.Globalization;
using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Quality;

/// <summary>QA scorecards per agent and per team, per ISO week or month (China time).</summary>
public static class ScorecardsApi
{
    /// <summary>At most this many periods in one scorecard (a year of weeks, two years of months).</summary>
    public const int MaxWeeks = 53;

    public const int MaxMonths = 24;

    public static IEndpointRouteBuilder MapScorecardsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/quality/scorecards", Get).WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .WithName("GetQualityScorecards")
            .WithSummary("QA scorecards per agent and team: period=week|month, from/to (China dates, yyyy-MM-dd; default the last 8 periods), agent, team (department id or code). An agent sees only their own row.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    public sealed record ScorecardQuery(string? Period, string? From, string? To, string? Agent, string? Team);

    public sealed record AgentRow(string Agent, string? DisplayName, Guid? TeamId, string? TeamName, IReadOnlyList<ScorecardCell> Periods, ScorecardCell Total);

    public sealed record TeamRow(Guid? TeamId, string? TeamName, int Agents, IReadOnlyList<ScorecardCell> Periods, ScorecardCell Total);

    public sealed record ScorecardView(ScorecardPeriod Period, DateOnly From, DateOnly To, IReadOnlyList<string> Periods, double Target,
        IReadOnlyList<AgentRow> Agents, IReadOnlyList<TeamRow> Teams);

    internal static async Task<Ok<ScorecardView>> Get(string? period, string? from, string? to, string? agent, string? team, ClaimsPrincipal user, KefuDbContext db,
        IOptions<ScorecardOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LoadAsync(db, new ScorecardQuery(period, from, to, agent, team), user, options.Value, clock, cancellationToken));

    /// <summary>QA, Supervisors and Admins see every agent; anyone else sees their own row only.</summary>
    public static bool SeesEveryone(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(KefuRoles.QA) || user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin);
    }

    /// <summary>The scorecard as the API returns it; shared by the scorecard page and the agent's own page.</summary>
    public static async Task<ScorecardView> LoadAsync(KefuDbContext db, ScorecardQuery query, ClaimsPrincipal user, ScorecardOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new FieldErrors();
        var period = (query.Period ?? "week").ToUpperInvariant() switch
        {
            "WEEK" => ScorecardPeriod.Week,
            "MONTH" => ScorecardPeriod.Month,
            _ => (ScorecardPeriod?)null,
        };
        if (period is null)
        {
            errors.Add("period", "must be week or month");
        }

        var today = DateOnly.FromDateTime(ComplaintTime.ToChina(clock.GetUtcNow().UtcDateTime));
        var to = ParseDate(errors, "to", query.To) ?? today;
        var kind = period ?? ScorecardPeriod.Week;
        var from = ParseDate(errors, "from", query.From) ?? (kind == ScorecardPeriod.Week ? to.AddDays(-7 * 7) : to.AddMonths(-7));
        if (from > to)
        {
            errors.Add("from", "must not be after to");
        }

        errors.ThrowIfAny();
        var range = Scorecards.Range(from, to, kind);
        if (range.Count > (kind == ScorecardPeriod.Week ? MaxWeeks : MaxMonths))
        {
            throw FieldValidationException.For("from", kind == ScorecardPeriod.Week ? $"the range may span at most {MaxWeeks} weeks" : $"the range may span at most {MaxMonths} months");
        }

        var people = await db.Users.AsNoTracking().Select(u => new { u.UserName, u.DisplayName, u.DepartmentId }).ToListAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().Select(d => new { d.Id, d.Code, d.Name }).ToListAsync(cancellationToken);
        Guid? teamId = null;
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            teamId = departments.FirstOrDefault(d => Guid.TryParse(query.Team, out var id) ? d.Id == id : string.Equals(d.Code, query.Team.Trim(), StringComparison.OrdinalIgnoreCase))?.Id
                ?? throw FieldValidationException.For("team", "must name an existing department (id or code)");
        }

        var everyone = SeesEveryone(user);
        var agent = everyone ? (string.IsNullOrWhiteSpace(query.Agent) ? null : query.Agent.Trim()) : user.Identity?.Name ?? "";
        HashSet<string>? members = teamId is { } t
            ? people.Where(p => p.DepartmentId == t && p.UserName is not null).Select(p => p.UserName!).ToHashSet(StringComparer.Ordinal)
            : null;

        var start = range[0].Start;
        var end = range[^1].End;
        var evaluations = db.Set<Evaluation>().AsNoTracking()
            .Where(e => e.Status == EvaluationStatus.Submitted && e.Agent != null && e.SubmittedAt >= start && e.SubmittedAt < end);
        var calls = db.Set<CallRecord>().AsNoTracking()
            .Where(c => c.Outcome == CallOutcome.Answered && c.Agent != null && c.AnsweredAt >= start && c.AnsweredAt < end);
        if (agent is not null)
        {
            evaluations = evaluations.Where(e => e.Agent == agent);
            calls = calls.Where(c => c.Agent == agent);
        }

        var evaluationRows = (await evaluations
                .Select(e => new { e.Agent, e.SubmittedAt, e.Score, e.AutoFail, e.Liability, e.AppealedAt, e.AppealDecision }).ToListAsync(cancellationToken))
            .Where(e => members is null || members.Contains(e.Agent!))
            .Select(e => new ScoredEvaluation(e.Agent!, e.SubmittedAt!.Value, e.Score, e.AutoFail, e.Liability, e.AppealedAt is not null, e.AppealDecision))
            .ToList();
        var callRows = (await calls.Select(c => new { c.Agent, c.AnsweredAt, c.TalkSeconds, c.SolvedOnFirstContact }).ToListAsync(cancellationToken))
            .Where(c => members is null || members.Contains(c.Agent!))
            .Select(c => new AnsweredCall(c.Agent!, c.AnsweredAt!.Value, c.TalkSeconds, c.SolvedOnFirstContact))
            .ToList();

        var byName = people.Where(p => p.UserName is not null).ToDictionary(p => p.UserName!, StringComparer.Ordinal);
        var teamOf = byName.ToDictionary(p => p.Key, p => p.Value.DepartmentId?.ToString(), StringComparer.Ordinal);
        var card = Scorecards.Compute(kind, range.Select(r => r.Label).ToList(), evaluationRows, callRows, teamOf, options.ScoreTarget);
        string? DepartmentName(string? id) => id is null ? null : departments.FirstOrDefault(d => d.Id.ToString() == id)?.Name;
        var agents = card.Agents.Select(a => new AgentRow(a.Agent, byName.TryGetValue(a.Agent, out var p) ? p.DisplayName : null,
            a.Team is null ? null : Guid.Parse(a.Team), DepartmentName(a.Team), a.Periods, a.Total)).ToList();
        var teams = everyone
            ? card.Teams.Select(t => new TeamRow(t.Team is null ? null : Guid.Parse(t.Team), DepartmentName(t.Team), t.Agents, t.Periods, t.Total)).ToList()
            : [];
        return new ScorecardView(kind, from, to, card.Periods, card.Target, agents, teams);
    }

    private static DateOnly? ParseDate(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 2100)
        {
            return day;
        }

        errors.Add(field, "must be a date like 2026-11-23");
        return null;
    }
}
