using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Kefu.IntegrationTests.Platform;

/// <summary>
/// The app as a deployment runs it (a child process, JSON logs, background jobs off so the store stands still):
/// /metrics from loopback shows the Kefu meters with the values the API and the store show; log lines are JSON, carry
/// the request's correlation id, and no PII.
/// </summary>
public sealed class ObservabilityTests : IDisposable
{
    private readonly TestStore store = new();

    [Fact]
    public async Task Metrics_ShowTheKefuMeters_AndJsonLogsCarryTheCorrelationIdButNoPii()
    {
        await using var app = await KefuProcess.StartAsync(store, KefuProcess.FreePort(), new Dictionary<string, string>
        {
            ["Kefu__Logging__Format"] = "json",
            ["Kefu__Jobs__Enabled"] = "false",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        });
        using var admin = app.Client(await app.TokenAsync("admin"));
        using var pbx = app.Client(await app.TokenAsync("pbx"));
        var queue = "q-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PutAsJsonAsync($"/api/v1/queues/{queue}", new { name = "观测队列", skill = queue, strategy = "LongestIdle", ringTimeoutSeconds = 15, wrapUpSeconds = 0 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // Two calls wait in the new queue (nobody has its skill); the batch is then replayed; one event is invalid.
        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        object[] batch = [.. Enumerable.Range(1, 2).Select(i => new { id = $"{queue}-{i}", type = "call.queued", callId = $"{queue}-call-{i}", at, queue })];
        var correlationId = "corr-" + Guid.NewGuid().ToString("N");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cti/events") { Content = JsonContent.Create(batch) })
        {
            request.Headers.Add("X-Correlation-Id", correlationId);
            var response = await pbx.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(correlationId, response.Headers.GetValues("X-Correlation-Id").Single());
        }

        var replay = await pbx.PostAsJsonAsync("/api/v1/cti/events", batch);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", replay.Headers.GetValues("X-Correlation-Id").Single()); // the trace id when none came in
        Assert.Equal(HttpStatusCode.BadRequest, (await pbx.PostAsJsonAsync("/api/v1/cti/events", new { id = "x", type = "call.queued", at })).StatusCode);
        const string mobile = "13812345678";
        await admin.GetAsync($"/api/v1/customers?q={mobile}");

        using var anonymous = app.Client();
        var text = await anonymous.GetStringAsync("/metrics"); // loopback: allowed without a token

        Assert.Equal(2, Value(text, "kefu_cti_events_total", "outcome=\"accepted\""));
        Assert.Equal(2, Value(text, "kefu_cti_events_total", "outcome=\"duplicate\""));
        Assert.Equal(1, Value(text, "kefu_cti_events_total", "outcome=\"refused\""));
        Assert.Equal(2, Value(text, "kefu_calls_waiting", $"queue=\"{queue}\""));
        var wallboard = await (await admin.GetAsync("/api/v1/wallboard")).JsonAsync();
        foreach (var state in wallboard.GetProperty("agentsByState").EnumerateArray())
        {
            Assert.Equal(state.GetProperty("count").GetInt32(), Value(text, "kefu_agents", $"state=\"{state.GetProperty("state").GetString()}\""));
        }

        await using (var db = KefuProcess.OpenStore(store))
        {
            foreach (var kind in Enum.GetValues<DeadlineKind>())
            {
                Assert.Equal(await db.ComplaintDeadlines.CountAsync(d => d.EscalatedAt != null && d.Kind == kind), Value(text, "kefu_sla_breaches_total", $"kind=\"{kind}\""));
            }

            foreach (var channel in NotificationChannels.All)
            {
                Assert.Equal(await db.Set<OutboxMessage>().CountAsync(m => m.Status == OutboxStatus.Pending && m.Channel == channel), Value(text, "kefu_outbox_backlog", $"channel=\"{channel}\""));
            }
        }

        Assert.Contains("http_server_request_duration_seconds_count", text, StringComparison.Ordinal);

        // Logs: every line that is not the start banner is one JSON object; the request's lines carry its id; no PII.
        await Task.Delay(500); // let the last lines reach stdout
        var lines = app.Output.Where(l => l.StartsWith('{')).ToList();
        var parsed = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(parsed, l => Assert.True(l.TryGetProperty("level", out _) && l.TryGetProperty("message", out _)));
        Assert.Contains(parsed, l => l.TryGetProperty("correlationId", out var id) && id.GetString() == correlationId);
        Assert.DoesNotContain(app.Output, l => l.Contains(mobile, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("138****5678", StringComparison.Ordinal));
    }

    public void Dispose() => store.Dispose();

    /// <summary>The value of the series <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(string exposition, string name, string label)
    {
        var series = exposition.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(series);
        return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
