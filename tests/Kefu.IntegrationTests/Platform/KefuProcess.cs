using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.IntegrationTests.Platform;

/// <summary>
/// The real app as a child process (<c>dotnet src/Kefu.Web/bin/Release/net10.0/Kefu.Web.dll</c>) on a loopback port,
/// configured through environment variables like a deployment, over a <see cref="TestStore"/>.
/// </summary>
internal sealed class KefuProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> output = new();
    private readonly Process process;

    private KefuProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Output => [.. output];

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Kefu.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Kefu.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static string AppFolder => Path.Combine(RepoRoot, "src", "Kefu.Web", "bin", "Release", "net10.0");

    /// <summary>Starts the app and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<KefuProcess> StartAsync(TestStore store, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var info = StartInfo(store, settings);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var started = new KefuProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), new Uri($"http://127.0.0.1:{port}"));
        await started.WaitReadyAsync(TimeSpan.FromMinutes(3));
        return started;
    }

    /// <summary>Runs an operator command (<c>dotnet Kefu.Web.dll backup …</c>) on the store; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(TestStore store, params string[] args)
    {
        var info = StartInfo(store, null);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var command = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = command.StandardOutput.ReadToEndAsync();
        var stderr = command.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await command.WaitForExitAsync(timeout.Token);
        return (command.ExitCode, await stdout + await stderr);
    }

    private static ProcessStartInfo StartInfo(TestStore store, IReadOnlyDictionary<string, string>? settings)
    {
        var dll = Path.Combine(AppFolder, "Kefu.Web.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build Release first (./test.sh does)");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = store.Provider,
            ["Kefu__DemoData"] = "true",
            ["Kefu__RateLimits__LoginPerMinute"] = "100000",
            ["DOTNET_gcServer"] = "0",
        };
        if (store.IsPostgres)
        {
            environment["ConnectionStrings__Kefu"] = store.ConnectionString;
        }
        else
        {
            environment["Kefu__DataDirectory"] = store.DataDirectory!;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> TokenAsync(string userName)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = KefuAppFactory.DemoPassword });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a power cut of the process.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(30_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            KillHard();
        }

        await Task.CompletedTask;
        process.Dispose();
    }

    /// <summary>A context on the same store, for checks that read the rows themselves.</summary>
    public static KefuDbContext OpenStore(TestStore store)
    {
        var options = new DbContextOptionsBuilder<KefuDbContext>();
        StoreSetup.Configure(options, store.IsPostgres ? StoreProvider.Postgres : StoreProvider.Sqlite,
            store.IsPostgres ? store.ConnectionString : $"Data Source={store.DatabaseName};Pooling=False");
        return new KefuDbContext(options.Options);
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = Client();
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "Kefu exited during start:\n" + string.Join('\n', Output.TakeLast(60)));
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Kefu was not ready within {timeout}:\n" + string.Join('\n', Output.TakeLast(60)));
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 2000)
        {
            output.TryDequeue(out _);
        }
    }

    private sealed record TokenBody(string Token);
}
