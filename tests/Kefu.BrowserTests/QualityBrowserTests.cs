using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kefu.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>
/// Script rules in the browser (issue 6 points 1–2): QA try the rules on a transcript and edit one (a new version); an
/// agent writing to a customer is warned about a forbidden phrase and puts the suggested wording in with one click; a
/// call's page shows the script check of its transcript.
/// </summary>
public sealed class QualityBrowserTests(QualityBrowserApp app) : IClassFixture<QualityBrowserApp>
{
    private const string Password = "Kefu2026!";
    private const string NotMyProblem = "forbidden-not-my-problem";

    [Fact]
    public async Task QaReviewer_TrialChecksATranscript_AndEditsTheRuleIntoANewVersion()
    {
        var page = await app.NewPageAsync();
        await LogInAsync(page, "qa");
        await page.GotoAsync("/quality/rules");
        await page.Locator("[data-testid=script-rules][data-interactive=true]").WaitForAsync();
        var row = page.Locator($"[data-testid=rule-row][data-rule='{NotMyProblem}']");
        var version = int.Parse((await row.GetAttributeAsync("data-version"))!, CultureInfo.InvariantCulture); // the defaults' version
        var replacement = (await row.Locator("[data-testid=rule-replacement]").InnerTextAsync()).Trim();
        Assert.NotEqual("—", replacement);
        Assert.Equal(4, await page.Locator("[data-testid=rule-group]").CountAsync());
        await ShotAsync(page, "quality-01-script-rules");

        // 试检: a short call in which the agent pushes the customer away.
        await page.FillAsync("[data-testid=trial-text]", string.Join('\n',
            "[0:01] 坐席: 您好，这里是Kefu客服中心，我是客服李小客，请问有什么可以帮您的？",
            "[0:06] 客户: 我买的耳机三天了还没发货。",
            "[0:12] 坐席: 这不是我的问题，你去问仓库吧。",
            "[0:20] 客户: 你们怎么这样？",
            "[0:25] 坐席: 请问还有什么可以帮您的吗？感谢您的来电，再见。"));
        await page.ClickAsync("[data-testid=trial-run]");
        var finding = page.Locator($"[data-testid=trial-report] [data-testid=check-finding][data-rule='{NotMyProblem}']");
        await finding.WaitForAsync();
        Assert.Equal("transcript", await page.GetAttributeAsync("[data-testid=trial-report]", "data-mode"));
        Assert.Equal("2", await finding.GetAttributeAsync("data-segment")); // the third utterance, shown as #3
        Assert.Contains("#3 · 0:12", await finding.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("这不是我的问题", await finding.Locator("[data-testid=check-quote]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(replacement, (await finding.Locator("[data-testid=check-replacement]").InnerTextAsync()).Trim());
        Assert.Equal("Present", await page.GetAttributeAsync("[data-testid=trial-report] [data-testid=check-required-row][data-rule=greeting]", "data-status"));
        Assert.Contains($"{NotMyProblem}@{version}", await page.TextContentAsync("[data-testid=trial-report] [data-testid=check-rules-used]"), StringComparison.Ordinal);
        await ShotAsync(page, "quality-02-trial-check");

        // QA give the rule a better replacement: saved as the next version, and the next check uses it.
        const string Better = "这个问题我帮您联系仓库核实，稍后给您回复";
        await row.Locator("[data-testid=rule-edit]").ClickAsync();
        var form = page.Locator($"[data-testid=rule-edit-form][data-rule='{NotMyProblem}']");
        await form.WaitForAsync();
        await form.Locator("[data-testid=rule-form-replacement]").FillAsync(Better);
        await ShotAsync(page, "quality-03-rule-editor");
        await form.Locator("[data-testid=rule-save]").ClickAsync();
        await page.Locator($"[data-testid=rule-row][data-rule='{NotMyProblem}'][data-version='{version + 1}']").WaitForAsync();
        Assert.Equal($"v{version + 1}", (await row.Locator("[data-testid=rule-version]").InnerTextAsync()).Trim());
        Assert.Equal(Better, (await row.Locator("[data-testid=rule-replacement]").InnerTextAsync()).Trim());

        await page.ClickAsync("[data-testid=trial-run]");
        await page.Locator("[data-testid=trial-report] [data-testid=check-replacement]", new() { HasText = Better }).WaitForAsync();
        Assert.Contains($"{NotMyProblem}@{version + 1}", await page.TextContentAsync("[data-testid=trial-report] [data-testid=check-rules-used]"), StringComparison.Ordinal);

        // Both versions stay in the history, newest first.
        await row.Locator("[data-testid=rule-history]").ClickAsync();
        await page.Locator("[data-testid=rule-history-panel] [data-testid=rule-version-row]").Nth(1).WaitForAsync();
        Assert.Equal($"{version + 1}", await page.Locator("[data-testid=rule-version-row]").First.GetAttributeAsync("data-version"));
        Assert.Contains(replacement, await page.Locator($"[data-testid=rule-version-row][data-version='{version}']").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "quality-04-rule-new-version");

        // Another editor saves a version meanwhile: saving from the one read is refused with a clear message and a refresh.
        await row.Locator("[data-testid=rule-edit]").ClickAsync();
        await form.WaitForAsync();
        await PutReplacementAsync(NotMyProblem, expectedVersion: version + 1, "我帮您转给负责的同事处理");
        await form.Locator("[data-testid=rule-form-replacement]").FillAsync("这就帮您联系负责的部门");
        await form.Locator("[data-testid=rule-save]").ClickAsync();
        var problem = page.Locator("[data-testid=rule-problem][data-stale=true]");
        await problem.WaitForAsync();
        Assert.Contains("规则已被他人修改", await problem.InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "quality-05-rule-stale");
        await page.ClickAsync("[data-testid=rule-refresh]");
        await page.Locator($"[data-testid=rule-row][data-rule='{NotMyProblem}'][data-version='{version + 2}']").WaitForAsync();
        Assert.Equal("我帮您转给负责的同事处理", await form.Locator("[data-testid=rule-form-replacement]").InputValueAsync());
        await form.Locator("[data-testid=rule-cancel]").ClickAsync();

        // Removing a rule (after a confirmation) takes it out of the current set; the API no longer lists it.
        var calmDown = page.Locator("[data-testid=rule-row][data-rule=avoid-calm-down]");
        await calmDown.Locator("[data-testid=rule-remove]").ClickAsync();
        await calmDown.Locator("[data-testid=rule-remove-confirm]").ClickAsync();
        await calmDown.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        using var qa = await ClientForAsync("qa");
        Assert.DoesNotContain("\"avoid-calm-down\"", await qa.GetStringAsync("/api/v1/quality/rules"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_WritingAComplaintEmail_IsWarnedAboutAForbiddenPhrase_AndUsesTheSuggestion()
    {
        using var api = await ClientForAsync("agent");
        var complaints = JsonDocument.Parse(await api.GetStringAsync("/api/v1/complaints?open=true&mine=true")).RootElement.GetProperty("items");
        var complaintId = complaints[0].GetProperty("id").GetString();

        var page = await app.NewPageAsync();
        await LogInAsync(page, "agent");
        await page.GotoAsync($"/complaints/{complaintId}");
        await page.Locator("[data-testid=complaint-header][data-interactive=true]").WaitForAsync();
        var body = page.Locator("[data-testid=email-body]");
        await body.WaitForAsync();
        await page.Locator("[data-testid=script-assist][data-state=idle]").WaitForAsync(new() { State = WaitForSelectorState.Attached }); // empty: nothing to say yet

        // The agent writes 「我不知道」: the assistant flags it with the rule's suggestion, and sending stays possible.
        const string Draft = "张先生您好，您问的退款到账时间我不知道，请您再耐心等等。";
        await body.FillAsync(Draft);
        var assist = page.Locator("[data-testid=script-assist][data-state=warn]");
        await assist.WaitForAsync();
        var finding = assist.Locator("[data-testid=script-finding][data-rule=forbidden-dont-know]");
        Assert.Equal("forbidden", await finding.GetAttributeAsync("data-kind"));
        Assert.Contains("我不知道", await finding.Locator("[data-testid=script-quote]").InnerTextAsync(), StringComparison.Ordinal);
        var suggestion = (await finding.Locator("[data-testid=script-suggestion]").InnerTextAsync()).Trim();
        Assert.Equal("这个问题我需要核实一下", suggestion);
        Assert.True(await page.Locator("[data-testid=email-send]").IsEnabledAsync());
        await ShotAsync(page, "quality-06-email-warning");

        // 使用建议说法: the phrase is replaced in the editor and the warning goes away.
        await finding.Locator("[data-testid=script-replace]").ClickAsync();
        await page.Locator("[data-testid=script-assist][data-state=clean]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.Equal(Draft.Replace("我不知道", suggestion, StringComparison.Ordinal), await body.InputValueAsync());
        await ShotAsync(page, "quality-07-email-suggestion-used");

        // Personal data in a reply is named, never repeated.
        const string IdNumber = "11010519491231002X";
        await body.FillAsync($"请核对您的身份证 {IdNumber} 是否正确。");
        var pii = page.Locator("[data-testid=script-pii]");
        await pii.WaitForAsync();
        var warning = await pii.InnerTextAsync();
        Assert.Contains("身份证号", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, await page.Locator("[data-testid=script-assist]").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "quality-08-email-pii");
    }

    [Fact]
    public async Task Supervisor_SeesTheScriptCheckOfACallsTranscript()
    {
        var callId = "quality-" + Guid.NewGuid().ToString("N")[..12];
        var now = DateTimeOffset.UtcNow;
        var n = 0;
        object Segment(string speaker, double start, double end, string text) =>
            new { id = $"{callId}-{++n}", type = "transcript.segment", callId, at = now, speaker, startSeconds = start, endSeconds = end, text };
        await PostEventsAsync(new object[]
        {
            new { id = $"{callId}-offered", type = "call.offered", callId, at = now.AddMinutes(-3), from = "13900001111", to = "4008001234" },
            Segment("agent", 1, 5, "您好，这里是Kefu客服中心，我是客服李小客，请问有什么可以帮您的？"),
            Segment("customer", 6, 10, "我的退款一直没到。"),
            Segment("agent", 72, 76, "我不知道，你应该去问银行。"),
            Segment("customer", 77, 80, "那算了。"),
            new { id = $"{callId}-ended", type = "call.ended", callId, at = now, by = "caller" },
        });

        var page = await app.NewPageAsync();
        await LogInAsync(page, "supervisor");
        await page.GotoAsync($"/calls/{callId}");
        await page.Locator("[data-testid=call-header][data-interactive=true]").WaitForAsync();
        var check = page.Locator("[data-testid=call-script-check]");
        var dontKnow = check.Locator("[data-testid=check-finding][data-rule=forbidden-dont-know]");
        await dontKnow.WaitForAsync();
        Assert.Contains("#3 · 1:12", await dontKnow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("这个问题我需要核实一下", await dontKnow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await check.Locator("[data-testid=check-finding][data-rule=avoid-you-should]").CountAsync());
        Assert.Equal("Present", await check.Locator("[data-testid=check-required-row][data-rule=greeting]").GetAttributeAsync("data-status"));
        Assert.Equal("Missing", await check.Locator("[data-testid=check-required-row][data-rule=closing]").GetAttributeAsync("data-status"));

        // The page shows what the API reports.
        using var api = await ClientForAsync("supervisor");
        var report = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/calls/{callId}/script-check")).RootElement;
        Assert.Equal(report.GetProperty("autoFail").GetBoolean() ? "true" : "false", await check.Locator("[data-testid=check-report]").GetAttributeAsync("data-autofail"));
        var problems = report.GetProperty("findings").EnumerateArray().Count(f => f.GetProperty("kind").GetString() != "positive");
        Assert.Equal(problems, await check.Locator("[data-testid=check-finding]").CountAsync());
        await ShotAsync(page, "quality-09-call-script-check");
    }

    private async Task PutReplacementAsync(string id, int expectedVersion, string replacement)
    {
        using var qa = await ClientForAsync("qa");
        var rules = JsonNode.Parse(await qa.GetStringAsync("/api/v1/quality/rules"))!.AsArray();
        var rule = rules.Single(r => r!["id"]!.GetValue<string>() == id)!;
        rule["replacement"] = replacement;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/rules/{id}") { Content = JsonContent.Create(rule) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"" + expectedVersion.ToString(CultureInfo.InvariantCulture) + "\""));
        using var response = await qa.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"the rule edit answered {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // a full-page shot of a scrolled page draws the fixed app bar mid-page
        await app.ScreenshotAsync(page, name);
    }

    private static Task LogInAsync(IPage page, string userName) => BrowserApi.LogInAsync(page, userName);

    private Task<HttpClient> ClientForAsync(string userName) => app.ClientForAsync(userName);

    private Task PostEventsAsync(object cti) => app.PostEventsAsync(cti);
}

/// <summary>
/// <see cref="BrowserApp"/> with outgoing mail switched on, so the complaint workspace shows the e-mail reply form (nothing
/// is sent in these tests, and the mailbox poller stays off with the other background jobs).
/// </summary>
public sealed class QualityBrowserApp() : BrowserApp(new MailFormAppFactory { ServeStaticAssets = true })
{
    private sealed class MailFormAppFactory : KefuAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Kefu:Mail:Enabled", "true");
            builder.UseSetting("Kefu:Jobs:Enabled", "false");
        }
    }
}
