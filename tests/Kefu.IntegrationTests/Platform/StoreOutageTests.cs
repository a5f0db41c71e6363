using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kefu.IntegrationTests.Platform;

/// <summary>An app on its own store whose SQLite writers give up after one second of waiting for a lock.</summary>
public sealed class OutageApp : KefuAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Kefu:Store:BusyTimeoutSeconds", "1");
        builder.UseSetting("Kefu:Store:RetryAfterSeconds", "2");
    }
}

/// <summary>
/// CTI intake while the store is really unavailable: on SQLite another connection holds the write lock
/// (BEGIN EXCLUSIVE); on PostgreSQL the app's database stops accepting connections and its sessions are
/// terminated. The PBX is told 503 + Retry-After, nothing is stored, and the replay is stored once.
/// </summary>
public sealed class StoreOutageTests(OutageApp app) : IClassFixture<OutageApp>
{
    [Fact]
    public async Task CtiEvents_DuringAStoreOutage_Are503WithRetryAfter_NothingStored_AndTheReplayIsStoredOnce()
    {
        var pbx = await app.ClientForAsync("pbx");
        await pbx.GetAsync("/health/ready"); // the app is up and its pool warm before the outage
        var callId = "outage-" + Guid.NewGuid().ToString("N")[..10];
        var now = DateTimeOffset.UtcNow;
        object[] batch =
        [
            Event(callId + "-1", "call.offered", callId, now, new Dictionary<string, object?> { ["from"] = "13900001111", ["to"] = "4000000000" }),
            Event(callId + "-2", "call.ended", callId, now.AddSeconds(3), new Dictionary<string, object?> { ["by"] = "caller" }),
        ];

        await using (await StoreOutageHandle.BeginAsync(app.Store))
        {
            var refused = await pbx.PostAsJsonAsync("/api/v1/cti/events", batch);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
            var problem = await refused.JsonAsync();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Contains("Retry-After", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await StoredEventsAsync(callId));

        // The PBX sends the same batch again, as Retry-After told it (the first try may still meet a dropped connection).
        var accepted = await PostUntilStoredAsync(pbx, batch);
        Assert.Equal([callId + "-1", callId + "-2"], accepted.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
        var replay = await pbx.PostAsJsonAsync("/api/v1/cti/events", batch);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var again = await replay.JsonAsync();
        Assert.Empty(again.GetProperty("accepted").EnumerateArray());
        Assert.Equal([callId + "-1", callId + "-2"], again.GetProperty("duplicates").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, await StoredEventsAsync(callId));
        await using var scope = app.Services.CreateAsyncScope();
        var record = await scope.ServiceProvider.GetRequiredService<KefuDbContext>().Set<CallRecord>().AsNoTracking().SingleAsync(c => c.Id == callId);
        Assert.NotNull(record.EndedAt);
    }

    private async Task<int> StoredEventsAsync(string callId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KefuDbContext>().Set<CtiEvent>().CountAsync(e => e.CallId == callId);
    }

    private static async Task<JsonElement> PostUntilStoredAsync(HttpClient pbx, object[] batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await pbx.PostAsJsonAsync("/api/v1/cti/events", batch);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.JsonAsync();
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5, $"attempt {attempt}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(200);
        }
    }

    private static Dictionary<string, object?> Event(string id, string type, string callId, DateTimeOffset at, Dictionary<string, object?> fields)
    {
        fields["id"] = id;
        fields["type"] = type;
        fields["callId"] = callId;
        fields["at"] = at.ToString("O", CultureInfo.InvariantCulture);
        return fields;
    }
}

/// <summary>Makes a test store unavailable for real until disposed.</summary>
internal sealed class StoreOutageHandle : IAsyncDisposable
{
    private readonly Func<Task> end;

    private StoreOutageHandle(Func<Task> end) => this.end = end;

    public static async Task<StoreOutageHandle> BeginAsync(TestStore store)
    {
        if (!store.IsPostgres)
        {
            // Another process's writer: holds SQLite's write lock, so the app's writes wait out their busy timeout.
            var locker = new SqliteConnection($"Data Source={store.DatabaseName};Pooling=False");
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS outage_probe (x INTEGER); INSERT INTO outage_probe VALUES (1);";
                await begin.ExecuteNonQueryAsync();
            }

            return new StoreOutageHandle(async () =>
            {
                await using (var rollback = locker.CreateCommand())
                {
                    rollback.CommandText = "ROLLBACK;";
                    await rollback.ExecuteNonQueryAsync();
                }

                await locker.DisposeAsync();
            });
        }

        await ExecuteOnServerAsync($"ALTER DATABASE \"{store.DatabaseName}\" ALLOW_CONNECTIONS false",
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{store.DatabaseName}' AND pid <> pg_backend_pid()");
        return new StoreOutageHandle(() => ExecuteOnServerAsync($"ALTER DATABASE \"{store.DatabaseName}\" ALLOW_CONNECTIONS true"));
    }

    public async ValueTask DisposeAsync() => await end();

    private static async Task ExecuteOnServerAsync(params string[] statements)
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("KEFU_TEST_POSTGRES")) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
#pragma warning disable CA2100 // database names are generated by TestStore, never user input
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }
    }
}
