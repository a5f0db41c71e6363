using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Kefu.Tests.Shared;
using Kefu.Web.Features.Calls;
using Microsoft.EntityFrameworkCore;

namespace Kefu.IntegrationTests.Platform;

/// <summary>
/// Nothing lost: the real app as a child process takes CTI events and complaint writes from several clients at once,
/// is killed with SIGKILL in the middle, and restarts on the same store (SQLite in WAL mode, or its own PostgreSQL
/// database — whichever KEFU_TEST_STORE picks). Every write it acknowledged must be there, and nothing half-written.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int CtiClients = 3;
    private const int ComplaintClients = 3;
    private readonly TestStore store = new();
    private readonly string marker = "crash-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, string> acknowledgedEvents = new(StringComparer.Ordinal); // event id → call id
    private readonly ConcurrentDictionary<Guid, bool> acknowledgedComplaints = new();
    private int acknowledged;

    [Fact]
    public async Task KillingTheServerMidLoad_LosesNoAcknowledgedWrite_AndLeavesNothingHalfWritten()
    {
        var port = KefuProcess.FreePort();
        string pbxToken, agentToken;
        var customers = new List<Guid>();
        await using (var first = await KefuProcess.StartAsync(store, port))
        {
            pbxToken = await first.TokenAsync("pbx");
            agentToken = await first.TokenAsync("agent");
            using (var agent = first.Client(agentToken))
            {
                for (var i = 0; i < ComplaintClients; i++)
                {
                    var response = await agent.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("崩溃测试"), phone = TestData.Mobile() });
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    customers.Add((await response.JsonAsync()).GetProperty("id").GetGuid());
                }
            }

            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, CtiClients).Select(i => Task.Run(() => PbxAsync(first, pbxToken, i, stop.Token)))
                .Concat(customers.Select((customer, i) => Task.Run(() => ComplaintsAsync(first, agentToken, customer, i, stop.Token))))
                .ToList();

            // Kill in the middle of the load: after enough acknowledged writes that requests are surely in flight.
            var started = DateTime.UtcNow;
            while (Volatile.Read(ref acknowledged) < 60 && DateTime.UtcNow - started < TimeSpan.FromSeconds(60) && clients.All(c => !c.IsCompleted))
            {
                await Task.Delay(50);
            }

            first.KillHard();
            await Task.WhenAll(clients); // each client stops at its first failed request
            await stop.CancelAsync();
            Assert.True(clients.All(c => c.IsCompletedSuccessfully));
            Assert.True(Volatile.Read(ref acknowledged) >= 20, $"only {acknowledged} writes were acknowledged before the kill");
        }

        await using var second = await KefuProcess.StartAsync(store, port);

        await using (var db = KefuProcess.OpenStore(store))
        {
            // 1. Every acknowledged write is there.
            var eventIds = acknowledgedEvents.Keys.ToList();
            var storedEvents = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in eventIds.Chunk(200))
            {
                storedEvents.UnionWith(await db.Set<CtiEvent>().AsNoTracking().Where(e => chunk.Contains(e.Id)).Select(e => e.Id).ToListAsync());
            }

            Assert.Empty(eventIds.Except(storedEvents));
            var complaintIds = acknowledgedComplaints.Keys.ToList();
            var storedComplaints = await db.Complaints.AsNoTracking().Where(c => c.Summary.StartsWith(marker)).Select(c => c.Id).ToListAsync();
            Assert.Empty(complaintIds.Except(storedComplaints));

            // 2. No complaint without its first timeline entry and its SLA deadlines (all rows of one save, or none).
            foreach (var id in storedComplaints)
            {
                Assert.True(await db.ComplaintEvents.AnyAsync(e => e.ComplaintId == id && e.Kind == "created"), $"complaint {id} has no 'created' timeline entry");
                Assert.True(await db.ComplaintDeadlines.AnyAsync(d => d.ComplaintId == id), $"complaint {id} has no deadlines");
            }

            // 3. Every call record is what its stored events say, and no event is without its call record.
            var calls = await db.Set<CallRecord>().AsNoTracking().Where(c => c.Id.StartsWith(marker)).ToListAsync();
            var events = (await db.Set<CtiEvent>().AsNoTracking().Where(e => e.CallId.StartsWith(marker)).ToListAsync()).ToLookup(e => e.CallId, StringComparer.Ordinal);
            Assert.Empty(events.Select(g => g.Key).Except(calls.Select(c => c.Id)));
            Assert.Contains(calls, c => c.EndedAt is not null);
            foreach (var call in calls)
            {
                var recomputed = new CallRecord { Id = call.Id };
                CallProjection.Apply(recomputed, events[call.Id], new CallTargets());
                foreach (var property in ProjectedProperties)
                {
                    Assert.True(Equals(property.GetValue(recomputed), property.GetValue(call)),
                        $"call {call.Id}: {property.Name} is {property.GetValue(call)} but its events say {property.GetValue(recomputed)}");
                }
            }
        }

        // 4. The restarted server knows the acknowledged events: the PBX's replay is recognised, and new writes go through.
        using var pbx = second.Client(pbxToken);
        var replay = acknowledgedEvents.Take(50).Select(e => Event(e.Key, e.Key.Contains("-offered", StringComparison.Ordinal) ? "call.offered" : "call.ended", e.Value)).ToArray();
        var replayed = await pbx.PostAsJsonAsync("/api/v1/cti/events", replay);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        var body = await replayed.JsonAsync();
        Assert.Empty(body.GetProperty("accepted").EnumerateArray());
        Assert.Equal(replay.Length, body.GetProperty("duplicates").GetArrayLength());
        using var agentClient = second.Client(agentToken);
        var after = await agentClient.PostAsJsonAsync("/api/v1/complaints", new { customerId = customers[0], channel = "Phone", category = "LOGISTICS", severity = "Medium", summary = marker + " 重启后" });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }

    public void Dispose() => store.Dispose();

    /// <summary>The fields <see cref="CallProjection"/> derives from the events.</summary>
    private static readonly PropertyInfo[] ProjectedProperties = typeof(CallRecord).GetProperties()
        .Where(p => p.Name is "Status" or "Outcome" or "IvrPath" or "Queue" or "Agent" or "RingingAgent" or "OfferedAt" or "IvrAt" or "QueuedAt"
            or "RingingAt" or "AnsweredAt" or "EndedAt" or "EndedBy" or "RingSeconds" or "WaitSeconds" or "TalkSeconds" or "HoldSeconds"
            or "RingNoAnswerCount" or "ReachedAgentInTarget" or "AnsweredWithinRings" or "RecordingUri" or "RecordingSeconds" or "CallbackRequested"
            or "From" or "To")
        .ToArray();

    /// <summary>A PBX: each call is offered, then ended by the caller, one request per event.</summary>
    private async Task PbxAsync(KefuProcess app, string token, int client, CancellationToken stop)
    {
        using var http = app.Client(token);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var callId = $"{marker}-{client}-{n}";
            foreach (var type in new[] { "call.offered", "call.ended" })
            {
                var id = $"{callId}-{type[5..]}";
                if (!await SendAsync(http, "/api/v1/cti/events", Event(id, type, callId)))
                {
                    return;
                }

                acknowledgedEvents[id] = callId;
                Interlocked.Increment(ref acknowledged);
            }
        }
    }

    private async Task ComplaintsAsync(KefuProcess app, string token, Guid customer, int client, CancellationToken stop)
    {
        using var http = app.Client(token);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var body = new { customerId = customer, channel = "Phone", category = "LOGISTICS", severity = "Medium", summary = $"{marker} 客户{client}第{n}次投诉包裹延误" };
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsJsonAsync("/api/v1/complaints", body, stop);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return;
            }

            if (response.StatusCode != HttpStatusCode.Created)
            {
                Assert.True((int)response.StatusCode >= 500, $"complaint refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stop)}");
                return;
            }

            acknowledgedComplaints[(await response.JsonAsync()).GetProperty("id").GetGuid()] = true;
            Interlocked.Increment(ref acknowledged);
        }
    }

    private static async Task<bool> SendAsync(HttpClient http, string path, object body)
    {
        try
        {
            var response = await http.PostAsJsonAsync(path, body);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return true;
            }

            Assert.True((int)response.StatusCode >= 500, $"event refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false; // the server is gone
        }
    }

    private static Dictionary<string, object?> Event(string id, string type, string callId)
    {
        // Whole milliseconds: both stores keep them exactly, so the recomputation sees the times the server saw.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var e = new Dictionary<string, object?> { ["id"] = id, ["type"] = type, ["callId"] = callId, ["at"] = at.ToString("O", CultureInfo.InvariantCulture) };
        if (type == "call.offered")
        {
            e["from"] = "13900002222";
            e["to"] = "4009990000";
        }
        else
        {
            e["by"] = "caller";
        }

        return e;
    }
}
