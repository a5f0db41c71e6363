using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Hubs;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Kefu.IntegrationTests.Platform;

/// <summary>
/// Two real Kefu instances (A and B, each on its own loopback Kestrel port) on one PostgreSQL database and one Redis:
/// hub messages, the Blazor pages' change events and the wallboard cross instances; background jobs act once across
/// them; the ACD never double-books an agent or a call when both instances route at the same time.
/// </summary>
public sealed class ScaleOutTests(ScaleOutCluster cluster) : IClassFixture<ScaleOutCluster>
{
    private static int eventCounter;

    [ScaleOutFact]
    public async Task AnAgentConnectedToA_GetsTheScreenPopOfACallWhoseEventsArriveAtB_AndAsWallboardShowsIt()
    {
        var (a, b) = (cluster.A, cluster.B);
        var queue = await NewQueueAsync(a);
        var hotline = await NewHotlineAsync(a, queue);
        var agent = await NewAgentAsync(a, queue);
        var changesOnA = new ConcurrentQueue<CallCenterChangeEventArgs>();
        var changesOnB = new ConcurrentQueue<CallCenterChangeEventArgs>();
        void OnA(object? sender, CallCenterChangeEventArgs e) => changesOnA.Enqueue(e);
        void OnB(object? sender, CallCenterChangeEventArgs e) => changesOnB.Enqueue(e);
        var signalsA = a.Services.GetRequiredService<CallCenterSignals>();
        var signalsB = b.Services.GetRequiredService<CallCenterSignals>();
        signalsA.Changed += OnA;
        signalsB.Changed += OnB;
        try
        {
            var pops = new TaskCompletionSource<ScreenPop>(TaskCreationOptions.RunContinuationsAsynchronously);
            var token = await a.TokenAsync(agent);
            await using var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(a.BaseUrl + CallCenterHub.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            connection.On<ScreenPop>("ScreenPop", pop => pops.TrySetResult(pop));
            await connection.StartAsync();

            using var supervisorB = await b.ApiAsync("supervisor");
            Assert.Equal(HttpStatusCode.OK, (await supervisorB.PutAsJsonAsync($"api/v1/agents/{agent}/state", new { state = "Available" })).StatusCode);
            var callId = NewCallId();
            using var pbxB = await b.ApiAsync("pbx");
            await PostAsync(pbxB, Event("call.offered", callId, new { from = "13812345678", to = hotline }));
            await PostAsync(pbxB, Event("ivr.selected", callId, new { digit = "1" }));

            var pop = await pops.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(callId, pop.CallId);
            Assert.Equal("ringing", pop.Phase);
            Assert.Equal(agent, pop.Agent);
            Assert.Equal("138****5678", pop.CallerMasked);

            // The wallboard on A (its own ACD view) shows what B did.
            using var supervisorA = await a.ApiAsync("supervisor");
            var board = await supervisorA.GetFromJsonAsync<JsonElement>("api/v1/wallboard");
            var line = board.GetProperty("agents").EnumerateArray().Single(x => x.GetProperty("userName").GetString() == agent);
            Assert.Equal("Ringing", line.GetProperty("state").GetString());
            Assert.Equal(callId, line.GetProperty("callId").GetString());
            Assert.Equal(1, board.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("id").GetString() == queue).GetProperty("ringing").GetInt32());

            // The Blazor pages of A hear B's changes through the relay, exactly once; B's own are not echoed back to B.
            await WaitUntilAsync(() => changesOnA.Any(c => c.Pop?.CallId == callId), "the screen pop relayed to A's pages");
            await Task.Delay(1000); // a duplicate or an echo would arrive within this
            Assert.Single(changesOnA, c => c.Pop?.CallId == callId);
            Assert.Single(changesOnB, c => c.Pop?.CallId == callId);
            Assert.Contains(changesOnA, c => c.Agent?.Agent == agent && c.Agent.State == "Ringing");
            Assert.Contains(changesOnA, c => c.Wallboard);
        }
        finally
        {
            signalsA.Changed -= OnA;
            signalsB.Changed -= OnB;
        }
    }

