using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>
/// The call center in the browser: the PBX posts CTI events over HTTP (as the demo <c>pbx</c> account) while agents and
/// supervisors watch the desktop and the wallboard react live.
/// </summary>
public sealed class CallCenterBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Password = "Kefu2026!";
    private const string Hotline = "4008001234";
    private int eventCounter;

    [Fact]
    public async Task Agent_TakesZhangWeisCall_OnTheDesktop_VerifiesIdentity_AndWrapsUp()
    {
        await OpenAroundTheClockAsync();
        var fault = await RaiseFaultAsync("物流信息查询故障");

        var page = await app.NewPageAsync();
        await page.SetViewportSizeAsync(1366, 768);
        await LogInAsync(page, "agent");
        await page.GotoAsync("/desktop");
        await page.Locator("[data-testid=desktop][data-interactive=true]").WaitForAsync();
        await page.Locator("[data-testid=screen-pop-empty]").WaitForAsync();

        // The agent goes Available: only then does the ACD offer calls.
        await page.ClickAsync("[data-testid=desktop-state-available]");
        await page.Locator("[data-testid=desktop-state][data-state=Available]").WaitForAsync();
        await page.Locator($"[data-testid=fault-banner][data-id='{fault}']").WaitForAsync();
        await ShotAsync(page, "calls-01-desktop-available");

        // 张伟 calls the hotline and presses 2 (售后): the call rings at the only available agent with the skill.
        var callId = "browser-" + Guid.NewGuid().ToString("N")[..12];
        await PostEventsAsync(new { id = NextEventId(), type = "call.offered", callId, at = DateTimeOffset.UtcNow, from = "13812345678", to = Hotline });
        await PostEventsAsync(new { id = NextEventId(), type = "ivr.selected", callId, at = DateTimeOffset.UtcNow, digit = "2" });

        await page.Locator($"[data-testid=screen-pop][data-call-id='{callId}'][data-status=Ringing]").WaitForAsync();
        await page.Locator("[data-testid=desktop-state][data-state=Ringing]").WaitForAsync();
        Assert.Equal("张伟", (await page.InnerTextAsync("[data-testid=pop-customer-name]")).Trim());
        Assert.Equal("138****5678", (await page.InnerTextAsync("[data-testid=pop-phone]")).Trim());
        var greeting = await page.InnerTextAsync("[data-testid=greeting-script]");
        Assert.Contains("您好，这里是", greeting, StringComparison.Ordinal);
        Assert.Contains("李小客", greeting, StringComparison.Ordinal);
        Assert.Contains("1001", greeting, StringComparison.Ordinal);
        Assert.Contains("TS-", await page.InnerTextAsync("[data-testid=pop-complaints]"), StringComparison.Ordinal);

        // On a 1366×768 screen the pop and the greeting are visible without scrolling, even under a fault banner.
        var box = await page.Locator("[data-testid=greeting-script]").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y + box.Height <= 768, $"the greeting ends at {box.Y + box.Height}px, below a 768px screen");
        Assert.True(await page.Locator("[data-testid=softphone-answer]").IsVisibleAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(app.ScreenshotDirectory, "calls-02-screen-pop-1366x768.png") });

        // 接听 on the soft phone (no PBX reports the answer in this set-up).
        await page.ClickAsync("[data-testid=softphone-answer]");
        await page.Locator($"[data-testid=screen-pop][data-call-id='{callId}'][data-status=Talking]").WaitForAsync();
        await page.Locator("[data-testid=desktop-state][data-state=OnCall]").WaitForAsync();

        // The caller is affected by the fault: tagged, owed a callback after recovery.
        await page.ClickAsync("[data-testid=fault-tag]");
        await page.Locator("[data-testid=fault-tagged]").WaitForAsync();
        await page.Locator("[data-testid=my-callback-row]").First.WaitForAsync();

        // Identity (seed 003 §3.1): registered phone and last order matched.
        await page.CheckAsync("[data-testid=identity-phone]");
        await page.CheckAsync("[data-testid=identity-order]");
        await page.CheckAsync("[data-testid=identity-verified]");
        await page.ClickAsync("[data-testid=identity-save]");
        await page.Locator("[data-testid=identity-result][data-result=Verified]").WaitForAsync();
        Assert.Contains("身份证号", await page.InnerTextAsync("[data-testid=identity-forbidden]"), StringComparison.Ordinal);

        // An emotional caller brings up the calm-down and refocus scripts.
        await page.CheckAsync("[data-testid=desktop-emotional]");
        await page.Locator("[data-testid=emotional-scripts]").WaitForAsync();
        Assert.Contains("我们来看看怎么解决这个问题", await page.InnerTextAsync("[data-testid=emotional-scripts]"), StringComparison.Ordinal);
        await ShotAsync(page, "calls-03-desktop-on-call");

        // The customer hangs up first (as the closing reminder asks); the agent is in wrap-up.
        await PostEventsAsync(new { id = NextEventId(), type = "call.ended", callId, at = DateTimeOffset.UtcNow, by = "caller" });
        await page.Locator($"[data-testid=screen-pop][data-call-id='{callId}'][data-status=Ended]").WaitForAsync();
        await page.Locator("[data-testid=desktop-state][data-state=WrapUp]").WaitForAsync();

        // The objective note and "solved on first contact".
        const string Note = "客户查询退款进度，已告知预计3个工作日内到账，客户表示认可。";
        await page.FillAsync("[data-testid=call-note]", Note);
        await page.CheckAsync("[data-testid=call-fcr]");
        await page.ClickAsync("[data-testid=disposition-save]");
        await page.Locator("[data-testid=disposition-saved]").WaitForAsync();
        await ShotAsync(page, "calls-04-desktop-wrapped-up");

        // What the API reports is what the agent recorded.
        using var agentApi = await ClientForAsync("agent");
        using var response = await agentApi.GetAsync($"/api/v1/calls/{callId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Verified", call.GetProperty("identityCheck").GetString());
        Assert.Equal("phone,order", call.GetProperty("identityCheckedWith").GetString());
        Assert.Equal(Note, call.GetProperty("note").GetString());
        Assert.True(call.GetProperty("solvedOnFirstContact").GetBoolean());
        Assert.True(call.GetProperty("emotionalCaller").GetBoolean());
        Assert.Equal("agent", call.GetProperty("agent").GetString());
        Assert.Equal("Answered", call.GetProperty("outcome").GetString());
        Assert.Equal("Caller", call.GetProperty("endedBy").GetString());

        // The PBX delivers the recording and the transcript after the call.
        await PostEventsAsync(new object[]
        {
            new { id = NextEventId(), type = "recording.available", callId, at = DateTimeOffset.UtcNow, uri = $"https://pbx.example.com/recordings/{callId}.wav", durationSeconds = 95 },
            new { id = NextEventId(), type = "transcript.segment", callId, at = DateTimeOffset.UtcNow, speaker = "agent", startSeconds = 0.5, endSeconds = 4.2, text = "您好，这里是Kefu客服中心，我是客服李小客，请问有什么可以帮您的？" },
            new { id = NextEventId(), type = "transcript.segment", callId, at = DateTimeOffset.UtcNow, speaker = "customer", startSeconds = 4.8, endSeconds = 9.0, text = "我上周申请的退款到现在还没到账。" },
        });

        // The call list and the call's page show it with its times and wrap-up.
        await page.SetViewportSizeAsync(1366, 850);
        await page.GotoAsync("/calls");
        await page.Locator("[data-testid=call-filters][data-interactive=true]").WaitForAsync();
        await page.Locator($"[data-testid=call-row][data-call-id='{callId}']").WaitForAsync();
        await ShotAsync(page, "calls-05-call-list");
        await page.GotoAsync($"/calls/{callId}");
        await page.Locator("[data-testid=call-header][data-interactive=true]").WaitForAsync();
        Assert.Equal("Verified", await page.GetAttributeAsync("[data-testid=call-identity]", "data-result"));
        Assert.Contains(Note, await page.InnerTextAsync("[data-testid=call-note-value]"), StringComparison.Ordinal);
        Assert.Contains("张伟", await page.InnerTextAsync("[data-testid=call-customer]"), StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator("[data-testid=transcript-segment]").CountAsync());
        Assert.Equal("customer", await page.Locator("[data-testid=transcript-segment]").Nth(1).GetAttributeAsync("data-speaker"));
        Assert.Contains(".wav", await page.InnerTextAsync("[data-testid=call-recording]"), StringComparison.Ordinal);
        await ShotAsync(page, "calls-06-call-detail");

        await RecoverFaultAsync(fault);
    }

    [Fact]
    public async Task Agent_RegistersAnUnknownCaller_PromisesACallback_AndTransfersToAQueue()
    {
        await OpenAroundTheClockAsync();
        await SetOfflineAsync("agent", "agent2", "aftersales", "supervisor"); // only agent2 (orders) takes this call

        var page = await app.NewPageAsync();
        await LogInAsync(page, "agent2");
        await page.GotoAsync("/desktop");
        await page.Locator("[data-testid=desktop][data-interactive=true]").WaitForAsync();
        await page.ClickAsync("[data-testid=desktop-state-available]");
        await page.Locator("[data-testid=desktop-state][data-state=Available]").WaitForAsync();

        // A number nobody registered calls 查询订单 (1).
        var number = "137" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var callId = "browser-" + Guid.NewGuid().ToString("N")[..12];
        await PostEventsAsync(new { id = NextEventId(), type = "call.offered", callId, at = DateTimeOffset.UtcNow, from = number, to = Hotline });
        await PostEventsAsync(new { id = NextEventId(), type = "ivr.selected", callId, at = DateTimeOffset.UtcNow, digit = "1" });
        await page.Locator($"[data-testid=screen-pop][data-call-id='{callId}']").WaitForAsync();
        Assert.Equal("未知来电", (await page.InnerTextAsync("[data-testid=pop-customer-name]")).Trim());
        Assert.Equal(number, await page.InputValueAsync("[data-testid=quick-customer-phone]"));
        await page.ClickAsync("[data-testid=softphone-answer]");
        await page.Locator($"[data-testid=screen-pop][data-status=Talking]").WaitForAsync();

        // The quick form registers the caller and links the call: the pop now names them.
        await page.FillAsync("[data-testid=quick-customer-name]", "赵敏");
        await page.ClickAsync("[data-testid=quick-customer-save]");
        await page.Locator("[data-testid=pop-customer-name]", new() { HasText = "赵敏" }).WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=quick-customer]").CountAsync());
        await page.Locator("[data-testid=complaint-create]").WaitForAsync();

        // A bounded promise: call back within 2 hours; it is listed under my callbacks with its due time.
        await page.FillAsync("[data-testid=callback-reason]", "核实订单发货情况后回电告知");
        await page.ClickAsync("[data-testid=callback-2h]");
        var callback = page.Locator("[data-testid=my-callback-row]", new() { HasText = "核实订单发货情况后回电告知" });
        await callback.WaitForAsync();
        Assert.Equal("false", await callback.GetAttributeAsync("data-overdue"));

        // Transfer to the 售后 queue with the reason; the script names where the caller goes.
        await page.CheckAsync("[data-testid=transfer-kind-queue]");
        await SelectAsync(page, "transfer-queue", "售后");
        await page.FillAsync("[data-testid=transfer-reason]", "退货退款问题");
        await page.Locator("[data-testid=transfer-script]", new() { HasText = "售后" }).WaitForAsync();
        await ShotAsync(page, "calls-13-desktop-unknown-caller-transfer");
        await page.ClickAsync("[data-testid=transfer-submit]");
        await page.Locator("[data-testid=desktop-state][data-state=WrapUp]").WaitForAsync();

        using var agentApi = await ClientForAsync("agent2");
        var call = JsonDocument.Parse(await agentApi.GetStringAsync($"/api/v1/calls/{callId}")).RootElement;
        Assert.Equal(JsonValueKind.String, call.GetProperty("customerId").ValueKind);
        var transfer = call.GetProperty("transfers")[0];
        Assert.Equal("Queue", transfer.GetProperty("kind").GetString());
        Assert.Equal("after-sales", transfer.GetProperty("target").GetString());
        Assert.Equal("退货退款问题", transfer.GetProperty("reason").GetString());
        var customer = JsonDocument.Parse(await agentApi.GetStringAsync($"/api/v1/customers/{call.GetProperty("customerId").GetString()}")).RootElement;
        Assert.Equal("赵敏", customer.GetProperty("name").GetString());

        // The caller hangs up in the queue; the callback is kept and done later with its outcome.
        await PostEventsAsync(new { id = NextEventId(), type = "call.ended", callId, at = DateTimeOffset.UtcNow, by = "caller" });
        await callback.Locator("[data-testid=callback-complete]").ClickAsync();
        await page.FillAsync("[data-testid=callback-outcome]", "已回电，订单今日发出");
        await page.ClickAsync("[data-testid=callback-complete-save]");
        await callback.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task Supervisor_SeesACallWaiting_OnTheWallboard_AsItHappens()
    {
        await OpenAroundTheClockAsync();

        // No agent takes 人工服务 calls: the caller waits in the queue.
        await SetOfflineAsync("agent", "agent2", "aftersales", "supervisor");

        var page = await app.NewPageAsync();
        await LogInAsync(page, "supervisor");
        await page.GotoAsync("/wallboard");
        await page.Locator("[data-testid=wallboard][data-interactive=true]").WaitForAsync();
        var generalRow = page.Locator("[data-testid=wallboard-queue-row][data-queue=general]");
        await generalRow.WaitForAsync();
        var waitingBefore = int.Parse(await generalRow.GetAttributeAsync("data-waiting") ?? "0", CultureInfo.InvariantCulture);
        var abandonedBefore = int.Parse(await page.GetAttributeAsync("[data-testid=kpi-abandoned]", "data-abandoned") ?? "0", CultureInfo.InvariantCulture);

        // A caller presses 0 (人工): the wallboard shows them waiting without a reload.
        var callId = "browser-" + Guid.NewGuid().ToString("N")[..12];
        await PostEventsAsync(new { id = NextEventId(), type = "call.offered", callId, at = DateTimeOffset.UtcNow, from = "13900001234", to = Hotline });
        await PostEventsAsync(new { id = NextEventId(), type = "ivr.selected", callId, at = DateTimeOffset.UtcNow, digit = "0" });
        await page.Locator($"[data-testid=wallboard-queue-row][data-queue=general][data-waiting='{waitingBefore + 1}']").WaitForAsync();
        Assert.Contains("wb-warn", await generalRow.Locator("[data-testid=queue-waiting]").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        await page.WaitForTimeoutAsync(5500); // one periodic refresh: the longest wait has grown
        Assert.NotEqual("—", (await generalRow.Locator("[data-testid=queue-longest-wait]").InnerTextAsync()).Trim());
        await ShotAsync(page, "calls-07-wallboard-waiting");

        // The caller gives up: the queue empties and the call counts as abandoned.
        await PostEventsAsync(new { id = NextEventId(), type = "call.ended", callId, at = DateTimeOffset.UtcNow, by = "caller" });
        await page.Locator($"[data-testid=wallboard-queue-row][data-queue=general][data-waiting='{waitingBefore}']").WaitForAsync();
        await page.Locator($"[data-testid=kpi-abandoned][data-abandoned='{abandonedBefore + 1}']").WaitForAsync();

        // A supervisor raises a fault notice from the wallboard and marks it recovered.
        await page.FillAsync("[data-testid=fault-title]", "订单查询接口超时");
        await page.FillAsync("[data-testid=fault-alternative]", "您可以通过APP“我的”-“订单”页面查看物流信息");
        await page.ClickAsync("[data-testid=fault-raise]");
        var row = page.Locator("[data-testid=fault-row][data-active=true]", new() { HasText = "订单查询接口超时" });
        await row.WaitForAsync();
        await ShotAsync(page, "calls-08-wallboard-fault");
        await row.Locator("[data-testid=fault-recover]").ClickAsync();
        await page.Locator("[data-testid=fault-row][data-active=false]", new() { HasText = "订单查询接口超时" }).WaitForAsync();

        // The same wallboard in English.
        await page.GotoAsync("/account/culture?culture=en&returnUrl=" + Uri.EscapeDataString("/wallboard"));
        await page.Locator("[data-testid=wallboard][data-interactive=true]").WaitForAsync();
        Assert.Contains("Waiting", await page.InnerTextAsync("[data-testid=wallboard-queues]"), StringComparison.Ordinal);
        await ShotAsync(page, "calls-12-wallboard-en");
    }

    [Fact]
    public async Task Admin_EditsTheIvrMenu_AndAWrongMenuIsRefusedWithTheFieldNamed()
    {
        var page = await app.NewPageAsync();
        await LogInAsync(page, "admin");
        await page.GotoAsync("/admin/call-center");
        await page.Locator("[data-testid=call-center-setup][data-interactive=true]").WaitForAsync();
        await page.Locator("[data-testid=queue-row][data-queue=after-sales]").WaitForAsync();
        await page.Locator("[data-testid=ivr-option][data-path='menu[3]']").WaitForAsync();
        await ShotAsync(page, "calls-09-call-center-setup");

        // Two options on key 1: refused, and the second one's key is marked in the UI language.
        var secondKey = page.Locator("[data-testid=ivr-option][data-path='menu[1]'] .mud-input-helper-text.mud-input-error").First;
        await page.FillAsync("[data-testid='ivr-digit-menu[1]']", "1");
        await page.ClickAsync("[data-testid=hotline-save]");
        await secondKey.WaitForAsync();
        Assert.Contains("重复", await secondKey.InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "calls-10-ivr-error");

        // Fixed, it saves, and a sub-menu under 3 with two leaves is kept.
        await page.FillAsync("[data-testid='ivr-digit-menu[1]']", "2");
        await page.ClickAsync("[data-testid='ivr-add-child-menu[2]']");
        await page.ClickAsync("[data-testid='ivr-add-menu[2].options']");
        await page.FillAsync("[data-testid='ivr-label-menu[2].options[0]']", "产品投诉");
        await page.FillAsync("[data-testid='ivr-label-menu[2].options[1]']", "服务投诉");
        await SelectAsync(page, "ivr-queue-menu[2].options[1]", "投诉建议");
        await page.ClickAsync("[data-testid=hotline-save]");
        await page.Locator("[data-testid=ivr-option][data-path='menu[1]'] .mud-input-error").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        using var admin = await ClientForAsync("admin");
        var hotline = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/hotlines")).RootElement.EnumerateArray().Single(h => h.GetProperty("number").GetString() == Hotline);
        var complaints = hotline.GetProperty("menu")[2];
        Assert.Equal(2, complaints.GetProperty("options").GetArrayLength());
        Assert.Equal("complaints", complaints.GetProperty("options")[0].GetProperty("queue").GetString());
        Assert.Equal("服务投诉", complaints.GetProperty("options")[1].GetProperty("label").GetString());
        await ShotAsync(page, "calls-11-ivr-sub-menu");
    }

    /// <summary>Opens a MudSelect (its input carries the test id) and picks the option with exactly this text.</summary>
    private static async Task SelectAsync(IPage page, string testId, string option)
    {
        await page.Locator($"[data-testid='{testId}']").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await page.Locator($"[data-testid='{testId}'][aria-expanded=false]").WaitForAsync();
    }

    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // a full-page shot of a scrolled page draws the fixed app bar mid-page
        await app.ScreenshotAsync(page, name);
    }

    private static Task LogInAsync(IPage page, string userName) => BrowserApi.LogInAsync(page, userName);

    private string NextEventId() => string.Create(CultureInfo.InvariantCulture, $"browser-evt-{Guid.NewGuid():N}-{Interlocked.Increment(ref eventCounter)}");

    private Task<HttpClient> ClientForAsync(string userName) => app.ClientForAsync(userName);

    private Task PostEventsAsync(object cti) => app.PostEventsAsync(cti);

    /// <summary>The demo hotline is open 08:00–22:00 China time: open it around the clock so a test run at night is not sent to the after-hours menu.</summary>
    private async Task OpenAroundTheClockAsync()
    {
        using var admin = await ClientForAsync("admin");
        var hotlines = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/hotlines")).RootElement;
        var hotline = hotlines.EnumerateArray().Single(h => h.GetProperty("number").GetString() == Hotline);
        if (hotline.GetProperty("opensAt").GetString() == hotline.GetProperty("closesAt").GetString())
        {
            return;
        }

        var body = new
        {
            number = Hotline,
            name = hotline.GetProperty("name").GetString(),
            greeting = hotline.GetProperty("greeting").GetString(),
            menu = hotline.GetProperty("menu"),
            opensAt = "00:00",
            closesAt = "00:00",
            openDays = "1234567",
            afterHoursPrompt = hotline.GetProperty("afterHoursPrompt").GetString(),
            afterHoursMode = hotline.GetProperty("afterHoursMode").GetString(),
            invalidChoicePrompt = hotline.GetProperty("invalidChoicePrompt").GetString(),
            isDefault = true,
        };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/hotlines/{hotline.GetProperty("id").GetString()}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"" + hotline.GetProperty("version").GetGuid().ToString("N") + "\""));
        using var response = await admin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"opening the hotline around the clock answered {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task SetOfflineAsync(params string[] agents)
    {
        using var supervisor = await ClientForAsync("supervisor");
        foreach (var agent in agents)
        {
            using var set = await supervisor.PutAsJsonAsync($"/api/v1/agents/{agent}/state", new { state = "Offline" });
            Assert.True(set.StatusCode == HttpStatusCode.OK, $"setting {agent} offline answered {set.StatusCode}");
        }
    }

    private async Task<string> RaiseFaultAsync(string title)
    {
        using var supervisor = await ClientForAsync("supervisor");
        using var response = await supervisor.PostAsJsonAsync("/api/v1/fault-notices", new { title, selfServiceAlternative = "您可以通过APP“我的”-“订单”页面查看物流信息" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private async Task RecoverFaultAsync(string id)
    {
        using var supervisor = await ClientForAsync("supervisor");
        using var response = await supervisor.PostAsync($"/api/v1/fault-notices/{id}/recover", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
