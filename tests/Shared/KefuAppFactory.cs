using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kefu.Tests.Shared;

/// <summary>
/// Hosts the real Kefu app (Program) over a real store with demo users, for tests that go through HTTP.
/// Log lines are captured so tests can check that no PII reaches the logs.
/// </summary>
public class KefuAppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Kefu2026!";
    private readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly bool ownsStore;

    public KefuAppFactory()
        : this(new TestStore(), ownsStore: true)
    {
    }

    /// <summary>A second app on the same store (another instance of a scale-out deployment).</summary>
    internal KefuAppFactory(TestStore store, bool ownsStore)
    {
        Store = store;
        this.ownsStore = ownsStore;
    }

    public TestStore Store { get; }

    /// <summary>When set, the app runs on this clock instead of the system's (and background jobs are off).</summary>
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider? Clock { get; init; }

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
        builder.UseSetting("Kefu:Complaints:PublicSubmissionsPer10Minutes", PublicSubmissionLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Clock is not null)
        {
            builder.UseSetting("Kefu:Jobs:Enabled", "false");
            builder.ConfigureServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            });
        }

        if (ServeStaticAssets)
        {
            // Outside Development the host serves only published assets; a browser needs the CSS and scripts.
            builder.UseStaticWebAssets();
        }
    }

    /// <summary>Public complaint-form submissions allowed per address per 10 minutes (high by default for tests).</summary>
    public int PublicSubmissionLimit { get; protected init; } = 100000;

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
        if (disposing && ownsStore)
        {
            Store.Dispose();
        }
    }

    private sealed record TokenBody(string Token);
}