    [ScaleOutFact]
    public async Task ReadinessIncludesRedis_AndFailsWhenRedisIsUnreachable()
    {
        foreach (var instance in new[] { cluster.A, cluster.B })
        {
            var registrations = instance.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
            Assert.Contains(registrations, r => r.Name == "redis" && r.Tags.Contains("ready"));
            using var client = new HttpClient { BaseAddress = new Uri(instance.BaseUrl + "/") };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);
        }

        // An instance whose Redis is down is alive but not ready (the load balancer sends it nothing).
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var orphan = cluster.Another($"127.0.0.1:{closedPort},connectTimeout=1000");
        var http = orphan.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [ScaleOutFact]
    public async Task EveryOverdueDeadlineAndEveryOutboxMessage_IsHandledOnceAcrossTheTwoInstances()
    {
        var (a, b) = (cluster.A, cluster.B);
        var complaints = new List<(Guid Id, string Number)>();
        for (var i = 0; i < 6; i++)
        {
            using var client = await (i % 2 == 0 ? a : b).ApiAsync("agent");
            var customer = await client.PostAsJsonAsync("api/v1/customers", new { name = TestData.Name("投诉人"), phone = TestData.Mobile() });
            Assert.Equal(HttpStatusCode.Created, customer.StatusCode);
            var customerId = (await customer.JsonAsync()).GetProperty("id").GetGuid();
            var created = await client.PostAsJsonAsync("api/v1/complaints", new { customerId, channel = "Phone", category = "物流", severity = "Low", summary = "客户投诉包裹延迟一周未送达" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var json = await created.JsonAsync();
            complaints.Add((json.GetProperty("id").GetGuid(), json.GetProperty("number").GetString()!));
        }

        var ids = complaints.ConvertAll(c => c.Id);
        var outbox = new List<Guid>();
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var now = DateTime.UtcNow;
            // Every open deadline of these complaints falls due a minute ago: both sweepers (every second) see them.
            var due = await db.Set<ComplaintDeadline>().Where(d => ids.Contains(d.ComplaintId) && d.MetAt == null && d.CancelledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAt, now.AddMinutes(-1)));
            Assert.True(due >= complaints.Count, $"expected open deadlines, found {due}");
            for (var i = 0; i < 40; i++)
            {
                var message = OutboxMessage.Create(NotificationChannels.Sms, TestData.Mobile(), null, $"扩展测试短信 {i}", "scale-out-test", now);
                db.Add(message);
                outbox.Add(message.Id);
            }

            await db.SaveChangesAsync();
        }

        await WaitUntilAsync(async () =>
        {
            await using var scope = a.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var open = await db.Set<ComplaintDeadline>().CountAsync(d => ids.Contains(d.ComplaintId) && d.MetAt == null && d.CancelledAt == null && d.EscalatedAt == null);
            var pending = await db.Set<OutboxMessage>().CountAsync(m => outbox.Contains(m.Id) && m.Status != OutboxStatus.Sent);
            return open == 0 && pending == 0;
        }, "every deadline escalated and every message sent", TimeSpan.FromSeconds(60));
        await Task.Delay(2500); // two more sweeps and polls on each instance: nothing may happen twice

        await using (var scope = a.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            foreach (var (id, number) in complaints)
            {
                var escalated = await db.Set<ComplaintDeadline>().CountAsync(d => d.ComplaintId == id && d.EscalatedAt != null);
                var overdueEvents = await db.ComplaintEvents.CountAsync(e => e.ComplaintId == id && e.Kind == "overdue");
                var ownerId = await db.Complaints.Where(c => c.Id == id).Select(c => c.OwnerId).SingleAsync();
                var ownerNotes = await db.Notifications.CountAsync(n => n.UserId == ownerId && n.Text.StartsWith("投诉 " + number + " 已超时："));
                Assert.True(escalated > 0);
                Assert.Equal(escalated, overdueEvents);
                Assert.Equal(escalated, ownerNotes);
            }

            var sends = await db.Set<DevSmsMessage>().Where(m => outbox.Contains(m.OutboxMessageId)).GroupBy(m => m.OutboxMessageId)
                .Select(g => new { Id = g.Key, Count = g.Count() }).ToListAsync();
            Assert.Equal(outbox.Count, sends.Count);
            Assert.All(sends, s => Assert.Equal(1, s.Count));
            var attempts = await db.Set<OutboxMessage>().Where(m => outbox.Contains(m.Id)).Select(m => m.Attempts).ToListAsync();
            Assert.All(attempts, n => Assert.Equal(1, n));
        }
    }

