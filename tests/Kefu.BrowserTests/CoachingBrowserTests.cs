using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>
/// Scorecards and coaching in the browser (issue #6 point 5): a supervisor sees an agent's QA score under the target on the
/// scorecard, coaches them from there, and the agent acknowledges the coaching item.
/// </summary>
public sealed class CoachingBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task ASupervisorCoachesAnAgentFromTheScorecard_AndTheAgentAcknowledges()
    {
        // A fresh agent with one evaluated call scoring 70 (every criterion at 70), under the target of 80.
        var agentName = "coach" + Guid.NewGuid().ToString("N")[..6];
        using (var admin = await app.ClientForAsync("admin"))
        {
            using var created = await admin.PostAsJsonAsync("/api/v1/users", new
            {
                userName = agentName, displayName = "陈坐席", password = BrowserApi.Password, role = "Agent", workNumber = agentName[^4..],
            });
            Assert.True(created.IsSuccessStatusCode, $"creating the agent answered {created.StatusCode}");
        }

        var callId = $"coach-{Guid.NewGuid():N}"[..20];
        var at = DateTimeOffset.UtcNow;
        await app.PostEventsAsync(new object[]
        {
            new { id = callId + "-1", type = "call.offered", callId, at = at.AddMinutes(-3), from = "13900002222", to = "4008001234" },
            new { id = callId + "-2", type = "call.answered", callId, at = at.AddMinutes(-3).AddSeconds(5), agent = agentName },
            new { id = callId + "-3", type = "transcript.segment", callId, at, speaker = "agent", startSeconds = 0.5, endSeconds = 4, text = "您好，这里是Kefu客服中心，请问有什么可以帮您的？" },
            new { id = callId + "-4", type = "call.ended", callId, at = at.AddSeconds(-30), by = "caller" },
        });
        using (var qa = await app.ClientForAsync("qa"))
        {
            using var started = await qa.PostAsJsonAsync("/api/v1/quality/evaluations", new { callId });
            var evaluation = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement;
            var id = evaluation.GetProperty("id").GetString();
            var scores = new[] { "script", "needs", "resolution", "empathy", "identity", "respect", "sincerity" }.ToDictionary(c => c, _ => 70);
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/evaluations/{id}") { Content = JsonContent.Create(new { scores, liability = "NotUpheld" }) };
            put.Headers.TryAddWithoutValidation("If-Match", "\"" + Guid.Parse(evaluation.GetProperty("version").GetString()!).ToString("N") + "\"");
            using var updated = await qa.SendAsync(put);
            Assert.True(updated.IsSuccessStatusCode, $"scoring answered {updated.StatusCode}");
            using var submitted = await qa.PostAsync($"/api/v1/quality/evaluations/{id}/submit", null);
            Assert.True(submitted.IsSuccessStatusCode, $"submitting answered {submitted.StatusCode}");
        }

        // The supervisor's scorecard shows the agent at 70, flagged under the target, with a trend chart.
        var page = await app.NewPageAsync();
        await BrowserApi.LogInAsync(page, "supervisor");
        await page.GotoAsync("/quality/scorecards");
        await page.Locator("[data-testid=scorecards][data-interactive=true]").WaitForAsync();
        var row = page.Locator($"[data-testid=scorecard-row][data-agent='{agentName}']");
        await row.WaitForAsync();
        Assert.Equal("true", await row.GetAttributeAsync("data-below-target"));
        Assert.StartsWith("70", (await row.Locator("[data-testid=scorecard-score]").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        await page.Locator("[data-testid=scorecard-chart] svg").First.WaitForAsync();
        await ShotAsync(page, "coaching-01-scorecard");

        // From the row to a coaching item for that agent.
        await row.Locator("[data-testid=scorecard-coach]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/quality/coaching", StringComparison.Ordinal));
        await page.Locator("[data-testid=coaching][data-interactive=true]").WaitForAsync();
        await page.FillAsync("[data-testid=coaching-topic]", "共情与结束语");
        await page.FillAsync("[data-testid=coaching-improvement]", "客户抱怨时先用共情语句；结束前询问其他需求并使用规范结束语。");
        var due = DateTime.UtcNow.AddHours(8).AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.FillAsync("[data-testid=coaching-due]", due);
        await ShotAsync(page, "coaching-02-new-item");
        await page.ClickAsync("[data-testid=coaching-create]");
        var item = page.Locator($"[data-testid=coaching-item][data-agent='{agentName}'][data-status=Open]");
        await item.WaitForAsync();
        Assert.Contains("共情与结束语", await item.InnerTextAsync(), StringComparison.Ordinal);
        var itemId = await item.GetAttributeAsync("data-id");
        await ShotAsync(page, "coaching-03-item-created");

        // The agent signs in, sees the item and acknowledges it.
        var agentPage = await app.NewPageAsync();
        await BrowserApi.LogInAsync(agentPage, agentName);
        await agentPage.GotoAsync("/quality/coaching");
        await agentPage.Locator("[data-testid=coaching][data-interactive=true]").WaitForAsync();
        var mine = agentPage.Locator($"[data-testid=coaching-item][data-id='{itemId}']");
        await mine.Locator("[data-testid=coaching-acknowledge]").ClickAsync();
        await agentPage.Locator($"[data-testid=coaching-item][data-id='{itemId}'][data-status=Acknowledged]").WaitForAsync();
        Assert.Equal(0, await agentPage.Locator($"[data-testid=coaching-item][data-id='{itemId}'] [data-testid=coaching-acknowledge]").CountAsync());
        await ShotAsync(agentPage, "coaching-04-agent-acknowledged");

        // Their own page shows the score trend, the open item and their training status.
        await agentPage.GotoAsync("/quality/my-evaluations");
        await agentPage.Locator("[data-testid=my-evaluations][data-interactive=true]").WaitForAsync();
        await agentPage.Locator("[data-testid=my-coaching-item][data-status=Acknowledged]").WaitForAsync();
        Assert.Contains("70", await agentPage.InnerTextAsync("[data-testid=my-quality-average]"), StringComparison.Ordinal);
        await agentPage.Locator("[data-testid=my-training-status]").WaitForAsync();
        await ShotAsync(agentPage, "coaching-05-my-evaluations");

        using var supervisor = await app.ClientForAsync("supervisor");
        var stored = JsonDocument.Parse(await supervisor.GetStringAsync($"/api/v1/quality/coaching/{itemId}")).RootElement;
        Assert.Equal("Acknowledged", stored.GetProperty("status").GetString());
        Assert.Equal(agentName, stored.GetProperty("agent").GetString());
        Assert.Equal("supervisor", stored.GetProperty("createdBy").GetString());
        Assert.Equal(due, stored.GetProperty("dueOn").GetString());
    }

    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await app.ScreenshotAsync(page, name);
    }
}
