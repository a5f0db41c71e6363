using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Insights;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Insights;

/// <summary>An app whose clock starts on a day no other test class uses: 2026-10-14, 10:00 China time. Each test that writes
/// a day's data first moves the clock on by a day, so its figures are its own (October holds all of them).</summary>
public sealed class KpiApp : KefuAppFactory
{
    public static readonly DateTimeOffset Start = new(2026, 10, 14, 2, 0, 0, TimeSpan.Zero);

    public KpiApp()
    {
        Clock = new FakeTimeProvider(Start);
    }
}

/// <summary>The KPIs of issue #7 checked to the exact value against figures computed by hand from the seed's formulas.</summary>
public sealed class KpiTests(KpiApp app) : IClassFixture<KpiApp>
{
    [Fact]
    public async Task KpisOfADay_MatchTheSeedFormulas_ComputedByHand_ForTheCenter_AQueueAndAnAgent()
    {
        app.Clock!.Advance(TimeSpan.FromDays(1)); // each test that writes a day's data takes a day of its own
        var calls = new CallDriver(app);
        var start = calls.Now;
        var today = start.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = start.ToOffset(TimeSpan.FromHours(8)).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var queue = await calls.NewQueueAsync();
        var (a, b) = (await calls.NewAgentAsync(queue), await calls.NewAgentAsync(queue)); // offline: the PBX rings them itself
        string Id() => CallDriver.NewCallId();
        var (c1, c2, c3, c4, c5, c6) = (Id(), Id(), Id(), Id(), Id(), Id());
        await calls.PostAsync(
            // C1: queued 10 s, rings at A 4 s later, answered 6 s after the ring, 20 s on hold, ended at 200 → handle 180 s.
            calls.Event("call.offered", c1, 0, new { from = "13800000001", to = "4008001234" }),
            calls.Event("call.queued", c1, 10, new { queue }),
            calls.Event("call.ringing", c1, 14, new { agent = a }),
            calls.Event("call.answered", c1, 20, new { agent = a }),
            calls.Event("call.held", c1, 50),
            calls.Event("call.resumed", c1, 70),
            calls.Event("call.ended", c1, 200, new { by = "caller" }),
            // C2: rings 25 s after queueing, answered 17 s after the ring (more than 3 rings), ended 60 s later.
            calls.Event("call.offered", c2, 0, new { from = "13800000002", to = "4008001234" }),
            calls.Event("call.queued", c2, 5, new { queue }),
            calls.Event("call.ringing", c2, 30, new { agent = a }),
            calls.Event("call.answered", c2, 47, new { agent = a }),
            calls.Event("call.ended", c2, 107, new { by = "agent" }),
            // C3: hangs up after 9 s in the queue. C4: after 3 s (a short abandon).
            calls.Event("call.offered", c3, 0, new { from = "13800000003", to = "4008001234" }),
            calls.Event("call.queued", c3, 3, new { queue }),
            calls.Event("call.ended", c3, 12, new { by = "caller" }),
            calls.Event("call.offered", c4, 0, new { from = "13800000004", to = "4008001234" }),
            calls.Event("call.queued", c4, 2, new { queue }),
            calls.Event("call.ended", c4, 5, new { by = "caller" }),
            // C5: never asks for an agent.
            calls.Event("call.offered", c5, 0, new { from = "13800000005", to = "4008001234" }),
            calls.Event("call.ended", c5, 30, new { by = "caller" }),
            // C6: rings at B 2 s after queueing, answered 5 s later, ended 120 s after the answer.
            calls.Event("call.offered", c6, 0, new { from = "13800000006", to = "4008001234" }),
            calls.Event("call.queued", c6, 1, new { queue }),
            calls.Event("call.ringing", c6, 3, new { agent = b }),
            calls.Event("call.answered", c6, 8, new { agent = b }),
            calls.Event("call.ended", c6, 128, new { by = "caller" }));
        var supervisor = await app.ClientForAsync("supervisor");
        foreach (var (call, solved) in new[] { (c1, true), (c2, false), (c6, true) })
        {
            var set = await supervisor.PutAsJsonAsync($"/api/v1/calls/{call}/disposition", new { solvedOnFirstContact = solved, note = "已处理" });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var day = await KpisAsync($"from={today}&to={today}");
        Assert.Equal(6, day.GetProperty("counts").GetProperty("offered").GetInt64());
        Near(3.0 / 6, day, "connectionRate");
        Near((180.0 + 60 + 120) / 3, day, "averageHandleSeconds");
        Near(2.0 / 3, day, "answeredWithin3Rings");
        Near(2.0 / 5, day, "manualConnectionWithin15s");
        Near(2.0 / 5, day, "abandonRate");
        Near(2.0 / 3, day, "firstContactResolution");
        Assert.Equal(JsonValueKind.Null, day.GetProperty("csat").ValueKind);
        Near(2.0 / 3, day, "serviceLevel");
        Near(4.0 / 5, day, "serviceLevelPerf2");
        Near(2.0 / 4, day, "serviceLevelOffered");
        Near((10.0 + 42 + 7) / 3, day, "averageSpeedOfAnswerSeconds");
        Near((160.0 + 60 + 120) / 3, day, "averageTalkSeconds");
        Near(20.0 / 3, day, "averageHoldSeconds");
        var aht = day.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "averageHandleSeconds");
        Assert.Contains("总通话时长 / 接通电话数量", aht.GetProperty("formula").GetString(), StringComparison.Ordinal);
        Assert.True(aht.GetProperty("met").GetBoolean(), "120 s is within the 3-minute target");
        var connection = day.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "connectionRate");
        Assert.False(connection.GetProperty("met").GetBoolean(), "50 % misses the 90 % target");

