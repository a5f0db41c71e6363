using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Kefu.Benchmarks;

/// <summary>
/// <c>desktops --url URL --agents 300 --minutes 10 --pid PID [--password P] [--report FILE]</c>: connects one SignalR
/// agent-desktop client per simulated agent account (sim-agent-001 …, created by the simulator) to a running Kefu, keeps
/// them connected while traffic runs, and samples the server process's resident memory (VmRSS, and the peak VmHWM) from
/// /proc every five seconds. Prints the memory before and after connecting and the peak under load, plus how many
/// screen pops and state changes the clients received — a desktop that receives nothing would make the figure meaningless.
/// </summary>
internal static class DesktopLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var url = new Uri((Option("--url") ?? "http://127.0.0.1:5080").TrimEnd('/') + "/");
        var agents = int.Parse(Option("--agents") ?? "300", CultureInfo.InvariantCulture);
        var minutes = double.Parse(Option("--minutes") ?? "10", CultureInfo.InvariantCulture);
        var pid = int.Parse(Option("--pid") ?? throw new ArgumentException("--pid of the Kefu server process is required", nameof(args)), CultureInfo.InvariantCulture);
        var password = Option("--password") ?? "Kefu2026!";
        var report = Option("--report");

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        var before = Memory(pid);
        Console.WriteLine($"server pid {pid}: {Mb(before.Rss)} MB resident before the desktops connect");

        var tokens = new string[agents];
        for (var i = 0; i < agents; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"sim-agent-{i + 1:D3}");
            using var response = await http.PostAsJsonAsync("api/v1/auth/token", new { userName = name, password, name = "desktop-load" });
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"{name}: sign-in answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return 1;
            }

            tokens[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }

        long pops = 0, states = 0, wallboard = 0;
        var connections = new List<HubConnection>(agents);
        var connectWatch = Stopwatch.StartNew();
        foreach (var batch in tokens.Chunk(25))
        {
            await Task.WhenAll(batch.Select(async token =>
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(url, "hubs/callcenter"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                    .WithAutomaticReconnect()
                    .Build();
                connection.On<JsonElement>("ScreenPop", _ => Interlocked.Increment(ref pops));
                connection.On<JsonElement>("AgentStateChanged", _ => Interlocked.Increment(ref states));
                connection.On("WallboardChanged", () => Interlocked.Increment(ref wallboard));
                connection.On<JsonElement>("ScriptAlert", _ => { });
                await connection.StartAsync();
                lock (connections)
                {
                    connections.Add(connection);
                }
            }));
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        var connected = Memory(pid);
        Console.WriteLine($"{connections.Count} desktops connected in {connectWatch.Elapsed.TotalSeconds:F1} s: {Mb(connected.Rss)} MB resident");

        var peakRss = connected.Rss;
        var samples = new List<long>();
        var end = DateTime.UtcNow.AddMinutes(minutes);
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            var now = Memory(pid);
            samples.Add(now.Rss);
            peakRss = Math.Max(peakRss, now.Rss);
            Console.WriteLine($"  {Mb(now.Rss)} MB resident, pops {Interlocked.Read(ref pops)}, state changes {Interlocked.Read(ref states)}, " +
                              $"connected {connections.Count(c => c.State == HubConnectionState.Connected)}");
        }

        var after = Memory(pid);
        var stillConnected = connections.Count(c => c.State == HubConnectionState.Connected);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"desktops {agents}, connected at the end {stillConnected}; resident MB: before {Mb(before.Rss)}, connected {Mb(connected.Rss)}, " +
            $"median under load {Mb(Median(samples))}, peak sampled {Mb(peakRss)}, peak (VmHWM) {Mb(after.Hwm)}; " +
            $"received: screen pops {pops}, agent state changes {states}, wallboard signals {wallboard}");
        Console.WriteLine(summary);
        if (report is not null)
        {
            await File.AppendAllTextAsync(report, summary + Environment.NewLine);
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        return stillConnected == agents && pops > 0 ? 0 : 2;
    }

    private static (long Rss, long Hwm) Memory(int pid)
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }

        return (rss, hwm);

        static long Kilobytes(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static long Median(List<long> values) =>
        values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    private static string Mb(long kilobytes) => (kilobytes / 1024.0).ToString("F0", CultureInfo.InvariantCulture);
}
