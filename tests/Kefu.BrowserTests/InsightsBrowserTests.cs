using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

public sealed class InsightsBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Supervisor_OpensTheDashboard_DrillsFromCsatToTheSurveysBehindIt_AndExportsThem()
    {
        // A caller who agreed to rate the call answers the survey (3 of 5: not satisfied) through the public API.
        var callId = "kpi-" + Guid.NewGuid().ToString("N")[..10];
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UtcNow;
        string Time(int seconds) => at.AddSeconds(seconds).ToString("O", CultureInfo.InvariantCulture);
        await app.PostEventsAsync(new object[]
        {
            new { id = callId + "-1", type = "call.offered", callId, at = Time(-120), from = phone, to = "4000000000" },
            new { id = callId + "-2", type = "call.answered", callId, at = Time(-110), agent = "agent" },
            new { id = callId + "-3", type = "call.ended", callId, at = Time(-5), by = "caller", surveyConsent = true },
        });
        using var admin = await app.ClientForAsync("admin");
        string? token = null;
        for (var i = 0; i < 40 && token is null; i++)
        {
            var sms = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/dev/sms?to={phone}");
            var text = sms.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).FirstOrDefault();
            var match = text is null ? null : Regex.Match(text, "/s/(?<token>[A-Za-z0-9_-]{20,})", RegexOptions.None, TimeSpan.FromSeconds(1));
            token = match is { Success: true } ? match.Groups["token"].Value : null;
            if (token is null)
            {
                await Task.Delay(500);
            }
        }

        Assert.False(string.IsNullOrEmpty(token), "the survey SMS did not arrive");
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var answered = await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating = 3, reasons = new[] { "wait-long" }, comment = "等了好久" });
        Assert.True(answered.IsSuccessStatusCode, await answered.Content.ReadAsStringAsync());

        var page = await app.NewPageAsync();
        await BrowserApi.LogInAsync(page, "supervisor");
        await page.GotoAsync("/insights");
        await page.Locator("[data-testid=insights][data-interactive=true]").WaitForAsync();
        await page.ClickAsync("[data-testid=range-today]");
        var csat = page.Locator("[data-testid=kpi-csat]");
        await Assertions.Expect(csat.Locator(".kpi-number")).ToHaveTextAsync("0.0%");
        Assert.Equal("missed", await csat.GetAttributeAsync("data-met"));
        await Assertions.Expect(page.Locator("[data-testid=kpi-connectionRate] .kpi-number")).Not.ToHaveTextAsync("—");
        await app.ScreenshotAsync(page, "insights-01-dashboard");

        await csat.Locator("[data-testid=drill-csat]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/surveys?", StringComparison.Ordinal) && url.Contains("callsFrom=", StringComparison.Ordinal));
        await page.Locator("[data-testid=survey-call-scope]").WaitForAsync();
        var row = page.Locator("tr", new PageLocatorOptions { HasText = "等了好久" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await app.ScreenshotAsync(page, "insights-02-surveys-behind-csat");

        var export = await page.Locator("[data-testid=survey-export]").GetAttributeAsync("href");
        Assert.Contains("callsFrom=", export, StringComparison.Ordinal);
        var file = await page.APIRequest.GetAsync(export!);
        Assert.Equal(200, file.Status);
        Assert.StartsWith("application/vnd.openxmlformats", file.Headers["content-type"], StringComparison.Ordinal);
        var bytes = await file.BodyAsync();
        await using var stream = new MemoryStream(bytes);
        var rows = (await MiniExcelLibs.MiniExcel.QueryAsync(stream, useHeaderRow: true)).Cast<IDictionary<string, object?>>().ToList();
        var exported = Assert.Single(rows);
        Assert.Contains(exported.Values, v => v?.ToString()?.Contains("等了好久", StringComparison.Ordinal) == true);
    }
}
