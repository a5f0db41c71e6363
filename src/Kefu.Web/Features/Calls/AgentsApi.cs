using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>Agents of the call center, addressed by user name: state (离线/空闲/振铃/通话中/话后处理/小休) and skills.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/agents").WithTags("Agents").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).RequireAuthorization(KefuPolicies.Staff).WithName("ListAgents")
            .WithSummary("Every agent the ACD knows with state, time in state, current call, calls answered and skills.");
        group.MapGet("/{userName}", Get).RequireAuthorization(KefuPolicies.Staff).WithName("GetAgent").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{userName}/state", SetState).WithName("SetAgentState")
            .WithSummary("Set an agent's state: Offline, Available, WrapUp or Break (Ringing and OnCall follow call events). "
                + "An agent may set their own; supervisors, admins and the telephony account anyone's.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{userName}/skills", SetSkills).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("SetAgentSkills")
            .WithSummary("Replace an agent's skills: [{skill, level}] with level 1–10 (level 1 is the first tier for skill-tier routing).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public sealed record SkillView(string Skill, int Level);

    public sealed record AgentView(string UserName, string State, string StateLabel, DateTime StateSince, string? CallId, int CallsAnswered, IReadOnlyList<SkillView> Skills)
    {
        public static AgentView From(AgentSnapshot a) => new(a.AgentId, AgentStates.ToApi(a.State), AgentStates.ChineseLabel(a.State), a.StateSince.UtcDateTime,
            a.CallId, a.CallsAnswered, a.Skills.Select(s => new SkillView(s.Skill, s.Level)).ToList());
    }

    public sealed record StateInput(string? State);

    public sealed record SkillsInput(IReadOnlyList<SkillView>? Skills);

    internal static async Task<Ok<IReadOnlyList<AgentView>>> List(CallCenter center, CancellationToken cancellationToken)
    {
        var (_, agents) = await center.SnapshotAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AgentView>>(agents.Select(AgentView.From).ToList());
    }

    internal static async Task<Results<Ok<AgentView>, NotFound>> Get(string userName, CallCenter center, CancellationToken cancellationToken) =>
        await center.AgentAsync(userName, cancellationToken) is { } agent ? TypedResults.Ok(AgentView.From(agent)) : TypedResults.NotFound();

    internal static async Task<Results<Ok<AgentView>, NotFound>> SetState(string userName, StateInput input, ClaimsPrincipal user, KefuDbContext db,
        CallCenter center, CancellationToken cancellationToken)
    {
        var self = string.Equals(user.Identity?.Name, userName, StringComparison.Ordinal);
        var mayAct = self
            ? KefuRoles.All.Any(user.IsInRole)
            : user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin) || user.IsInRole(KefuRoles.Telephony);
        if (!mayAct)
        {
            throw new ForbiddenException("Only the agent, a supervisor, an administrator or the telephony account may change an agent's state.");
        }

        if (AgentStates.FromApi(input.State) is not { } state)
        {
            throw FieldValidationException.For("state", "must be one of " + string.Join(", ", AgentStates.Names));
        }

        if (!await db.Users.AnyAsync(u => u.UserName == userName && u.IsActive, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(AgentView.From(await center.SetAgentStateAsync(userName, state, cancellationToken)));
    }

    internal static async Task<Results<Ok<AgentView>, NotFound>> SetSkills(string userName, SkillsInput input, KefuDbContext db, CallCenter center, CancellationToken cancellationToken)
    {
        var skills = (input.Skills ?? []).Select(s => new AgentSkill(s.Skill, s.Level)).ToList();
        var agent = await CallCenterSetupApi.SetAgentSkillsAsync(db, center, userName, skills, cancellationToken);
        return agent is null ? TypedResults.NotFound() : TypedResults.Ok(AgentView.From(agent));
    }
}
