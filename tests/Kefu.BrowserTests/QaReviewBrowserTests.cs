using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>
/// The weekly QA review in the browser (issue #6 points 3–4): the PBX delivers recorded, transcribed calls over HTTP; a QA
/// reviewer draws the week's sample, scores a call from the pre-filled automatic findings and records a liability finding.
/// </summary>
public sealed class QaReviewBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Password = "Kefu2026!";
    private const string Forbidden = "这不是我的问题";
    private int eventCounter;

    [Fact]
    public async Task QaReviewer_DrawsTheWeeksSample_ScoresAPrefilledCall_AndUpholdsALiabilityFinding()
    {
        // Three answered, recorded calls of the demo agent this week; the first has the agent saying 「这不是我的问题」 at 1:05.
        var run = Guid.NewGuid().ToString("N")[..8];
        var target = $"qa-{run}-1";
        await PostCallAsync(target,
        [
            ("agent", 0.5, "您好，这里是Kefu客服中心，我是客服李小客，请问有什么可以帮您的？"),
            ("customer", 5, "我买的电饭煲收到就是坏的，我要退货。"),
            ("agent", 65.2, Forbidden + "，你去找快递公司吧。"),
            ("customer", 70, "你们怎么这样！"),
        ]);
        foreach (var n in new[] { 2, 3 })
        {
            await PostCallAsync($"qa-{run}-{n}",
            [
                ("agent", 0.5, "您好，这里是Kefu客服中心，我是客服李小客，请问有什么可以帮您的？"),
                ("customer", 4, "我想查一下退款进度。"),
                ("agent", 20, "非常理解您的心情，我马上帮您查询，退款预计3个工作日内到账。"),
                ("agent", 40, "请问还有其他可以帮您的吗？感谢您的来电，再见。"),
            ]);
        }

        var page = await app.NewPageAsync();
        await LogInAsync(page, "qa");
        await page.GotoAsync("/quality/sample");
        await page.Locator("[data-testid=qa-sample][data-interactive=true]").WaitForAsync();
        await page.Locator("[data-testid=qa-not-drawn]").WaitForAsync();
        await ShotAsync(page, "qa-01-sample-undrawn");

        await page.ClickAsync("[data-testid=qa-draw]");
        await page.Locator("[data-testid=qa-drawn]").WaitForAsync();
        Assert.True(await page.Locator("[data-testid=qa-item][data-source=Random]").CountAsync() >= 1, "the draw picked no call");
        await ShotAsync(page, "qa-02-sample-drawn");

        // One of the agent's three calls is drawn (⌈10 %⌉ per agent). The reviewer adds a call by hand: the one under review
        // when the draw passed it over, another of the agent's calls otherwise.
        var row = page.Locator($"[data-testid=qa-item][data-call-id='{target}']");
        var byHand = await row.CountAsync() == 0
            ? target
            : await page.Locator($"[data-testid=qa-item][data-call-id='qa-{run}-2']").CountAsync() == 0 ? $"qa-{run}-2" : $"qa-{run}-3";
        await page.FillAsync("[data-testid=qa-add-call]", byHand);
        await page.FillAsync("[data-testid=qa-add-reason]", "投诉相关");
        await page.ClickAsync("[data-testid=qa-add-submit]");
        var added = page.Locator($"[data-testid=qa-item][data-call-id='{byHand}'][data-source=Manual]");
        await added.WaitForAsync();
        Assert.Contains("投诉相关", await added.InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "qa-03-sample-added-by-hand");

        // Start the evaluation: the form opens pre-filled from the script check.
        await row.Locator("[data-testid=qa-item-start]").ClickAsync();
        await page.Locator("[data-testid=evaluation][data-interactive=true][data-status=Draft]").WaitForAsync();
        var scriptPrefill = int.Parse(await page.GetAttributeAsync("[data-testid=evaluation-criterion][data-criterion=script]", "data-prefilled") ?? "", CultureInfo.InvariantCulture);
        Assert.True(scriptPrefill < 100, $"the script score was pre-filled with {scriptPrefill}, not lowered by the forbidden phrase");
        Assert.Equal(scriptPrefill.ToString(CultureInfo.InvariantCulture), await page.InputValueAsync("[data-testid=score-script]"));
        var finding = page.Locator("[data-testid=evaluation-finding]").Filter(new() { HasText = Forbidden });
        await finding.First.WaitForAsync();
        Assert.Contains("01:05", await finding.First.InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "qa-04-evaluation-prefilled");

        // A second session changes the draft meanwhile: saving from the page is refused with 412 and says so; reload picks it up.
        var evaluationId = await page.GetAttributeAsync("[data-testid=evaluation]", "data-id");
        using (var other = await ClientForAsync("qa"))
        {
            using var current = await other.GetAsync($"/api/v1/quality/evaluations/{evaluationId}");
            current.EnsureSuccessStatusCode();
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/evaluations/{evaluationId}") { Content = JsonContent.Create(new { comment = "另一窗口的草稿" }) };
            put.Headers.IfMatch.Add(current.Headers.ETag!);
            using var saved = await other.SendAsync(put);
            Assert.True(saved.IsSuccessStatusCode, $"the concurrent save answered {saved.StatusCode}");
        }

        await page.ClickAsync("[data-testid=evaluation-save]");
        await page.Locator("[data-testid=evaluation-stale]").WaitForAsync();
        await ShotAsync(page, "qa-04b-evaluation-stale-412");
        await page.ClickAsync("[data-testid=evaluation-reload]");
        await page.Locator("[data-testid=evaluation-stale]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await Assertions.Expect(page.Locator("[data-testid=evaluation-comment]")).ToHaveValueAsync("另一窗口的草稿");

        // The reviewer decides the criteria a person must judge; the total follows live.
        foreach (var (criterion, score) in new[] { ("needs", "70"), ("resolution", "40"), ("empathy", "30"), ("identity", "80"), ("respect", "30"), ("sincerity", "40") })
        {
            await page.FillAsync($"[data-testid=score-{criterion}]", score);
        }

        // 定责成立, with the finding's offset and quote as the evidence.
        await page.Locator("[data-testid=liability]").GetByText("定责成立", new() { Exact = true }).ClickAsync();
        await finding.First.Locator("[data-testid=evaluation-finding-use]").ClickAsync();
        // The server re-renders the field after the click: wait for the inserted line rather than read at once.
        await Assertions.Expect(page.Locator("[data-testid=liability-evidence]")).ToHaveValueAsync(new Regex("^01:05 「" + Forbidden, RegexOptions.None, TimeSpan.FromSeconds(1)));
        await page.FillAsync("[data-testid=evaluation-comment]", "坐席推诿责任，未使用共情语句。");
        await ShotAsync(page, "qa-05-evaluation-scored");

        await page.ClickAsync("[data-testid=evaluation-submit]");
        await page.Locator("[data-testid=evaluation][data-status=Submitted][data-liability=Upheld]").WaitForAsync();
        Assert.Contains(Forbidden, await page.InnerTextAsync("[data-testid=liability-evidence-value]"), StringComparison.Ordinal);
        await ShotAsync(page, "qa-06-evaluation-submitted");

        // What the API reports is what the reviewer recorded.
        using var qa = await ClientForAsync("qa");
        var evaluations = JsonDocument.Parse(await qa.GetStringAsync($"/api/v1/quality/evaluations?callId={Uri.EscapeDataString(target)}")).RootElement;
        var evaluation = Assert.Single(evaluations.EnumerateArray());
        Assert.Equal("Submitted", evaluation.GetProperty("status").GetString());
        Assert.Equal("Upheld", evaluation.GetProperty("liability").GetString());
        Assert.Equal("agent", evaluation.GetProperty("agent").GetString());
        Assert.Equal("qa", evaluation.GetProperty("reviewer").GetString());
        Assert.Equal(scriptPrefill, evaluation.GetProperty("scores").GetProperty("script").GetInt32());
        Assert.Equal(40, evaluation.GetProperty("scores").GetProperty("resolution").GetInt32());
        Assert.Contains(Forbidden, evaluation.GetProperty("liabilityEvidence").GetString(), StringComparison.Ordinal);

        // The sample shows the call as submitted.
        await page.GotoAsync("/quality/sample");
        await page.Locator("[data-testid=qa-sample][data-interactive=true]").WaitForAsync();
        await page.Locator($"[data-testid=qa-item][data-call-id='{target}'][data-status=Submitted]").WaitForAsync();
        await ShotAsync(page, "qa-07-sample-with-submitted");

        // The agent sees the evaluation of their call among their own.
        var agentPage = await app.NewPageAsync();
        await LogInAsync(agentPage, "agent");
        await agentPage.GotoAsync("/quality/my-evaluations");
        await agentPage.Locator("[data-testid=my-evaluations][data-interactive=true]").WaitForAsync();
        await agentPage.Locator($"[data-testid=my-evaluation][data-id='{evaluationId}'][data-liability=Upheld]").WaitForAsync();
        await ShotAsync(agentPage, "qa-08-agent-my-evaluations");

        // The agent appeals once; a supervisor lets the finding stand.
        await agentPage.Locator($"[data-testid=my-evaluation][data-id='{evaluationId}'] [data-testid=my-evaluation-open]").ClickAsync();
        await agentPage.Locator("[data-testid=evaluation][data-interactive=true][data-status=Submitted]").WaitForAsync();
        await agentPage.FillAsync("[data-testid=appeal-input]", "客户情绪激动，我当时是想说明物流问题由快递公司处理。");
        await agentPage.ClickAsync("[data-testid=appeal-submit]");
        await agentPage.Locator("[data-testid=appeal-open]").WaitForAsync();
        Assert.Equal(0, await agentPage.Locator("[data-testid=appeal-input]").CountAsync());
        await ShotAsync(agentPage, "qa-09-agent-appealed");

        var supervisorPage = await app.NewPageAsync();
        await LogInAsync(supervisorPage, "supervisor");
        await supervisorPage.GotoAsync($"/quality/evaluations/{evaluationId}");
        await supervisorPage.Locator("[data-testid=evaluation][data-interactive=true]").WaitForAsync();
        await supervisorPage.Locator("[data-testid=appeal-decide-choice]").GetByText("申诉驳回，定责维持", new() { Exact = true }).ClickAsync();
        await supervisorPage.FillAsync("[data-testid=appeal-decide-note]", "录音显示坐席推诿，定责维持。");
        await supervisorPage.ClickAsync("[data-testid=appeal-decide]");
        await supervisorPage.Locator("[data-testid=appeal-decision][data-decision=FindingStands]").WaitForAsync();
        await ShotAsync(supervisorPage, "qa-10-supervisor-decided");
        var decided = JsonDocument.Parse(await qa.GetStringAsync($"/api/v1/quality/evaluations/{evaluationId}")).RootElement;
        Assert.Equal("FindingStands", decided.GetProperty("appealDecision").GetString());
        Assert.Equal("Upheld", decided.GetProperty("liability").GetString());
    }

    /// <summary>An answered call of the demo agent as the PBX reports it: offered, answered, ended, the recording and the transcript.</summary>
    private async Task PostCallAsync(string callId, (string Speaker, double Start, string Text)[] segments)
    {
        var at = DateTimeOffset.UtcNow;
        var events = new List<object>
        {
            new { id = NextEventId(), type = "call.offered", callId, at = at.AddMinutes(-3), from = "13900001111", to = "4008001234" },
            new { id = NextEventId(), type = "call.answered", callId, at = at.AddMinutes(-3).AddSeconds(5), agent = "agent" },
            new { id = NextEventId(), type = "call.ended", callId, at = at.AddSeconds(-30), by = "caller" },
            new { id = NextEventId(), type = "recording.available", callId, at, uri = $"https://pbx.example.com/recordings/{callId}.wav", durationSeconds = 150 },
        };
        events.AddRange(segments.Select(s => (object)new
        {
            id = NextEventId(), type = "transcript.segment", callId, at, speaker = s.Speaker, startSeconds = s.Start, endSeconds = s.Start + 4, text = s.Text,
        }));
        using var pbx = await ClientForAsync("pbx");
        foreach (var cti in events)
        {
            using var response = await pbx.PostAsJsonAsync("/api/v1/cti/events", cti);
            Assert.True(response.IsSuccessStatusCode, $"the CTI event was refused: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await app.ScreenshotAsync(page, name);
    }

    private static Task LogInAsync(IPage page, string userName) => BrowserApi.LogInAsync(page, userName);

    private string NextEventId() => string.Create(CultureInfo.InvariantCulture, $"qa-evt-{Guid.NewGuid():N}-{Interlocked.Increment(ref eventCounter)}");

    private Task<HttpClient> ClientForAsync(string userName) => app.ClientForAsync(userName);
}
