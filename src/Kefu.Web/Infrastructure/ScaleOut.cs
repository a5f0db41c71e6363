using System.Text.Json;
using Kefu.Web.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Kefu.Web.Infrastructure;

/// <summary>Scale-out settings (<c>Kefu:Redis</c>); Redis itself is <c>ConnectionStrings:Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Kefu:Redis";

    /// <summary>Prefix of every Redis channel Kefu uses (SignalR backplane and change relay), so several Kefu
    /// deployments (or a test run) can share one Redis without hearing each other.</summary>
    public string ChannelPrefix { get; set; } = "kefu";
}

/// <summary>
/// Several Kefu instances behind one load balancer: with <c>ConnectionStrings:Redis</c> set, SignalR messages go
/// through Redis (a hub client on any instance gets what any instance sends), call-center changes that drive the
/// Blazor pages (desktop, wallboard) are relayed to the other instances, and <c>/health/ready</c> includes Redis.
/// Without it, everything stays in-process (one instance).
/// </summary>
public static class ScaleOut
{
    public static IServiceCollection AddKefuScaleOut(this IServiceCollection services, IConfiguration configuration, ISignalRServerBuilder signalR)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            return services;
        }

        var prefix = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()?.ChannelPrefix is { Length: > 0 } p ? p : "kefu";
        services.Configure<RedisOptions>(o => o.ChannelPrefix = prefix);
        signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + ":signalr"));

        // One more connection for the change relay and the health check (SignalR keeps its own).
        services.AddSingleton<RedisConnection>(sp => new RedisConnection(redis, sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddHostedService<CallCenterRelay>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return services;
    }
}

/// <summary>A lazily opened Redis connection that keeps reconnecting on its own (AbortOnConnectFail off).</summary>
public sealed class RedisConnection(string configuration, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } open)
        {
            return open;
        }

        await _opening.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                var options = ConfigurationOptions.Parse(configuration);
                options.AbortOnConnectFail = false;
                options.ClientName ??= "kefu-" + Environment.MachineName;
                _connection = await ConnectionMultiplexer.ConnectAsync(options);
                logger.LogInformation("Redis connection opened ({Endpoints})", string.Join(", ", options.EndPoints));
            }

            return _connection;
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _opening.Dispose();
    }
}

/// <summary>Ready only when Redis answers a PING (when Redis is configured, the instance cannot reach the others without it).</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await redis.GetAsync(cancellationToken);
            if (!connection.IsConnected)
            {
                return HealthCheckResult.Unhealthy("Redis is not connected");
            }

            var latency = await connection.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer", e);
        }
    }
}

/// <summary>
/// Carries the call-center changes of this instance to the Blazor pages of the other instances (hub clients already
/// get them through the SignalR backplane): each change is published once on <c>{prefix}:callcenter</c> with this
/// instance's id; a change from another instance is raised locally, and this instance's own messages coming back
/// from Redis are dropped, so every page sees every change exactly once.
/// </summary>
internal sealed class CallCenterRelay(CallCenterSignals signals, RedisConnection redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    ILogger<CallCenterRelay> logger) : IHostedService, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private ISubscriber? _subscriber;

    private RedisChannel Channel => RedisChannel.Literal(options.Value.ChannelPrefix + ":callcenter");

    private readonly CancellationTokenSource _stopping = new();
    private Task? _subscribing;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Never hold up the start for Redis: subscribe in the background and keep trying (readiness reports Redis meanwhile).
        signals.Published += Publish;
        _subscribing = SubscribeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await redis.GetAsync(stoppingToken);
                var subscriber = connection.GetSubscriber();
                await subscriber.SubscribeAsync(Channel, (_, value) => Receive(value));
                _subscriber = subscriber; // from now on the connection re-subscribes by itself after a reconnect
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Subscribing to call-center changes in Redis failed; retrying in 5 s");
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        signals.Published -= Publish;
        await _stopping.CancelAsync();
        if (_subscribing is not null)
        {
            try
            {
                await _subscribing.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // stopping anyway
            }
        }

        if (_subscriber is not null)
        {
            try
            {
                await _subscriber.UnsubscribeAsync(Channel);
            }
            catch (RedisException)
            {
                // the connection is going away with the process
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private void Publish(object? sender, CallCenterChangeEventArgs change)
    {
        if (_subscriber is not { } subscriber)
        {
            return;
        }

        var message = new RelayedChange(_origin, change.Pop, change.Agent, change.CallId, change.Alert, change.Wallboard);
        var payload = JsonSerializer.Serialize(message, Json);
        _ = PublishAsync(subscriber, payload);
    }

    private async Task PublishAsync(ISubscriber subscriber, string payload)
    {
        try
        {
            await subscriber.PublishAsync(Channel, payload);
        }
        catch (RedisException e)
        {
            // The change is stored; the other instances' pages see it on their next refresh.
            logger.LogWarning(e, "Relaying a call-center change to the other instances failed");
        }
    }

    private void Receive(RedisValue value)
    {
        try
        {
            var message = JsonSerializer.Deserialize<RelayedChange>(value.ToString(), Json);
            if (message is null || message.Origin == _origin)
            {
                return; // our own change, already raised here
            }

            signals.RaiseFromOtherInstance(new CallCenterChangeEventArgs
            {
                Pop = message.Pop,
                Agent = message.Agent,
                CallId = message.CallId,
                Alert = message.Alert,
                Wallboard = message.Wallboard,
            });
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "Ignored a malformed call-center change from Redis");
        }
    }

    private sealed record RelayedChange(string Origin, Features.Calls.ScreenPop? Pop, AgentStateChange? Agent, string? CallId, LiveScriptAlert? Alert, bool Wallboard);
}