    [ScaleOutFact]
    public async Task RoutingRequestsHittingBothInstancesAtOnce_NeverGiveOneAgentTwoCallsOrOneCallTwoAgents()
    {
        const int agentCount = 8;
        const int callCount = 40;
        var (a, b) = (cluster.A, cluster.B);
        var instances = new[] { a, b };
        var queue = await NewQueueAsync(a, ringTimeoutSeconds: 60);
        var hotline = await NewHotlineAsync(a, queue);
        var agents = new List<string>();
        for (var i = 0; i < agentCount; i++)
        {
            agents.Add(await NewAgentAsync(i % 2 == 0 ? a : b, queue));
        }

        var agentSet = agents.ToHashSet(StringComparer.Ordinal);
        var pbx = new[] { await a.ApiAsync("pbx"), await b.ApiAsync("pbx") };
        var supervisors = new[] { await a.ApiAsync("supervisor"), await b.ApiAsync("supervisor") };
        var callIds = Enumerable.Range(0, callCount).Select(_ => NewCallId()).ToList();
        var ourCalls = callIds.ToHashSet(StringComparer.Ordinal);
        // The PBX: follows Kefu's commands in order, like a real switch: a ring makes the phone ring (it must be free,
        // and the call must not ring or talk anywhere else), the agent answers at once and hangs up a moment later.
        var phones = new Dictionary<string, string>(StringComparer.Ordinal); // agent -> call ringing or talking there
        var callAt = new Dictionary<string, string>(StringComparer.Ordinal); // call -> agent
        var violations = new ConcurrentQueue<string>();
        var rings = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var ended = 0;
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var work = new ConcurrentBag<Task>();

        async Task AnswerAndHangUpAsync(string callId, string agent)
        {
            try
            {
                await Task.Delay(Random.Shared.Next(0, 30));
                await PostAsync(pbx[Random.Shared.Next(2)], Event("call.answered", callId, new { agent }));
                await Task.Delay(Random.Shared.Next(20, 120));
                lock (phones)
                {
                    phones.Remove(agent); // the PBX knows of the hang-up before Kefu does
                    callAt.Remove(callId);
                }

                await PostAsync(pbx[Random.Shared.Next(2)], Event("call.ended", callId, new { by = "caller" }));
                Interlocked.Increment(ref ended);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Enqueue($"{callId}@{agent}: {e.Message}");
            }
        }

        var poller = Task.Run(async () =>
        {
            var after = 0L;
            while (!stop.IsCancellationRequested && Volatile.Read(ref ended) < callCount)
            {
                var page = await pbx[0].GetFromJsonAsync<JsonElement>($"api/v1/cti/commands?after={after}&waitSeconds=1", stop.Token);
                foreach (var command in page.GetProperty("commands").EnumerateArray())
                {
                    after = command.GetProperty("seq").GetInt64();
                    var callId = command.GetProperty("callId").GetString()!;
                    if (!ourCalls.Contains(callId))
                    {
                        continue;
                    }

                    var type = command.GetProperty("type").GetString();
                    var targets = command.TryGetProperty("agents", out var list) && list.ValueKind == JsonValueKind.Array
                        ? list.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
                    lock (phones)
                    {
                        if (type == "ring")
                        {
                            rings.AddOrUpdate(callId, 1, (_, n) => n + 1);
                            if (targets.Count != 1)
                            {
                                violations.Enqueue($"seq {after}: call {callId} rung at {targets.Count} agents at once");
                            }

                            foreach (var agent in targets)
                            {
                                if (phones.TryGetValue(agent, out var busyWith))
                                {
                                    violations.Enqueue($"seq {after}: agent {agent} given call {callId} while on {busyWith}");
                                }

                                if (callAt.TryGetValue(callId, out var other))
                                {
                                    violations.Enqueue($"seq {after}: call {callId} given to {agent} while at {other}");
                                }

                                phones[agent] = callId;
                                callAt[callId] = agent;
                                work.Add(AnswerAndHangUpAsync(callId, agent));
                            }
                        }
                        else if (type == "cancel-ring")
                        {
                            foreach (var agent in targets.Where(t => phones.TryGetValue(t, out var c) && c == callId))
                            {
                                phones.Remove(agent);
                                callAt.Remove(callId);
                            }
                        }
                    }
                }
            }
        });

        // Agents log in and calls arrive at the same time, each call's events split over both instances.
        var load = new List<Task>();
        load.AddRange(agents.Select((agent, i) => Task.Run(async () =>
        {
            await Task.Delay(Random.Shared.Next(0, 200));
            var response = await supervisors[i % 2].PutAsJsonAsync($"api/v1/agents/{agent}/state", new { state = "Available" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        })));
        load.AddRange(callIds.Select((callId, i) => Task.Run(async () =>
        {
            await Task.Delay(Random.Shared.Next(0, 400));
            await PostAsync(pbx[i % 2], Event("call.offered", callId, new { from = TestData.Mobile(), to = hotline }));
            await PostAsync(pbx[(i + 1) % 2], Event("ivr.selected", callId, new { digit = "1" }));
        })));
        await Task.WhenAll(load);

        await WaitUntilAsync(() => Volatile.Read(ref ended) >= callCount || !failures.IsEmpty || poller.IsCompleted,
            $"all {callCount} calls answered and ended", TimeSpan.FromSeconds(110));
        await poller;
        await Task.WhenAll(work);
        Assert.Empty(failures);
        Assert.Empty(violations);
        Assert.Equal(callCount, Volatile.Read(ref ended));
        Assert.All(callIds, id => Assert.Equal(1, rings.GetValueOrDefault(id))); // each call offered once: no call re-offered behind a ring

        // The store agrees: every call answered by one of the agents, no agent on two calls at any time, everyone free at the end.
        await WaitUntilAsync(async () =>
        {
            await using var scope = a.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            return await db.Set<AgentPresence>().CountAsync(p => agents.Contains(p.UserName) && p.State == AgentState.Idle) == agentCount;
        }, "every agent back to Available after the last wrap-up");
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var records = await db.Set<CallRecord>().AsNoTracking().Where(c => callIds.Contains(c.Id)).ToListAsync();
            Assert.Equal(callCount, records.Count);
            Assert.All(records, r =>
            {
                Assert.NotNull(r.AnsweredAt);
                Assert.NotNull(r.EndedAt);
                Assert.Contains(r.Agent!, agentSet);
            });
            var answers = await db.Set<CtiEvent>().AsNoTracking().Where(e => callIds.Contains(e.CallId) && e.Type == CtiEventTypes.Answered)
                .GroupBy(e => e.CallId).Select(g => g.Count()).ToListAsync();
            Assert.All(answers, n => Assert.Equal(1, n));
            foreach (var perAgent in records.GroupBy(r => r.Agent!))
            {
                var talks = perAgent.OrderBy(r => r.AnsweredAt).ToList();
                for (var i = 1; i < talks.Count; i++)
                {
                    Assert.True(talks[i].AnsweredAt >= talks[i - 1].EndedAt,
                        $"{perAgent.Key} answered {talks[i].Id} at {talks[i].AnsweredAt:O} while on {talks[i - 1].Id} until {talks[i - 1].EndedAt:O}");
                }
            }

            Assert.All(await db.Set<AgentPresence>().AsNoTracking().Where(p => agents.Contains(p.UserName)).ToListAsync(), p => Assert.Null(p.CurrentCallId));
        }

        // Both instances' ACDs (the wallboards) agree with the store.
        foreach (var supervisor in supervisors)
        {
            var board = await supervisor.GetFromJsonAsync<JsonElement>("api/v1/wallboard");
            var line = board.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("id").GetString() == queue);
            Assert.Equal((0, 0, 0), (line.GetProperty("waiting").GetInt32(), line.GetProperty("ringing").GetInt32(), line.GetProperty("talking").GetInt32()));
            Assert.Equal(agentCount, board.GetProperty("agents").EnumerateArray().Count(x => agentSet.Contains(x.GetProperty("userName").GetString()!)
                && x.GetProperty("state").GetString() == "Available"));
        }

        foreach (var client in pbx.Concat(supervisors))
        {
            client.Dispose();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static string NewCallId() => "so-" + Guid.NewGuid().ToString("N")[..12];

    private static Dictionary<string, object?> Event(string type, string callId, object? fields = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = $"{callId}-{type}-{Interlocked.Increment(ref eventCounter)}",
            ["type"] = type,
            ["callId"] = callId,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (var property in fields?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(fields);
        }

        return body;
    }

    private static async Task<JsonElement> PostAsync(HttpClient pbx, object cti)
    {
        using var response = await pbx.PostAsJsonAsync("api/v1/cti/events", cti);
        var json = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {json}");
        return json;
    }

    private static async Task<string> NewQueueAsync(ScaleOutInstance app, int ringTimeoutSeconds = 15)
    {
        using var admin = await app.ApiAsync("admin");
        var id = "q-" + Guid.NewGuid().ToString("N")[..8];
        var response = await admin.PutAsJsonAsync($"api/v1/queues/{id}", new { name = "扩展队列" + id[^4..], skill = id, strategy = "LongestIdle", ringTimeoutSeconds, wrapUpSeconds = 0 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    private static async Task<string> NewHotlineAsync(ScaleOutInstance app, string queue)
    {
        using var admin = await app.ApiAsync("admin");
        var number = "400" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        var response = await admin.PostAsJsonAsync("api/v1/hotlines", new
        {
            number, name = "扩展热线", greeting = "您好，欢迎致电。", opensAt = "00:00", closesAt = "00:00", openDays = "1234567",
            afterHoursPrompt = "现在是非工作时间，预约回电请按1。", afterHoursMode = "Callback",
            menu = new object[] { new { digit = "1", label = "测试", prompt = "测试请按1。", queue } },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return number;
    }

    private static async Task<string> NewAgentAsync(ScaleOutInstance app, string queue)
    {
        using var admin = await app.ApiAsync("admin");
        var name = TestData.Name("so");
        var created = await admin.PostAsJsonAsync("api/v1/users", new
        {
            userName = name, displayName = "坐席" + name[^4..], password = KefuAppFactory.DemoPassword, role = "Agent", workNumber = name[^4..],
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var supervisor = await app.ApiAsync("supervisor");
        var skills = await supervisor.PutAsJsonAsync($"api/v1/agents/{name}/skills", new { skills = new[] { new { skill = queue, level = 1 } } });
        Assert.Equal(HttpStatusCode.OK, skills.StatusCode);
        return name;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for " + what);
            }

            await Task.Delay(100);
        }
    }
}
