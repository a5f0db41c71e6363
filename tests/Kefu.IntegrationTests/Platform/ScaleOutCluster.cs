using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Platform;

/// <summary>
/// One instance of a scale-out deployment: the real app on its own loopback Kestrel port, sharing the store and Redis
/// with the other instances, background jobs on (real clock), timers shortened so a test does not wait long.
/// </summary>
public sealed class ScaleOutInstance : KefuAppFactory
{
    private readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly string? redis;
    private readonly string channelPrefix;

    internal ScaleOutInstance(TestStore store, string? redis, string channelPrefix)
        : base(store, ownsStore: false)
    {
        this.redis = redis;
        this.channelPrefix = channelPrefix;
    }

    public string BaseUrl { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (redis is not null)
        {
            builder.UseSetting("ConnectionStrings:Redis", redis);
        }

        builder.UseSetting("Kefu:Redis:ChannelPrefix", channelPrefix);
        builder.UseSetting("Kefu:Sla:SweepSeconds", "1");
        builder.UseSetting("Kefu:Notifications:PollSeconds", "0.5");
        builder.UseSetting("Kefu:Calls:TickMilliseconds", "200");
    }

    /// <summary>Starts the instance on a free loopback port.</summary>
    public void Start()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    /// <summary>A real HTTP client on this instance's port with a user's API token.</summary>
    public async Task<HttpClient> ApiAsync(string userName, string password = DemoPassword)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(userName, password));
        return client;
    }

    public async Task<string> TokenAsync(string userName, string password = DemoPassword)
    {
        if (tokens.TryGetValue(userName, out var token))
        {
            return token;
        }

        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        using var response = await client.PostAsJsonAsync("api/v1/auth/token", new { userName, password });
        response.EnsureSuccessStatusCode();
        token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        tokens[userName] = token;
        return token;
    }
}

/// <summary>Two instances (A and B) on one PostgreSQL database and one Redis, started once for the scale-out tests.</summary>
public sealed class ScaleOutCluster : IAsyncLifetime
{
    private TestStore? store;

    public static bool CanRun =>
        string.Equals(Environment.GetEnvironmentVariable("KEFU_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase) && TestRedis.Server is not null;

    /// <summary>Redis channels of this run only, so parallel runs on one Redis never hear each other.</summary>
    public string ChannelPrefix { get; } = "kefu-test-" + Guid.NewGuid().ToString("N")[..8];

    public ScaleOutInstance A => Started.a;

    public ScaleOutInstance B => Started.b;

    public TestStore Store => store ?? throw new InvalidOperationException("The cluster did not start.");

    private (ScaleOutInstance a, ScaleOutInstance b) Started =>
        (a ?? throw new InvalidOperationException("The scale-out cluster needs KEFU_TEST_STORE=postgres and KEFU_TEST_REDIS (./test.sh sets both)."), b!);

    private ScaleOutInstance? a;
    private ScaleOutInstance? b;

    public Task InitializeAsync()
    {
        if (!CanRun)
        {
            return Task.CompletedTask; // the tests skip, or fail under CI
        }

        store = new TestStore();
        // One after the other: the first migrates and seeds the store, the second finds it ready.
        a = new ScaleOutInstance(store, TestRedis.Require(), ChannelPrefix);
        a.Start();
        b = new ScaleOutInstance(store, TestRedis.Require(), ChannelPrefix);
        b.Start();
        return Task.CompletedTask;
    }

    /// <summary>A third instance on the same store (not started), e.g. one pointed at an unreachable Redis.</summary>
    public ScaleOutInstance Another(string? redis) => new(Store, redis, ChannelPrefix);

    public async Task DisposeAsync()
    {
        if (b is not null)
        {
            await b.DisposeAsync();
        }

        if (a is not null)
        {
            await a.DisposeAsync();
        }

        store?.Dispose();
    }
}
