using System.Globalization;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Simulation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// <c>simulate [--agents 40] [--calls-per-hour 900] [--hours 8] [--speed 600] [--seed 1] [--url URL]</c>: traffic for the
/// demo center. Without <c>--url</c> it starts Kefu in this process on the configured store with a simulated clock
/// that runs the last <c>hours</c> up to now at <c>speed</c>× (so the store ends with that much history and the
/// ACD's timers — ring timeouts, wrap-up, overflow — run on the same clock as the events). With <c>--url</c> it drives a
/// running Kefu over HTTP in real time (speed 1), as a PBX would.
/// </summary>
public static class SimulateCommand
{
    public sealed record Settings(SimulatorOptions Simulator, Uri? Url);

    public static Settings? Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] != "simulate")
        {
            return null;
        }

        string? Option(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        double Number(string name, double fallback) =>
            Option(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var url = Option("--url") is { } u ? new Uri(u.EndsWith('/') ? u : u + "/") : null;
        var simulator = new SimulatorOptions
        {
            Agents = (int)Number("--agents", 40),
            CallsPerHour = Number("--calls-per-hour", 900),
            Hours = Number("--hours", 8),
            Speed = url is null ? Number("--speed", 600) : 1,
            Seed = (int)Number("--seed", 1),
            Hotline = Option("--hotline") ?? "4008001234",
            AdminUser = Option("--user") ?? "admin",
            AdminPassword = Option("--password") ?? Environment.GetEnvironmentVariable("KEFU_ADMIN_PASSWORD") ?? "Kefu2026!",
        };
        if (simulator.Agents is < 1 or > 2000 || simulator.CallsPerHour <= 0 || simulator.Hours is <= 0 or > 24 * 31 || simulator.Speed < 0)
        {
            throw new ArgumentException("simulate: --agents 1–2000, --calls-per-hour > 0, --hours 0–744, --speed ≥ 0 (0 = as fast as possible)", nameof(args));
        }

        return new Settings(simulator, url);
    }

    /// <summary>For an in-process run: a clock the simulator moves, jobs off (it ticks the ACD itself), loopback port.</summary>
    public static void ConfigureHost(WebApplicationBuilder builder, Settings settings, SettableClock clock)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Configuration["Kefu:Jobs:Enabled"] = "false";
        builder.Configuration["Kefu:RateLimits:LoginPerMinute"] = "100000";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
    }

    public static async Task<int> RunAsync(WebApplication app, Settings settings, SettableClock? clock)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Simulator;
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Simulating {options.Hours} h of a {options.Agents}-agent center at {options.CallsPerHour} calls/h (offered load {options.CallsPerHour / 3600 * 180:0.#} erlangs at 3 min handle time)."));
        if (settings.Url is { } url)
        {
            using var remote = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            var live = new TrafficSimulator(remote, options, DateTimeOffset.UtcNow, advanceClock: null, Console.Out);
            return Report(await live.RunAsync(CancellationToken.None));
        }

        ArgumentNullException.ThrowIfNull(clock);
        app.UseKefu();
        await app.PrepareStoreAsync();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            await Console.Out.WriteLineAsync($"Store: {app.Services.GetRequiredService<Data.StoreInfo>().Describe()}; simulated clock from {clock.GetUtcNow():u}");
            using var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(60) };
            var center = app.Services.GetRequiredService<CallCenter>();
            var simulator = new TrafficSimulator(http, options, clock.GetUtcNow(), async at =>
            {
                clock.Set(at);
                await center.TickAsync(CancellationToken.None);
            }, Console.Out);
            return Report(await simulator.RunAsync(CancellationToken.None));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static int Report(SimulatorResult result)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done in {result.Elapsed.TotalSeconds:0} s: {result.Offered} calls offered, {result.Answered} answered, {result.Abandoned} abandoned, {result.RingNoAnswers} rings not answered, {result.EventsPosted} CTI events posted."));
        return 0;
    }
}

/// <summary>A clock the simulator sets; timers still run on real time (the jobs that use them are off during a run).</summary>
public sealed class SettableClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock forward (never back).</summary>
    public void Set(DateTimeOffset at)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ticks);
            if (at.UtcTicks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _ticks, at.UtcTicks, current) != current);
    }
}
