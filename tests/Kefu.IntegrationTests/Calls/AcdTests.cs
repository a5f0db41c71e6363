using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Features.Calls;
using Kefu.Web.Hubs;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Calls;

/// <summary>The ACD inside the app: strategies, ring-no-answer, overflow, wrap-up, transfers, restart, screen pops.</summary>
public sealed class AcdTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    private readonly CallDriver calls = new(app);

    [Fact]
    public async Task SkillTiers_OfferTheFirstTierBeforeTheSecond()
    {
        var queue = await calls.NewQueueAsync(strategy: "SkillTiers");
        var hotline = await calls.NewHotlineAsync(queue);
        var expert = await calls.NewAgentAsync(queue + ":1");
        var backup = await calls.NewAgentAsync(queue + ":2");
        await calls.SetStateAsync(backup, "Available"); // idle longer, but second tier
        calls.Advance(1);
        await calls.SetStateAsync(expert, "Available");

        var first = CallDriver.NewCallId();
        Assert.Equal([expert], CallDriver.RingTargets(await calls.IncomingAsync(first, hotline), first));
        var second = CallDriver.NewCallId();
        Assert.Equal([backup], CallDriver.RingTargets(await calls.IncomingAsync(second, hotline), second));
    }

    [Fact]
    public async Task RingAll_RingsEveryFreeAgent_AndTheFirstToAnswerTakesIt()
    {
        var queue = await calls.NewQueueAsync(strategy: "RingAll");
        var hotline = await calls.NewHotlineAsync(queue);
        var a = await calls.NewAgentAsync(queue);
        var b = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(a, "Available");
        await calls.SetStateAsync(b, "Available");
        var callId = CallDriver.NewCallId();

        var routed = await calls.IncomingAsync(callId, hotline);
        Assert.Equal(new[] { a, b }.Order(), CallDriver.RingTargets(routed, callId).Order());
        await calls.PostAsync(calls.Event("call.answered", callId, 3, new { agent = b }));

        Assert.Equal("OnCall", (await calls.AgentAsync(b)).GetProperty("state").GetString());
        Assert.Equal("Available", (await calls.AgentAsync(a)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task RingNoAnswer_ReroutesToTheNextAgent_AndPutsTheFirstOnBreak()
    {
        var queue = await calls.NewQueueAsync(ringTimeoutSeconds: 10);
        var hotline = await calls.NewHotlineAsync(queue);
        var first = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(first, "Available");
        calls.Advance(1);
        var second = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(second, "Available");
        var callId = CallDriver.NewCallId();
        Assert.Equal([first], CallDriver.RingTargets(await calls.IncomingAsync(callId, hotline), callId));

        calls.Advance(11);
        await app.TickAsync();

        Assert.Equal("Break", (await calls.AgentAsync(first)).GetProperty("state").GetString());
        Assert.Equal("Ringing", (await calls.AgentAsync(second)).GetProperty("state").GetString());
        var call = await calls.CallAsync(callId);
        Assert.Equal(second, call.GetProperty("ringingAgent").GetString());
        Assert.Equal(1, call.GetProperty("ringNoAnswerCount").GetInt32());
        var pbx = await app.ClientForAsync("pbx");
        var commands = await pbx.GetFromJsonAsync<JsonElement>("/api/v1/cti/commands?after=0");
        Assert.Contains(commands.GetProperty("commands").EnumerateArray(), c => c.GetProperty("callId").GetString() == callId
            && c.GetProperty("type").GetString() == "cancel-ring" && c.GetProperty("agents")[0].GetString() == first);
    }

    [Fact]
    public async Task ACallWaitingPastTheThreshold_OverflowsToTheOtherQueue()
    {
        var target = await calls.NewQueueAsync();
        var queue = await calls.NewQueueAsync(overflowTo: target, overflowAfterSeconds: 30);
        var hotline = await calls.NewHotlineAsync(queue);
        var helper = await calls.NewAgentAsync(target);
        await calls.SetStateAsync(helper, "Available");
        var callId = CallDriver.NewCallId();
        Assert.Empty(CallDriver.RingTargets(await calls.IncomingAsync(callId, hotline), callId));

        calls.Advance(20);
        await app.TickAsync();
        Assert.Equal("Queued", (await calls.CallAsync(callId)).GetProperty("status").GetString());
        calls.Advance(11);
        await app.TickAsync();

        var call = await calls.CallAsync(callId);
        Assert.Equal(target, call.GetProperty("queue").GetString());
        Assert.Equal(helper, call.GetProperty("ringingAgent").GetString());
        Assert.False(call.GetProperty("reachedAgentInTarget").GetBoolean(), "31 s to reach an agent misses the 15 s target");
    }

    [Fact]
    public async Task WrapUp_KeepsTheAgentFromTheNextCall_UntilItEnds()
    {
        var queue = await calls.NewQueueAsync(wrapUpSeconds: 30);
        var hotline = await calls.NewHotlineAsync(queue);
        var agent = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(agent, "Available");
        var firstCall = CallDriver.NewCallId();
        await calls.IncomingAsync(firstCall, hotline);
        await calls.PostAsync(calls.Event("call.answered", firstCall, 0, new { agent }));
        calls.Advance(60);
        await calls.PostAsync(calls.Event("call.ended", firstCall, 0, new { by = "caller" }));
        Assert.Equal("WrapUp", (await calls.AgentAsync(agent)).GetProperty("state").GetString());

        var secondCall = CallDriver.NewCallId();
        Assert.Empty(CallDriver.RingTargets(await calls.IncomingAsync(secondCall, hotline), secondCall));
        calls.Advance(27); // 29 s after the end (the IVR took 2 s)
        await app.TickAsync();
        Assert.Equal("WrapUp", (await calls.AgentAsync(agent)).GetProperty("state").GetString());

        calls.Advance(1);
        await app.TickAsync();
        Assert.Equal("Ringing", (await calls.AgentAsync(agent)).GetProperty("state").GetString());
        Assert.Equal(agent, (await calls.CallAsync(secondCall)).GetProperty("ringingAgent").GetString());
        Assert.Equal(30, (await calls.CallAsync(firstCall)).GetProperty("wrapSeconds").GetInt32());
    }

    [Fact]
    public async Task ATransferToAQueue_IsRecorded_AndRingsAnAgentThere()
    {
        var queue = await calls.NewQueueAsync();
        var afterSales = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var frontline = await calls.NewAgentAsync(queue);
        var specialist = await calls.NewAgentAsync(afterSales);
        await calls.SetStateAsync(frontline, "Available");
        await calls.SetStateAsync(specialist, "Available");
        var callId = CallDriver.NewCallId();
        await calls.IncomingAsync(callId, hotline, "13812345678");
        await calls.PostAsync(calls.Event("call.answered", callId, 0, new { agent = frontline }));
        calls.Advance(30);

        var transferred = await calls.PostAsync(calls.Event("call.transferred", callId, 0, new { target = "queue:" + afterSales, reason = "退款问题转售后" }));

        Assert.Equal([specialist], CallDriver.RingTargets(transferred, callId));
        Assert.Equal("WrapUp", (await calls.AgentAsync(frontline)).GetProperty("state").GetString());
        var transfer = Assert.Single((await calls.CallAsync(callId)).GetProperty("transfers").EnumerateArray());
        Assert.Equal("Queue", transfer.GetProperty("kind").GetString());
        Assert.Equal(frontline, transfer.GetProperty("from").GetString());
        Assert.Equal("退款问题转售后", transfer.GetProperty("reason").GetString());
        // Seed 003 §3.3: the transfer is also noted in the customer's contact history.
        var customerId = (await calls.CallAsync(callId)).GetProperty("customerId").GetString();
        var contacts = await (await app.ClientForAsync("agent")).GetFromJsonAsync<JsonElement>($"/api/v1/customers/{customerId}/contacts");
        Assert.Contains(contacts.GetProperty("items").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("问题：退款问题转售后", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSoftPhone_AnswersOnlyACallRingingAtTheAgent_AndActsOnlyOnTheirOwnCall()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var ringing = await calls.NewAgentAsync(queue);
        var bystander = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(ringing, "Available");
        var callId = CallDriver.NewCallId();
        await calls.IncomingAsync(callId, hotline);

        var other = await app.ClientForAsync(bystander);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await other.PostAsJsonAsync($"/api/v1/calls/{callId}/actions", new { action = "answer" })).StatusCode);
        var own = await app.ClientForAsync(ringing);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await own.PostAsJsonAsync($"/api/v1/calls/{callId}/actions", new { action = "answer" })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await other.PostAsJsonAsync($"/api/v1/calls/{callId}/actions", new { action = "hangup" })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await own.PostAsJsonAsync($"/api/v1/calls/{callId}/actions", new { action = "transfer", target = "queue:" + queue })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await own.PostAsJsonAsync($"/api/v1/calls/{callId}/actions", new { action = "hangup" })).StatusCode);
        var call = await calls.CallAsync(callId);
        Assert.Equal("Agent", call.GetProperty("endedBy").GetString());
        Assert.Equal(ringing, call.GetProperty("agent").GetString());
    }

    [Fact]
    public async Task ARestartedApp_RebuildsQueuedCallsAndAgentStatesFromTheStore()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var talking = await calls.NewAgentAsync(queue);
        var resting = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(talking, "Available");
        var answered = CallDriver.NewCallId();
        await calls.IncomingAsync(answered, hotline);
        await calls.PostAsync(calls.Event("call.answered", answered, 0, new { agent = talking }));
        await calls.SetStateAsync(resting, "Break");
        var waiting = CallDriver.NewCallId();
        await calls.IncomingAsync(waiting, hotline);

        // A second process on the same store stands for the restarted service: its ACD starts empty and is rebuilt.
        await using var restarted = new KefuAppFactory(app.Store, ownsStore: false) { Clock = new FakeTimeProvider(app.Clock!.GetUtcNow()) };
        var again = new CallDriver(restarted);

        Assert.Equal("OnCall", (await again.AgentAsync(talking)).GetProperty("state").GetString());
        Assert.Equal(answered, (await again.AgentAsync(talking)).GetProperty("callId").GetString());
        Assert.Equal("Break", (await again.AgentAsync(resting)).GetProperty("state").GetString());
        var board = await (await restarted.ClientForAsync("supervisor")).GetFromJsonAsync<JsonElement>("/api/v1/wallboard");
        Assert.Equal(1, board.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("id").GetString() == queue).GetProperty("waiting").GetInt32());

        var freed = await again.SetStateAsync(resting, "Available");
        Assert.Equal("Ringing", freed.GetProperty("state").GetString());
        Assert.Equal(waiting, freed.GetProperty("callId").GetString());
    }

    [Fact]
    public async Task ASignalRClient_ReceivesTheScreenPopWhenACallRingsAtItsAgent()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var agent = await calls.NewAgentAsync(queue);
        var token = await TokenAsync(agent);
        var pops = new TaskCompletionSource<ScreenPop>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "hubs/callcenter"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<ScreenPop>("ScreenPop", pop => pops.TrySetResult(pop));
        await connection.StartAsync();

        await calls.SetStateAsync(agent, "Available");
        var callId = CallDriver.NewCallId();
        await calls.IncomingAsync(callId, hotline, "13812345678");

        var received = await pops.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(callId, received.CallId);
        Assert.Equal("ringing", received.Phase);
        Assert.True(received.Known);
        Assert.Equal("张伟", received.CustomerName);
        Assert.Equal("138****5678", received.CallerMasked);
        Assert.Contains("客服中心，我是客服", received.Greeting, StringComparison.Ordinal);
        Assert.NotEmpty(received.OpenComplaints);
    }

    [Fact]
    public async Task AnAgentWhoSaysAForbiddenPhraseOnALiveCall_GetsAScriptAlertWithTheReplacement_AndNoneForPoliteSpeech()
    {
        var queue = await calls.NewQueueAsync();
        var agent = await calls.NewAgentAsync(queue);
        var token = await TokenAsync(agent);
        var alerts = new List<LiveScriptAlert>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "hubs/callcenter"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<LiveScriptAlert>("ScriptAlert", alert =>
        {
            lock (alerts)
            {
                alerts.Add(alert);
            }

            first.TrySetResult();
        });
        await connection.StartAsync();

        var callId = CallDriver.NewCallId();
        await calls.PostAsync(
            calls.Event("call.offered", callId, 0, new { from = "13812345678", to = "4008001234" }),
            calls.Event("call.answered", callId, 1, new { agent }),
            calls.Event("transcript.segment", callId, 2, new { speaker = "agent", startSeconds = 1.0, endSeconds = 4.0, text = "您好，这里是XX客服中心，请问有什么可以帮您的？" }));
        await calls.PostAsync(calls.Event("transcript.segment", callId, 20, new { speaker = "agent", startSeconds = 18.0, endSeconds = 20.0, text = "这不是我的问题。" }));

        await first.Task.WaitAsync(TimeSpan.FromSeconds(15));
        LiveScriptAlert[] received;
        lock (alerts)
        {
            received = [.. alerts];
        }

        var alert = Assert.Single(received);
        Assert.Equal(callId, alert.CallId);
        Assert.Equal("forbidden", alert.Kind);
        Assert.Equal(18.0, alert.OffsetSeconds);
        Assert.Contains("这不是我的问题", alert.Quote, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(alert.Replacement));

        // After the call, what is said is judged by QA, not alerted.
        await calls.PostAsync(calls.Event("call.ended", callId, 30, new { by = "caller" }),
            calls.Event("transcript.segment", callId, 31, new { speaker = "agent", startSeconds = 25.0, endSeconds = 27.0, text = "我不知道。" }));
        await Task.Delay(300);
        lock (alerts)
        {
            Assert.Single(alerts);
        }
    }

    private async Task<string> TokenAsync(string userName)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { userName, password = KefuAppFactory.DemoPassword });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
