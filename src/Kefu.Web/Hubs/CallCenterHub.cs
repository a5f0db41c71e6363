using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Kefu.Web.Hubs;

/// <summary>What the call-center hub sends to its clients.</summary>
public interface ICallCenterClient
{
    /// <summary>A call rings at (phase "ringing") or was answered by (phase "answered") the connected agent.</summary>
    Task ScreenPop(ScreenPop pop);

    /// <summary>An agent's state changed (sent to that agent and to wallboards).</summary>
    Task AgentStateChanged(AgentStateChange change);

    /// <summary>Something changed on the wallboard: queues, agents or today's figures.</summary>
    Task WallboardChanged();

    /// <summary>Live assistance: the connected agent just said a forbidden phrase or one to avoid on a call.</summary>
    Task ScriptAlert(LiveScriptAlert alert);
}

/// <summary>A phrase the agent said on a live call that the script rules flag, with what to say instead.</summary>
public sealed record LiveScriptAlert(string Agent, string CallId, double OffsetSeconds, string RuleId, int RuleVersion, string Kind, string Category,
    string? Quote, string? Replacement, bool Critical);

/// <summary>An agent's new state, as the CTI contract names states.</summary>
public sealed record AgentStateChange(string Agent, string State, string? CallId);

/// <summary>
/// Live updates for agent desktops and wallboards (<c>/hubs/callcenter</c>). Every signed-in staff member joins
/// their own agent group; supervisors and admins may join the wallboard group.
/// </summary>
[Authorize(Policy = KefuPolicies.Staff)]
public sealed class CallCenterHub : Hub<ICallCenterClient>
{
    public const string Path = "/hubs/callcenter";
    public const string WallboardGroup = "wallboard";

    public static string AgentGroup(string userName) => "agent:" + userName;

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.Identity?.Name is { } name)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AgentGroup(name));
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Subscribes the connection to wallboard updates (Supervisor or Admin).</summary>
    public async Task JoinWallboard()
    {
        if (Context.User is not { } user || !(user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin)))
        {
            throw new HubException("The wallboard is for supervisors and administrators.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, WallboardGroup);
    }
}

/// <summary>A change in the call center, for the Blazor components of this instance.</summary>
public sealed class CallCenterChangeEventArgs : EventArgs
{
    public ScreenPop? Pop { get; init; }
    public AgentStateChange? Agent { get; init; }
    public string? CallId { get; init; }
    public LiveScriptAlert? Alert { get; init; }

    /// <summary>Queues, agents or today's figures changed.</summary>
    public bool Wallboard { get; init; }
}

/// <summary>
/// Fans call-center changes out to SignalR clients (hub groups) and to the Blazor components of this instance
/// (a C# event that interactive-server components subscribe to). With Redis configured, hub messages reach clients
/// of every instance through the SignalR backplane, and <see cref="Infrastructure.CallCenterRelay"/> raises the event
/// on the other instances too.
/// </summary>
public sealed class CallCenterSignals(IHubContext<CallCenterHub, ICallCenterClient> hub, ScreenPops pops, Features.Quality.ScriptRuleBook rules)
{
    public event EventHandler<CallCenterChangeEventArgs>? Changed;

    /// <summary>A change made on this instance (not one relayed from another), for the Redis relay to pass on.</summary>
    internal event EventHandler<CallCenterChangeEventArgs>? Published;

    /// <summary>Raises a change another instance made (relayed through Redis) for this instance's components only.</summary>
    internal void RaiseFromOtherInstance(CallCenterChangeEventArgs change) => Changed?.Invoke(this, change);

    private void Raise(CallCenterChangeEventArgs change)
    {
        Changed?.Invoke(this, change);
        Published?.Invoke(this, change);
    }

    public void AgentChanged(string agent, Features.Calls.Routing.AgentState state, string? callId)
    {
        var change = new AgentStateChange(agent, AgentStates.ToApi(state), callId);
        Raise(new CallCenterChangeEventArgs { Agent = change });
        _ = hub.Clients.Groups(CallCenterHub.AgentGroup(agent), CallCenterHub.WallboardGroup).AgentStateChanged(change);
    }

    public async Task ScreenPopAsync(string agent, string callId, string phase, CancellationToken cancellationToken)
    {
        var pop = await pops.BuildAsync(agent, callId, phase, cancellationToken);
        if (pop is null)
        {
            return;
        }

        Raise(new CallCenterChangeEventArgs { Pop = pop });
        await hub.Clients.Group(CallCenterHub.AgentGroup(agent)).ScreenPop(pop);
    }

    /// <summary>Checks what the agent just said on a live call against the current script rules and alerts the agent's
    /// desktop of each forbidden phrase or phrase to avoid (required scripts are judged after the call, not mid-sentence).</summary>
    public async Task LiveSegmentAsync(string agent, string callId, double startSeconds, string text, CancellationToken cancellationToken)
    {
        var check = await rules.CurrentAsync(cancellationToken);
        var report = check.Check([new Features.Quality.SegmentToCheck(TranscriptSpeaker.Agent, startSeconds, null, text)]);
        foreach (var finding in report.Findings.Where(f => f.Kind is Features.Quality.FindingKind.Forbidden or Features.Quality.FindingKind.Avoid))
        {
            var alert = new LiveScriptAlert(agent, callId, startSeconds, finding.RuleId, finding.RuleVersion,
                finding.Kind == Features.Quality.FindingKind.Forbidden ? "forbidden" : "avoid", finding.Category, finding.Quote, finding.Replacement, finding.Critical);
            Raise(new CallCenterChangeEventArgs { Alert = alert });
            await hub.Clients.Group(CallCenterHub.AgentGroup(agent)).ScriptAlert(alert);
        }
    }

    public void CallChanged(string callId) => Raise(new CallCenterChangeEventArgs { CallId = callId });

    public void WallboardChanged()
    {
        Raise(new CallCenterChangeEventArgs { Wallboard = true });
        _ = hub.Clients.Group(CallCenterHub.WallboardGroup).WallboardChanged();
    }
}
