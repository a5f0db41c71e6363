using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>What the browser tests do besides the browser: sign in on a page, call the API as a demo user, post CTI events.</summary>
internal static class BrowserApi
{
    public const string Password = "Kefu2026!";

    public static async Task LogInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }

    /// <summary>An HTTP client on the running app with a demo user's API token.</summary>
    public static async Task<HttpClient> ClientForAsync(this BrowserApp app, string userName)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = Password });
        response.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Posts CTI events as the demo PBX account.</summary>
    public static async Task PostEventsAsync(this BrowserApp app, object cti)
    {
        using var pbx = await app.ClientForAsync("pbx");
        using var response = await pbx.PostAsJsonAsync("/api/v1/cti/events", cti);
        Assert.True(response.IsSuccessStatusCode, $"the CTI event was refused: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
