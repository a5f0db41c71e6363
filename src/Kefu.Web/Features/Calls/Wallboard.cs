using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Complaints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>The supervisor wallboard: live queues and agents from the ACD, and today's figures from the call records.</summary>
public static class Wallboard
{
    public sealed record QueueLine(string Id, string Name, int Waiting, int Ringing, int Talking, int IdleAgents, int LongestWaitSeconds);

    public sealed record StateCount(string State, string Label, int Count);

    public sealed record AgentLine(string UserName, string State, string StateLabel, int SecondsInState, string? CallId, int CallsAnswered);

    /// <summary>Today's figures (China day). Rates are 0–1, null when nothing to divide by. ServiceLevel: answered within 3 rings of
    /// ringing at the agent / answered (target ≥ 95 %). ConnectionRate: reached a free agent within 15 s of asking / calls that asked
    /// and were decided (target ≥ 90 %).</summary>
    public sealed record Today(int Offered, int Answered, int Abandoned, int EndedInIvr, int CallbacksRequested, double? ServiceLevel, double? ConnectionRate,
        double? AverageWaitSeconds, double? AverageTalkSeconds);

    public sealed record WallboardView(DateTime At, IReadOnlyList<QueueLine> Queues, IReadOnlyList<StateCount> AgentsByState, IReadOnlyList<AgentLine> Agents, Today Today);

    public static IEndpointRouteBuilder MapWallboardApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/wallboard", Get).WithTags("Calls").RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("GetWallboard")
            .WithSummary("Calls waiting per queue, longest wait, agents by state, and today's service level (answered within 3 rings), "
                + "manual-connection rate (reached an agent within 15 s) and abandoned calls.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    internal static async Task<Ok<WallboardView>> Get(KefuDbContext db, CallCenter center, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await BuildAsync(db, center, clock, cancellationToken));

    public static async Task<WallboardView> BuildAsync(KefuDbContext db, CallCenter center, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(center);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        var (queues, agents) = await center.SnapshotAsync(cancellationToken);
        var names = await db.Set<CallQueue>().AsNoTracking().ToDictionaryAsync(q => q.Id, q => q.Name, cancellationToken);
        var queueLines = queues.Select(q => new QueueLine(q.QueueId, names.GetValueOrDefault(q.QueueId, q.QueueId), q.Waiting, q.Offered, q.Talking,
            q.IdleAgentsWithSkill, (int)q.LongestWaitInQueue.TotalSeconds)).ToList();
        var byState = Enum.GetValues<AgentState>().Select(s => new StateCount(AgentStates.ToApi(s), AgentStates.ChineseLabel(s), agents.Count(a => a.State == s))).ToList();
        var agentLines = agents.Where(a => a.State != AgentState.Offline).OrderBy(a => a.State).ThenBy(a => a.AgentId, StringComparer.Ordinal)
            .Select(a => new AgentLine(a.AgentId, AgentStates.ToApi(a.State), AgentStates.ChineseLabel(a.State), (int)(now - a.StateSince).TotalSeconds, a.CallId, a.CallsAnswered))
            .ToList();

        var startOfDay = ComplaintTime.FromChina(ComplaintTime.ToChina(now.UtcDateTime).Date);
        var today = await db.Set<CallRecord>().AsNoTracking().Where(c => c.OfferedAt >= startOfDay)
            .Select(c => new { c.Outcome, c.AnsweredWithinRings, c.ReachedAgentInTarget, c.WaitSeconds, c.TalkSeconds, c.AnsweredAt })
            .ToListAsync(cancellationToken);
        var answered = today.Where(c => c.AnsweredAt != null).ToList();
        var decided = today.Where(c => c.ReachedAgentInTarget != null).ToList();
        var figures = new Today(
            today.Count,
            answered.Count,
            today.Count(c => c.Outcome == CallOutcome.Abandoned),
            today.Count(c => c.Outcome == CallOutcome.EndedInIvr),
            today.Count(c => c.Outcome is CallOutcome.CallbackRequested or CallOutcome.AfterHours),
            answered.Count == 0 ? null : answered.Count(c => c.AnsweredWithinRings == true) / (double)answered.Count,
            decided.Count == 0 ? null : decided.Count(c => c.ReachedAgentInTarget == true) / (double)decided.Count,
            !answered.Any(c => c.WaitSeconds != null) ? null : answered.Where(c => c.WaitSeconds != null).Average(c => c.WaitSeconds!.Value),
            !answered.Any(c => c.TalkSeconds != null) ? null : answered.Where(c => c.TalkSeconds != null).Average(c => c.TalkSeconds!.Value));
        return new WallboardView(now.UtcDateTime, queueLines, byState, agentLines, figures);
    }
}
