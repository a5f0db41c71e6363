using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kefu.Tests.Shared;

/// <summary>
/// Hosts the real Kefu app (Program) over a real store with demo users, for tests that go through HTTP.
/// Log lines are captured so tests can check that no PII reaches the logs.
/// </summary>
public class KefuAppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Kefu2026!";
    private readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.Ordinal);

    public TestStore Store { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Store.Provider);
        builder.UseSetting("ConnectionStrings:Kefu", Store.ConnectionString);
        if (Store.DataDirectory is not null)
        {
            builder.UseSetting("Kefu:DataDirectory", Store.DataDirectory);
        }

        builder.UseSetting("Kefu:DemoData", "true");
        builder.UseSetting("Kefu:RateLimits:LoginPerMinute", "100000");
        if (ServeStaticAssets)
        {
            // Outside Development the host serves only published assets; a browser needs the CSS and scripts.
            builder.UseStaticWebAssets();
        }
    }

    /// <summary>Serve wwwroot and package assets (MudBlazor, blazor.web.js) from the build output, for browser tests.</summary>
    public bool ServeStaticAssets { get; init; }

    /// <summary>An HTTP client authenticated as a demo user with an API token (tokens are cached per user).</summary>
    public async Task<HttpClient> ClientForAsync(string userName)
    {
        var client = CreateClient();
        if (!tokens.TryGetValue(userName, out var token))
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = DemoPassword });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
            tokens[userName] = token;
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Store.Dispose();
        }
    }

    private sealed record TokenBody(string Token);
}
