using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kefu.IntegrationTests.Calls;

/// <summary>The CTI event API through HTTP: a PBX's event sequences, duplicates, out-of-order delivery, validation.</summary>
public sealed class CtiEventTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    private readonly CallDriver calls = new(app);

    [Fact]
    public async Task AFullCall_IsRoutedToTheFreeAgent_AndRecordsEveryTimestampAndDuration()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var agent = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(agent, "Available");
        var callId = CallDriver.NewCallId();
        var offeredAt = calls.Now;

        var routed = await calls.IncomingAsync(callId, hotline, "13812345678");

        var actions = routed.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal("queue", actions[0].GetProperty("type").GetString());
        Assert.Equal(queue, actions[0].GetProperty("queue").GetString());
        Assert.Equal([agent], CallDriver.RingTargets(routed, callId));
        Assert.Equal("Ringing", (await calls.AgentAsync(agent)).GetProperty("state").GetString());

        calls.Advance(6);
        await calls.PostAsync(calls.Event("call.ringing", callId, -5, new { agent }), calls.Event("call.answered", callId, 0, new { agent }));
        Assert.Equal("OnCall", (await calls.AgentAsync(agent)).GetProperty("state").GetString());
        calls.Advance(20);
        await calls.PostAsync(calls.Event("call.held", callId));
        calls.Advance(10);
        await calls.PostAsync(calls.Event("call.resumed", callId));
        calls.Advance(40);
        await calls.PostAsync(
            calls.Event("call.ended", callId, 0, new { by = "caller" }),
            calls.Event("recording.available", callId, 1, new { uri = "file:///var/spool/asterisk/monitor/" + callId + ".wav", durationSeconds = 70.4 }),
            calls.Event("transcript.segment", callId, 2, new { speaker = "agent", startSeconds = 0.5, endSeconds = 4.0, text = "您好，这里是XX客服中心，我是客服小张，请问有什么可以帮您的？" }),
            calls.Event("transcript.segment", callId, 2, new { speaker = "customer", startSeconds = 4.5, endSeconds = 9.0, text = "我的身份证号是 " + TestData.NationalId() }));

        var call = await calls.CallAsync(callId);
        Assert.Equal("Ended", call.GetProperty("status").GetString());
        Assert.Equal("Answered", call.GetProperty("outcome").GetString());
        Assert.Equal("1", call.GetProperty("ivrPath").GetString());
        Assert.Equal(queue, call.GetProperty("queue").GetString());
        Assert.Equal(agent, call.GetProperty("agent").GetString());
        Assert.Equal(offeredAt.UtcDateTime, call.GetProperty("offeredAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(offeredAt.UtcDateTime.AddSeconds(2), call.GetProperty("ivrAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(offeredAt.UtcDateTime.AddSeconds(2), call.GetProperty("queuedAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(offeredAt.UtcDateTime.AddSeconds(2), call.GetProperty("ringingAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(offeredAt.UtcDateTime.AddSeconds(8), call.GetProperty("answeredAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(offeredAt.UtcDateTime.AddSeconds(78), call.GetProperty("endedAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(6, call.GetProperty("ringSeconds").GetInt32());
        Assert.Equal(6, call.GetProperty("waitSeconds").GetInt32());
        Assert.Equal(10, call.GetProperty("holdSeconds").GetInt32());
        Assert.Equal(60, call.GetProperty("talkSeconds").GetInt32());
        Assert.True(call.GetProperty("answeredWithinRings").GetBoolean());
        Assert.True(call.GetProperty("reachedAgentInTarget").GetBoolean());
        Assert.Equal("Caller", call.GetProperty("endedBy").GetString());
        Assert.EndsWith(callId + ".wav", call.GetProperty("recordingUri").GetString(), StringComparison.Ordinal);
        Assert.Equal(70, call.GetProperty("recordingSeconds").GetInt32());
        var hold = Assert.Single(call.GetProperty("holds").EnumerateArray());
        Assert.Equal(offeredAt.UtcDateTime.AddSeconds(28), hold.GetProperty("heldAt").GetDateTime(), TimeSpan.FromSeconds(1));
        var transcript = call.GetProperty("transcript").EnumerateArray().ToList();
        Assert.Equal(["agent", "customer"], transcript.Select(t => t.GetProperty("speaker").GetString()));
        Assert.DoesNotContain(TestData.NationalId(), transcript[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("*", transcript[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(call.GetProperty("customerId").GetString()), "the demo customer with this number is linked");

        // Wrap-up is 0 s in this queue: the next tick frees the agent and stamps the wrap-up end on the call.
        Assert.Equal("WrapUp", (await calls.AgentAsync(agent)).GetProperty("state").GetString());
        await app.TickAsync();
        Assert.Equal("Available", (await calls.AgentAsync(agent)).GetProperty("state").GetString());
        Assert.Equal(0, (await calls.CallAsync(callId)).GetProperty("wrapSeconds").GetInt32());
    }

    [Fact]
    public async Task ARepeatedEventId_IsAcknowledgedAsDuplicate_AndChangesNothing()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var callId = CallDriver.NewCallId();
        var offered = calls.Event("call.offered", callId, 0, new { from = "13700001111", to = hotline });
        var first = await calls.PostAsync(offered);
        var before = await calls.CallAsync(callId);

        calls.Advance(5);
        var again = await calls.PostAsync(offered);

        Assert.Empty(again.GetProperty("accepted").EnumerateArray());
        Assert.Single(again.GetProperty("duplicates").EnumerateArray());
        Assert.Empty(again.GetProperty("actions").EnumerateArray());
        Assert.Single(first.GetProperty("accepted").EnumerateArray());
        var after = await calls.CallAsync(callId);
        Assert.Equal(before.GetProperty("version").GetString(), after.GetProperty("version").GetString());
    }

    [Fact]
    public async Task EventsArrivingOutOfOrder_LeaveTheCallRecordConsistent()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var agent = await calls.NewAgentAsync(queue);
        var callId = CallDriver.NewCallId();
        var offered = calls.Event("call.offered", callId, 0, new { from = "13700002222", to = hotline });
        var ivr = calls.Event("ivr.selected", callId, 3, new { digit = "1" });
        var answered = calls.Event("call.answered", callId, 10, new { agent });
        var ended = calls.Event("call.ended", callId, 100, new { by = "agent" });

        // The end arrives first, then the answer, then the start: every field lands where it belongs.
        await calls.PostAsync(ended);
        await calls.PostAsync(answered);
        await calls.PostAsync(ivr, offered);

        var call = await calls.CallAsync(callId);
        Assert.Equal("Ended", call.GetProperty("status").GetString());
        Assert.Equal("Answered", call.GetProperty("outcome").GetString());
        Assert.Equal("Agent", call.GetProperty("endedBy").GetString());
        Assert.Equal(90, call.GetProperty("talkSeconds").GetInt32());
        Assert.Equal(7, call.GetProperty("waitSeconds").GetInt32());
        Assert.Equal("1", call.GetProperty("ivrPath").GetString());
        // The call is over, so the late answer must not leave the agent "on call", nor queue the call.
        Assert.NotEqual("OnCall", (await calls.AgentAsync(agent)).GetProperty("state").GetString());
        var board = await (await app.ClientForAsync("supervisor")).GetFromJsonAsync<JsonElement>("/api/v1/wallboard");
        Assert.Equal(0, board.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("id").GetString() == queue).GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task ABatchWithOneInvalidEvent_IsRefusedWhole_NamingTheField()
    {
        var callId = CallDriver.NewCallId();
        var response = await calls.PostRawAsync(new object[]
        {
            calls.Event("call.offered", callId, 0, new { from = "13700003333", to = "4008001234" }),
            calls.Event("ivr.selected", callId, 1, new { digit = "12" }),
            calls.Event("call.answered", callId, 2, new { agent = "nobody-" + Guid.NewGuid().ToString("N")[..6] }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].digit", out _), problem.ToString());
        var supervisor = await app.ClientForAsync("supervisor");
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/v1/calls/{callId}")).StatusCode);

        var unknownAgent = await calls.PostRawAsync(calls.Event("call.answered", callId, 2, new { agent = "nobody-x1" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknownAgent.StatusCode);
        Assert.True((await unknownAgent.JsonAsync()).GetProperty("errors").TryGetProperty("agent", out _));

        var wrongType = await calls.PostRawAsync(new { id = "x", type = "call.offered", callId, at = "yesterday", from = "1" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True((await wrongType.JsonAsync()).GetProperty("errors").TryGetProperty("at", out _));
    }

    [Fact]
    public async Task CtiEvents_NeedTheTelephonyAccountOrAnAdmin()
    {
        var agent = await app.ClientForAsync("agent");
        var response = await agent.PostAsJsonAsync("/api/v1/cti/events", calls.Event("call.offered", CallDriver.NewCallId(), 0, new { from = "13700004444" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/cti/events", new { })).StatusCode);
    }

    [Fact]
    public async Task TheIvr_ReplaysTheMenuOnAWrongKey_AndFollowsSubMenus()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var callId = CallDriver.NewCallId();
        var greeting = await calls.PostAsync(calls.Event("call.offered", callId, 0, new { from = "13700005555", to = hotline }));
        var menu = greeting.GetProperty("actions")[0];
        Assert.Equal(["1", "9"], menu.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("digit").GetString()));

        var wrong = await calls.PostAsync(calls.Event("ivr.selected", callId, 1, new { digit = "5" }));
        Assert.Contains("输入有误", wrong.GetProperty("actions")[0].GetProperty("prompt").GetString(), StringComparison.Ordinal);
        var sub = await calls.PostAsync(calls.Event("ivr.selected", callId, 2, new { digit = "9" }));
        Assert.Equal(["2"], sub.GetProperty("actions")[0].GetProperty("options").EnumerateArray().Select(o => o.GetProperty("digit").GetString()));
        var leaf = await calls.PostAsync(calls.Event("ivr.selected", callId, 3, new { digit = "2" }));
        Assert.Equal(queue, leaf.GetProperty("actions")[0].GetProperty("queue").GetString());
        Assert.Equal("Queued", (await calls.CallAsync(callId)).GetProperty("status").GetString());
        Assert.Equal("5-9-2", (await calls.CallAsync(callId)).GetProperty("ivrPath").GetString());
    }

    [Fact]
    public async Task AfterHours_TheCallerCanLeaveACallbackRequest()
    {
        var queue = await calls.NewQueueAsync();
        // Open 20:00–21:00 China time; the app's clock says 10:00.
        var hotline = await calls.NewHotlineAsync(queue, opensAt: "20:00", closesAt: "21:00");
        var callId = CallDriver.NewCallId();
        var phone = TestData.Mobile();

        var closed = await calls.PostAsync(calls.Event("call.offered", callId, 0, new { from = phone, to = hotline }));
        Assert.Contains("非工作时间", closed.GetProperty("actions")[0].GetProperty("prompt").GetString(), StringComparison.Ordinal);
        var booked = await calls.PostAsync(calls.Event("ivr.selected", callId, 5, new { digit = "1" }));
        Assert.Equal("hangup", booked.GetProperty("actions")[0].GetProperty("type").GetString());
        await calls.PostAsync(calls.Event("call.ended", callId, 9, new { by = "system" }));

        var call = await calls.CallAsync(callId);
        Assert.Equal("AfterHours", call.GetProperty("outcome").GetString());
        var callbacks = await (await app.ClientForAsync("supervisor")).GetFromJsonAsync<JsonElement>("/api/v1/call-callbacks?pageSize=200");
        var callback = callbacks.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("callId").GetString() == callId);
        Assert.Equal("AfterHours", callback.GetProperty("source").GetString());
    }

    [Fact]
    public async Task AfterHours_AVoicemailIsRecorded_AndOwedACallback()
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue, opensAt: "20:00", closesAt: "21:00", afterHoursMode: "Voicemail");
        var callId = CallDriver.NewCallId();

        var closed = await calls.PostAsync(calls.Event("call.offered", callId, 0, new { from = TestData.Mobile(), to = hotline }));
        Assert.Equal("voicemail", closed.GetProperty("actions")[0].GetProperty("type").GetString());
        await calls.PostAsync(
            calls.Event("recording.available", callId, 40, new { uri = "file:///voicemail/" + callId + ".wav", durationSeconds = 31.5 }),
            calls.Event("call.ended", callId, 41, new { by = "caller" }));

        var call = await calls.CallAsync(callId);
        Assert.Equal("EndedInIvr", call.GetProperty("outcome").GetString());
        Assert.Equal(32, call.GetProperty("recordingSeconds").GetInt32());
        var callbacks = await (await app.ClientForAsync("supervisor")).GetFromJsonAsync<JsonElement>("/api/v1/call-callbacks?pageSize=200");
        Assert.Contains(callbacks.GetProperty("items").EnumerateArray(), c => c.GetProperty("callId").GetString() == callId);
    }

    [Fact]
    public async Task ALongExpectedWait_OffersACallback_AndTakingItLeavesTheQueue()
    {
        var queue = await calls.NewQueueAsync(callbackOfferAfterSeconds: 30);
        var hotline = await calls.NewHotlineAsync(queue);
        var callId = CallDriver.NewCallId();

        var queued = await calls.IncomingAsync(callId, hotline);

        var action = queued.GetProperty("actions")[0];
        Assert.True(action.GetProperty("offerCallback").GetBoolean(), "nobody staffs the queue: the wait is unbounded");
        await calls.PostAsync(calls.Event("callback.requested", callId, 1, new { reason = "等待太久，请回电" }));
        await calls.PostAsync(calls.Event("call.ended", callId, 2, new { by = "caller" }));
        var call = await calls.CallAsync(callId);
        Assert.Equal("CallbackRequested", call.GetProperty("outcome").GetString());
        var board = await (await app.ClientForAsync("supervisor")).GetFromJsonAsync<JsonElement>("/api/v1/wallboard");
        Assert.Equal(0, board.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("id").GetString() == queue).GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task TheDisposition_IsRecordedWithTheNoteMasked()
    {
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(calls.Event("call.offered", callId, 0, new { from = "13700006666", to = "4008001234" }));
        var agent = await app.ClientForAsync("agent");
        var card = TestData.BankCard();

        var response = await agent.PutAsJsonAsync($"/api/v1/calls/{callId}/disposition", new { solvedOnFirstContact = true, note = "客户咨询物流进度，卡号 " + card + "，已告知预计送达时间" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = await response.JsonAsync();
        Assert.True(call.GetProperty("solvedOnFirstContact").GetBoolean());
        Assert.DoesNotContain(card, call.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal("agent", call.GetProperty("dispositionBy").GetString());
        var missing = await agent.PutAsJsonAsync($"/api/v1/calls/{callId}/disposition", new { note = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.JsonAsync()).GetProperty("errors").TryGetProperty("solvedOnFirstContact", out _));
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/calls/{callId}/disposition") { Content = JsonContent.Create(new { solvedOnFirstContact = false }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"" + Guid.NewGuid().ToString("N") + "\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await agent.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task TheIdentityCheck_AcceptsOnlyPhoneOrderAndEmail()
    {
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(calls.Event("call.offered", callId, 0, new { from = "13700007777", to = "4008001234" }));
        var agent = await app.ClientForAsync("agent");

        var refused = await agent.PutAsJsonAsync($"/api/v1/calls/{callId}/identity-check", new { result = "Verified", checkedWith = new[] { "phone", "idNumber" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var verified = await agent.PutAsJsonAsync($"/api/v1/calls/{callId}/identity-check", new { result = "Verified", checkedWith = new[] { "phone", "order" } });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var call = await verified.JsonAsync();
        Assert.Equal("Verified", call.GetProperty("identityCheck").GetString());
        Assert.Equal("phone,order", call.GetProperty("identityCheckedWith").GetString());
    }

    [Fact]
    public async Task AgentStates_FollowTheContract()
    {
        var agentName = await calls.NewAgentAsync("general");
        var supervisor = await app.ClientForAsync("supervisor");
        foreach (var state in new[] { "Available", "Break", "WrapUp", "Offline" })
        {
            var response = await supervisor.PutAsJsonAsync($"/api/v1/agents/{agentName}/state", new { state });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(state, (await response.JsonAsync()).GetProperty("state").GetString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.PutAsJsonAsync($"/api/v1/agents/{agentName}/state", new { state = "OnCall" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.PutAsJsonAsync($"/api/v1/agents/{agentName}/state", new { state = "Lunch" })).StatusCode);
        var otherAgent = await app.ClientForAsync("agent2");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherAgent.PutAsJsonAsync($"/api/v1/agents/{agentName}/state", new { state = "Available" })).StatusCode);
        var self = await app.ClientForAsync("agent2");
        Assert.Equal(HttpStatusCode.OK, (await self.PutAsJsonAsync("/api/v1/agents/agent2/state", new { state = "Break" })).StatusCode);
    }
}