        var ofQueue = await KpisAsync($"from={today}&to={today}&queue={queue}");
        Near(3.0 / 5, ofQueue, "connectionRate");
        var ofAgent = await KpisAsync($"from={today}&to={today}&agent={a}");
        Near(1.0, ofAgent, "connectionRate");
        Near((180.0 + 60) / 2, ofAgent, "averageHandleSeconds");
        Near(1.0 / 2, ofAgent, "answeredWithin3Rings");
        Near(1.0 / 2, ofAgent, "firstContactResolution");

        // A period not on whole hours is counted from the raw call records, with the same result.
        var exact = await KpisAsync($"from={Uri.EscapeDataString(start.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddMinutes(10).ToString("O"))}");
        Assert.Equal("calls", exact.GetProperty("source").GetString());
        Near(3.0 / 6, exact, "connectionRate");
        Near(120, exact, "averageHandleSeconds");
        var nextDay = await KpisAsync($"from={tomorrow}&to={tomorrow}");
        Assert.Equal(0, nextDay.GetProperty("counts").GetProperty("offered").GetInt64());
        Assert.Equal(JsonValueKind.Null, nextDay.GetProperty("connectionRate").ValueKind);

        var byHour = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis/series?from={today}&to={today}&by=hour");
        var hour = start.ToOffset(TimeSpan.FromHours(8)).Hour.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(6, byHour.EnumerateArray().Single(p => p.GetProperty("key").GetString() == hour).GetProperty("counts").GetProperty("offered").GetInt64());
        var export = await supervisor.GetAsync($"/api/v1/calls/export.xlsx?queue={queue}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        await using (var workbook = new MemoryStream(await export.Content.ReadAsByteArrayAsync()))
        {
            var rows = (await MiniExcelLibs.MiniExcel.QueryAsync(workbook, useHeaderRow: true)).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(5, rows.Count); // the five calls that reached the queue
            Assert.Equal(2, rows.Count(r => (string?)r["坐席"] == a));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("agent")).GetAsync("/api/v1/calls/export.xlsx")).StatusCode);
        var badTeam = await supervisor.GetAsync($"/api/v1/kpis?from={today}&team=NOPE");
        Assert.True((await badTeam.JsonAsync()).GetProperty("errors").TryGetProperty("team", out _));
        var byTeam = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis/series?from={today}&to={today}&by=team");
        Assert.Equal(3, byTeam.EnumerateArray().Sum(p => p.GetProperty("counts").GetProperty("answered").GetInt64()));
        var byAgent = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis/series?from={today}&to={today}&by=agent");
        Assert.Equal(2, byAgent.EnumerateArray().Single(p => p.GetProperty("key").GetString() == a).GetProperty("counts").GetProperty("answered").GetInt64());
    }

    [Fact]
    public async Task ComplaintMeasures_CountHandlingTimeRepeatsCategoriesAndRootCauses_OfTheComplaintsCreatedInThePeriod()
    {
        // A day of its own: demo complaints were created when the app started.
        app.Clock!.Advance(TimeSpan.FromDays(1));
        var day = app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var first = await Complaints.ComplaintDriver.StartAsync(app, category: "物流");
        var customer = first.Last.GetProperty("customerId").GetGuid();
        var repeat = await Complaints.ComplaintDriver.StartAsync(app, category: "物流", customerId: customer);
        Assert.True(repeat.Last.GetProperty("isRepeat").GetBoolean());
        await Complaints.ComplaintDriver.StartAsync(app, category: "商品质量");
        await first.ThroughPlanAsync();
        app.Clock.Advance(TimeSpan.FromHours(5));
        await first.AdvanceAsync("Execution");
        await first.PostAsync("confirmations", new { kind = "ExplainedOnCall" });
        await first.AdvanceAsync("Review");
        await first.AdvanceAsync("Closed");

        var supervisor = await app.ClientForAsync("supervisor");
        var view = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis/complaints?from={day}&to={day}");
        var measures = view.GetProperty("measures");
        Assert.Equal(3, measures.GetProperty("created").GetInt64());
        Assert.Equal(1, measures.GetProperty("closed").GetInt64());
        Assert.Equal(5.0, measures.GetProperty("averageHandlingHours").GetDouble(), 3);
        Assert.Equal(1.0 / 3, measures.GetProperty("repeatComplaintRate").GetDouble(), 9);
        var categories = view.GetProperty("byCategory").EnumerateArray().ToList();
        Assert.Equal(2, categories[0].GetProperty("count").GetInt64());
        Assert.Contains("物流", categories[0].GetProperty("label").GetString(), StringComparison.Ordinal);
        Assert.Equal(2.0 / 3, categories[0].GetProperty("share").GetDouble(), 9);
        Assert.Equal(1.0, categories[^1].GetProperty("cumulativeShare").GetDouble(), 9);
        var cause = Assert.Single(view.GetProperty("rootCauses").EnumerateArray());
        Assert.Equal("旺季转运能力不足", cause.GetProperty("label").GetString());
        Assert.Equal("物流", Assert.Single(view.GetProperty("findingsByDepartment").EnumerateArray()).GetProperty("label").GetString());
        var trend = Assert.Single(view.GetProperty("trend").EnumerateArray());
        Assert.Equal(3, trend.GetProperty("created").GetInt64());
        Assert.Equal(1, trend.GetProperty("closed").GetInt64());

        var high = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/kpis/complaints?from={day}&to={day}&severity=Critical");
        Assert.Equal(0, high.GetProperty("measures").GetProperty("created").GetInt64());
        Assert.Equal(JsonValueKind.Null, high.GetProperty("measures").GetProperty("averageHandlingHours").ValueKind);
    }

    [Fact]
    public async Task TheMonthlyReport_AsPdfAndExcel_CarriesTheSameFiguresAsItsJson()
    {
        app.Clock!.Advance(TimeSpan.FromDays(1)); // a day of its own, still in October
        var calls = new CallDriver(app);
        var agent = await calls.NewAgentAsync(await calls.NewQueueAsync());
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(calls.Event("call.offered", callId, 0, new { from = "13800000009", to = "4008001234" }),
            calls.Event("call.answered", callId, 3, new { agent }), calls.Event("call.ended", callId, 95, new { by = "caller" }));
        var supervisor = await app.ClientForAsync("supervisor");
        var json = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/reports/monthly?month=2026-10");
        Assert.Equal("2026-10", json.GetProperty("month").GetString());
        var indicators = json.GetProperty("calls").GetProperty("indicators").EnumerateArray().ToList();
        Assert.Contains(indicators, i => i.GetProperty("key").GetString() == "averageHandleSeconds" && i.GetProperty("value").ValueKind == JsonValueKind.Number);

        var pdf = await supervisor.GetAsync("/api/v1/reports/monthly/pdf?month=2026-10");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var text = await Complaints.ComplaintReportTests.PdfToTextAsync(await pdf.Content.ReadAsByteArrayAsync());
        static string Pdf(string expected) => new(expected.Normalize(System.Text.NormalizationForm.FormKC).Where(ch => !char.IsWhiteSpace(ch)).ToArray());
        Assert.Contains(Pdf("客服中心月度服务报告（2026-10）"), text, StringComparison.Ordinal);
        Assert.Contains(Pdf("一、服务指标与目标"), text, StringComparison.Ordinal);
        var offered = json.GetProperty("calls").GetProperty("counts").GetProperty("offered").GetInt64();
        Assert.Contains(Pdf($"来电 {offered} 通"), text, StringComparison.Ordinal);
        foreach (var indicator in indicators.Where(i => i.GetProperty("value").ValueKind == JsonValueKind.Number))
        {
            var shown = MonthlyReport.Value(indicator.GetProperty("value").GetDouble(), indicator.GetProperty("unit").GetString()!);
            Assert.Contains(Pdf(indicator.GetProperty("name").GetString()! + shown), text, StringComparison.Ordinal);
        }

        var xlsx = await supervisor.GetAsync("/api/v1/reports/monthly/xlsx?month=2026-10");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        await using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Contains("整改项", MiniExcelLibs.MiniExcel.GetSheetNames(stream));
        stream.Position = 0;
        var rows = (await MiniExcelLibs.MiniExcel.QueryAsync(stream, useHeaderRow: true, sheetName: "服务指标")).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(indicators.Count, rows.Count);
        Assert.Equal("平均处理时长", rows.Single(r => (string?)r["指标"] == "平均处理时长")["指标"]);

        var bad = await supervisor.GetAsync("/api/v1/reports/monthly?month=2026-13");
        Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("month", out _));
    }

    [Fact]
    public async Task BadPeriods_AreRefusedNamingTheField_AndAgentsMayNotReadKpis()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var bad = await supervisor.GetAsync("/api/v1/kpis?from=2026-13-01&to=2026-10-14");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("from", out _));
        var backwards = await supervisor.GetAsync("/api/v1/kpis?from=2026-10-14&to=2026-10-01");
        Assert.True((await backwards.JsonAsync()).GetProperty("errors").TryGetProperty("to", out _));
        var noOffset = await supervisor.GetAsync("/api/v1/kpis?from=2026-10-14T10:00:00&to=2026-10-14T12:00:00");
        Assert.Equal(HttpStatusCode.BadRequest, noOffset.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("agent")).GetAsync("/api/v1/kpis?from=2026-10-14")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientForAsync("qa")).GetAsync("/api/v1/kpis?from=2026-10-14")).StatusCode);
    }

    [Fact]
    public async Task Targets_AreEditableByVersion_AndValidated()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var current = await supervisor.GetAsync("/api/v1/kpis/targets");
        var etag = current.Headers.ETag!.Tag;
        Assert.Equal(0.9, (await current.JsonAsync()).GetProperty("targets").GetProperty("connectionRate").GetDouble(), 6);

        var missing = await supervisor.PutAsJsonAsync("/api/v1/kpis/targets", new { targets = new { connectionRate = 0.92 } });
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        var invalid = new HttpRequestMessage(HttpMethod.Put, "/api/v1/kpis/targets") { Content = JsonContent.Create(new { targets = new { connectionRate = 1.5, nonsense = 1 } }) };
        invalid.Headers.TryAddWithoutValidation("If-Match", etag);
        var invalidResponse = await supervisor.SendAsync(invalid);
        Assert.Equal(HttpStatusCode.BadRequest, invalidResponse.StatusCode);
        var errors = (await invalidResponse.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("targets.connectionRate", out _));
        Assert.True(errors.TryGetProperty("targets.nonsense", out _));

        var set = new HttpRequestMessage(HttpMethod.Put, "/api/v1/kpis/targets") { Content = JsonContent.Create(new { targets = new { connectionRate = 0.92 } }) };
        set.Headers.TryAddWithoutValidation("If-Match", etag);
        var saved = await supervisor.SendAsync(set);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(0.92, (await saved.JsonAsync()).GetProperty("targets").GetProperty("connectionRate").GetDouble(), 6);
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/kpis/targets") { Content = JsonContent.Create(new { targets = new { connectionRate = 0.8 } }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await supervisor.SendAsync(stale)).StatusCode);
        var report = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/kpis?from=2026-10-20");
        Assert.Equal(0.92, report.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "connectionRate").GetProperty("target").GetDouble(), 6);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("qa")).PutAsJsonAsync("/api/v1/kpis/targets", new { targets = new { csat = 0.9 } })).StatusCode);
    }

    [Fact]
    public async Task Rollups_EqualTheNaiveCount_AfterRandomChangesFromConcurrentWriters_AndAfterARebuild()
    {
        var random = new Random(20261123);
        var queues = new[] { "kq-a", "kq-b", null };
        var agents = new[] { "kx1", "kx2", "kx3", null };
        var baseTime = new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        var ids = Enumerable.Range(0, 60).Select(_ => "rnd-" + Guid.NewGuid().ToString("N")).ToList();

        CallRecord RandomCall(string id)
        {
            var offered = baseTime.AddMinutes(random.Next(0, 3 * 24 * 60)).AddMilliseconds(random.Next(0, 1000));
            DateTime? queued = random.NextDouble() < 0.8 ? offered.AddSeconds(random.Next(0, 20)) : null;
            DateTime? ringing = queued is { } q && random.NextDouble() < 0.8 ? q.AddSeconds(random.Next(-2, 40)) : null;
            DateTime? answered = ringing is { } r && random.NextDouble() < 0.85 ? r.AddSeconds(random.Next(1, 25)) : null;
            DateTime? ended = random.NextDouble() < 0.9 ? (answered ?? queued ?? offered).AddSeconds(random.Next(1, 600)) : null;
            return new CallRecord
            {
                Id = id, OfferedAt = offered, QueuedAt = queued, RingingAt = ringing, AnsweredAt = answered, EndedAt = ended,
                Queue = queued is null ? null : queues[random.Next(queues.Length)], Agent = answered is null ? null : agents[random.Next(agents.Length)],
                TalkSeconds = answered is null || ended is null ? null : random.Next(0, 500), HoldSeconds = random.Next(0, 60),
                WrapSeconds = random.NextDouble() < 0.5 ? random.Next(0, 90) : null, AnsweredWithinRings = answered is null ? null : random.NextDouble() < 0.7,
                SolvedOnFirstContact = answered is null ? null : random.NextDouble() < 0.6, CallbackRequested = random.NextDouble() < 0.1,
            };
        }

        // Several writers at once, each adding, changing (queue, agent, hour, answer) and deleting calls in its own saves.
        var plans = ids.Chunk(15).Select((chunk, n) => (chunk, seed: random.Next())).ToList();
        await Task.WhenAll(plans.Select(async plan =>
        {
            var local = new Random(plan.seed);
            foreach (var id in plan.chunk)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                CallRecord call;
                lock (random)
                {
                    call = RandomCall(id);
                }

                db.Add(call);
                await db.SaveChangesAsync();
                for (var change = 0; change < local.Next(1, 4); change++)
                {
                    CallRecord next;
                    lock (random)
                    {
                        next = RandomCall(id);
                    }

                    db.Entry(call).CurrentValues.SetValues(next);
                    await db.SaveChangesAsync();
                }

                if (local.NextDouble() < 0.15)
                {
                    db.Remove(call);
                    await db.SaveChangesAsync();
                }
            }
        }));

        // Call surveys answered through the public link count at their call's offer hour; when a call later moves to another hour
        // or is deleted, its answers move with it (or leave).
        var anonymous = app.CreateClient();
        var now = app.Clock!.GetUtcNow().UtcDateTime;
        List<string> surveyed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            surveyed = await db.Set<CallRecord>().AsNoTracking().Where(c => c.Id.StartsWith("rnd-") && c.OfferedAt != null).OrderBy(c => c.Id)
                .Select(c => c.Id).Take(12).ToListAsync();
            var tokens = new List<(string Token, int Rating)>();
            foreach (var id in surveyed)
            {
                var token = SurveyInvitation.NewToken();
                db.Add(new SurveyInvitation
                {
                    Id = Guid.NewGuid(), Kind = SurveyKinds.Call, SourceKey = "rnd:" + id, CallId = id, Agent = agents[random.Next(agents.Length)],
                    Queue = queues[random.Next(queues.Length)], Channel = "sms", CreatedAt = now, ExpiresAt = now.AddDays(7), TokenHash = SurveyInvitation.HashToken(token),
                });
                tokens.Add((token, random.Next(1, 6)));
            }

            await db.SaveChangesAsync();
            foreach (var (token, rating) in tokens)
            {
                var answered = await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating });
                Assert.True(answered.IsSuccessStatusCode, $"{answered.StatusCode}: {await answered.Content.ReadAsStringAsync()}");
            }
        }

        await AssertRollupsEqualNaiveAsync(baseTime, queues, agents);
        foreach (var (id, n) in surveyed.Take(5).Select((id, n) => (id, n)))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var call = await db.Set<CallRecord>().SingleAsync(c => c.Id == id);
            if (n == 4)
            {
                db.Remove(call);
            }
            else
            {
                call.OfferedAt = baseTime.AddMinutes(random.Next(0, 3 * 24 * 60));
            }

            await db.SaveChangesAsync();
        }

        await AssertRollupsEqualNaiveAsync(baseTime, queues, agents);

        // A failed save adds nothing: a stale version is refused and its delta dropped.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var victim = await db.Set<CallRecord>().FirstAsync(c => c.Id.StartsWith("rnd-"));
            db.Entry(victim).Property(c => c.Version).OriginalValue = Guid.NewGuid();
            victim.AnsweredAt = null;
            victim.Queue = "kq-a";
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        }

        await AssertRollupsEqualNaiveAsync(baseTime, queues, agents);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var counted = await CallKpiRollups.RebuildAsync(db, Targets(), Options(), TimeProvider.System, CancellationToken.None);
            Assert.Equal(await db.Set<CallRecord>().LongCountAsync(c => c.OfferedAt != null), counted);
            Assert.True(counted >= ids.Count / 2);
        }

        await AssertRollupsEqualNaiveAsync(baseTime, queues, agents);
    }

    private async Task AssertRollupsEqualNaiveAsync(DateTime baseTime, string?[] queues, string?[] agents)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        for (var day = 0; day < 3; day++)
        {
            var from = baseTime.AddDays(day);
            var to = from.AddDays(1);
            foreach (var queue in queues.Select(q => q ?? ""))
            {
                // Every agent, or one ("" = none): the former reads the queue-level rollups.
                foreach (var agent in agents.Select(a => a ?? "").Append(null))
                {
                    var rollup = (await CallKpiRollups.SumAsync(db, CallKpiRollup.HourOf(from), CallKpiRollup.HourOf(to), queue, agent, null, CancellationToken.None)).Single().Tally;
                    var naive = await CallKpiRollups.NaiveSumAsync(db, from, to, queue, agent, Targets(), Options(), CancellationToken.None);
                    foreach (var (name, get, _) in CallTally.Counters)
                    {
                        Assert.True(get(naive) == get(rollup), $"{name} on day {day}, queue '{queue}', agent '{agent}': naive {get(naive)}, rollup {get(rollup)}");
                    }

                    foreach (var satisfied in new[] { 3, 4, 5 })
                    {
                        var period = new KpiPeriod(from, to);
                        var who = agent is null ? null : new[] { agent };
                        var rolledSurveys = await CallSurveys.TallyAsync(db, period, queue, who, satisfied, CancellationToken.None);
                        var naiveSurveys = await CallSurveys.NaiveTallyAsync(db, period, queue, who, satisfied, CancellationToken.None);
                        Assert.True(rolledSurveys == naiveSurveys, $"CSAT (≥{satisfied}) on day {day}, queue '{queue}', agent '{agent}': naive {naiveSurveys}, rollup {rolledSurveys}");
                    }
                }
            }
        }
    }

    private CallTargets Targets() => app.Services.GetRequiredService<IOptions<CallTargets>>().Value;

    private KpiOptions Options() => app.Services.GetRequiredService<IOptions<KpiOptions>>().Value;

    private async Task<JsonElement> KpisAsync(string query)
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var response = await supervisor.GetAsync("/api/v1/kpis?" + query);
        var json = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    private static void Near(double expected, JsonElement report, string field)
    {
        var value = report.GetProperty(field);
        Assert.True(value.ValueKind == JsonValueKind.Number, $"{field} is {value}");
        Assert.True(Math.Abs(expected - value.GetDouble()) < 1e-9, $"{field}: expected {expected}, got {value.GetDouble()}");
    }
}
