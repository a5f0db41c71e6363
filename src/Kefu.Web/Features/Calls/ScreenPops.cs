using Kefu.Web.Data;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// The screen pop of SPEC §2: on ringing and at answer the agent sees who calls — name, masked phone, recent calls
/// and open complaints — and the greeting script with their own name and work number. An unknown number pops with
/// <see cref="Known"/> false, and the desktop offers the quick customer form.
/// </summary>
public sealed record ScreenPop(
    string CallId,
    string Phase,
    string Agent,
    string CallerMasked,
    bool Known,
    Guid? CustomerId,
    string? CustomerName,
    string? Queue,
    string? QueueName,
    string? IvrPath,
    string Greeting,
    IReadOnlyList<ScreenPopCall> RecentCalls,
    IReadOnlyList<ScreenPopComplaint> OpenComplaints);

public sealed record ScreenPopCall(string Id, DateTime? At, string? Outcome, string? Agent, string? Note);

public sealed record ScreenPopComplaint(Guid Id, string Number, string Summary, string Step);

/// <summary>Builds screen pops from the store.</summary>
public sealed class ScreenPops(IServiceScopeFactory scopes, IOptions<CallCenterOptions> options)
{
    public async Task<ScreenPop?> BuildAsync(string agent, string callId, string phase, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var call = await db.Set<CallRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == callId, cancellationToken);
        if (call is null)
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().Where(u => u.UserName == agent).Select(u => new { u.DisplayName, u.WorkNumber }).SingleOrDefaultAsync(cancellationToken);
        var customer = call.CustomerId is { } customerId
            ? await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.Id, c.Name }).SingleOrDefaultAsync(cancellationToken)
            : null;
        var recent = call.From is null
            ? []
            : await db.Set<CallRecord>().AsNoTracking().Where(c => c.From == call.From && c.Id != call.Id).OrderByDescending(c => c.OfferedAt).Take(5)
                .Select(c => new ScreenPopCall(c.Id, c.OfferedAt, c.Outcome == null ? null : c.Outcome.ToString(), c.Agent, c.Note)).ToListAsync(cancellationToken);
        var complaints = customer is null
            ? []
            : (await db.Complaints.AsNoTracking().Where(c => c.CustomerId == customer.Id && c.Step != ComplaintStep.Closed)
                .OrderByDescending(c => c.CreatedAt).Take(10).Select(c => new { c.Id, c.Number, c.Summary, c.Step }).ToListAsync(cancellationToken))
                .ConvertAll(c => new ScreenPopComplaint(c.Id, c.Number, c.Summary, c.Step.ToString()));
        var queueName = call.Queue is null ? null : await db.Set<CallQueue>().AsNoTracking().Where(q => q.Id == call.Queue).Select(q => q.Name).SingleOrDefaultAsync(cancellationToken);
        return new ScreenPop(call.Id, phase, agent, call.From is null ? "" : PhoneNumbers.Mask(call.From), customer is not null, customer?.Id, customer?.Name,
            call.Queue, queueName, call.IvrPath, Greeting(options.Value.CenterName, user?.DisplayName ?? agent, user?.WorkNumber), recent, complaints);
    }

    /// <summary>The greeting script of seed 003 §2.2 with the center's name and the agent's name / work number.</summary>
    public static string Greeting(string centerName, string agentName, string? workNumber) =>
        $"您好，这里是{centerName}客服中心，我是客服{agentName}{(string.IsNullOrEmpty(workNumber) ? "" : "（工号" + workNumber + "）")}，请问有什么可以帮您的？";
}

/// <summary>Agent states as the CTI contract names them (Offline, Available, Ringing, OnCall, WrapUp, Break).</summary>
public static class AgentStates
{
    public static readonly IReadOnlyList<string> Names = ["Offline", "Available", "Ringing", "OnCall", "WrapUp", "Break"];

    public static string ToApi(AgentState state) => state switch
    {
        AgentState.Idle => "Available",
        AgentState.Talking => "OnCall",
        _ => state.ToString(),
    };

    public static AgentState? FromApi(string? name) => name?.Trim() switch
    {
        "Offline" => AgentState.Offline,
        "Available" => AgentState.Idle,
        "Ringing" => AgentState.Ringing,
        "OnCall" => AgentState.Talking,
        "WrapUp" => AgentState.WrapUp,
        "Break" => AgentState.Break,
        _ => null,
    };

    /// <summary>The zh-CN label of a state (离线, 空闲, 振铃, 通话中, 话后处理, 小休).</summary>
    public static string ChineseLabel(AgentState state) => state switch
    {
        AgentState.Offline => "离线",
        AgentState.Idle => "空闲",
        AgentState.Ringing => "振铃",
        AgentState.Talking => "通话中",
        AgentState.WrapUp => "话后处理",
        AgentState.Break => "小休",
        _ => state.ToString(),
    };
}
