using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;

namespace Kefu.IntegrationTests.Quality;

/// <summary>Coaching items through HTTP: QA coaches an agent from an evaluation, only that agent acknowledges, QA closes it.</summary>
public sealed class CoachingTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task QaCoachesAnAgentFromAnEvaluation_OnlyThatAgentAcknowledges_AndQaClosesItWithTheOutcome()
    {
        var quality = new QualityDriver(app);
        var agentName = await quality.NewAgentAsync();
        var otherName = await quality.NewAgentAsync();
        var evaluation = await quality.SubmittedEvaluationAsync(await quality.AnsweredCallAsync(agentName), QualityDriver.Uniform(60));
        var othersEvaluation = await quality.SubmittedEvaluationAsync(await quality.AnsweredCallAsync(otherName), QualityDriver.Uniform(60));
        var qa = await app.ClientForAsync("qa");
        var agent = await app.ClientForAsync(agentName);
        var other = await app.ClientForAsync(otherName);

        var empty = await qa.PostAsJsonAsync("/api/v1/quality/coaching", new { agent = agentName, dueOn = "2026-11-01" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var errors = (await empty.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("topic", out _));
        Assert.True(errors.TryGetProperty("improvement", out _));
        Assert.True(errors.TryGetProperty("dueOn", out _)); // before today (23 Nov 2026)

        var wrongEvaluation = await qa.PostAsJsonAsync("/api/v1/quality/coaching",
            new { agent = agentName, evaluationId = othersEvaluation.GetProperty("id").GetString(), topic = "结束语", improvement = "使用规范结束语" });
        Assert.True((await wrongEvaluation.JsonAsync()).GetProperty("errors").TryGetProperty("evaluationId", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/quality/coaching", new { agent = agentName, topic = "x", improvement = "y" })).StatusCode);

        var created = await qa.PostAsJsonAsync("/api/v1/quality/coaching", new
        {
            agent = agentName, evaluationId = evaluation.GetProperty("id").GetString(), topic = "结束语与共情",
            improvement = "结束通话前询问其他需求，使用规范结束语；客户抱怨时先用共情语句。", dueOn = "2026-11-30",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = await created.JsonAsync();
        var id = item.GetProperty("id").GetString();
        Assert.Equal("Open", item.GetProperty("status").GetString());
        Assert.Equal("qa", item.GetProperty("createdBy").GetString());

        // Another agent neither sees it nor may acknowledge it.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/quality/coaching/{id}")).StatusCode);
        Assert.DoesNotContain((await other.GetFromJsonAsync<JsonElement>("/api/v1/quality/coaching")).EnumerateArray(), c => c.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await QualityDriver.SendAsync(other, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/acknowledge", null, QualityDriver.ETag(item))).StatusCode);
        // Nor may QA acknowledge on the agent's behalf.
        Assert.Equal(HttpStatusCode.Forbidden, (await QualityDriver.SendAsync(qa, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/acknowledge", null, QualityDriver.ETag(item))).StatusCode);

        // The agent sees it among theirs, and acknowledges it on the current version only.
        var mine = await agent.GetFromJsonAsync<JsonElement>("/api/v1/quality/coaching");
        Assert.Equal(id, Assert.Single(mine.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await QualityDriver.SendAsync(agent, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/acknowledge", null, null)).StatusCode);
        var changed = await QualityDriver.SendAsync(qa, HttpMethod.Put, $"/api/v1/quality/coaching/{id}", new { dueOn = "2026-12-04" }, QualityDriver.ETag(item));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await QualityDriver.SendAsync(agent, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/acknowledge", null, QualityDriver.ETag(item))).StatusCode);
        var current = await agent.GetAsync($"/api/v1/quality/coaching/{id}");
        var acknowledged = await QualityDriver.SendAsync(agent, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/acknowledge", null, current.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        item = await acknowledged.JsonAsync();
        Assert.Equal("Acknowledged", item.GetProperty("status").GetString());
        Assert.Equal("2026-12-04", item.GetProperty("dueOn").GetString());

        var noOutcome = await QualityDriver.SendAsync(qa, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/done", new { outcome = " " }, QualityDriver.ETag(item));
        Assert.True((await noOutcome.JsonAsync()).GetProperty("errors").TryGetProperty("outcome", out _));
        var done = await QualityDriver.SendAsync(qa, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/done", new { outcome = "复听3通电话，结束语齐全。" }, QualityDriver.ETag(item));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        item = await done.JsonAsync();
        Assert.Equal("Done", item.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await QualityDriver.SendAsync(qa, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/cancel", new { outcome = "x" }, QualityDriver.ETag(item))).StatusCode);

        // Every step is in the audit log.
        var admin = await app.ClientForAsync("admin");
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityType=CoachingItem&entityId={id}");
        Assert.True(audit.GetProperty("items").GetArrayLength() >= 3, audit.ToString());
    }

    [Fact]
    public async Task AnItemPastItsDueDay_IsOverdueUntilClosed()
    {
        var quality = new QualityDriver(app);
        var agentName = await quality.NewAgentAsync();
        var qa = await app.ClientForAsync("qa");
        var today = DateOnly.FromDateTime(app.Clock!.GetUtcNow().UtcDateTime.AddHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var created = await (await qa.PostAsJsonAsync("/api/v1/quality/coaching", new { agent = agentName, topic = "身份核实", improvement = "只核实注册手机号与订单号", dueOn = today })).JsonAsync();
        var id = created.GetProperty("id").GetString();
        Assert.False(created.GetProperty("overdue").GetBoolean()); // due today is not overdue yet

        // A day later (the fixture's clock; the other test of this class does not depend on the day).
        app.Clock.Advance(TimeSpan.FromDays(1));
        var overdue = await qa.GetFromJsonAsync<JsonElement>($"/api/v1/quality/coaching?overdue=true&agent={agentName}");
        Assert.True(Assert.Single(overdue.EnumerateArray()).GetProperty("overdue").GetBoolean());

        var cancelled = await QualityDriver.SendAsync(qa, HttpMethod.Post, $"/api/v1/quality/coaching/{id}/cancel", new { outcome = "坐席调岗" }, QualityDriver.ETag(created));
        Assert.Equal("Cancelled", (await cancelled.JsonAsync()).GetProperty("status").GetString());
        Assert.Empty((await qa.GetFromJsonAsync<JsonElement>($"/api/v1/quality/coaching?overdue=true&agent={agentName}")).EnumerateArray());
    }
}
