using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;

namespace Kefu.IntegrationTests.Quality;

/// <summary>Scoring, liability, appeal and calibration through HTTP (issue #6 point 4).</summary>
public sealed class EvaluationTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task AReviewerScoresAPrefilledCall_UpholdsLiabilityWithEvidence_TheAgentAppealsOnce_AndASupervisorDecides()
    {
        var calls = new CallDriver(app);
        var agentName = await calls.NewAgentAsync("general");
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(
            calls.Event("call.offered", callId, 0, new { from = "13812345678", to = "4008001234" }),
            calls.Event("call.answered", callId, 4, new { agent = agentName }),
            calls.Event("transcript.segment", callId, 5, new { speaker = "agent", startSeconds = 0.5, endSeconds = 4.0, text = "您好，这里是XX客服中心，我是客服小王，请问有什么可以帮您的？" }),
            calls.Event("transcript.segment", callId, 5, new { speaker = "customer", startSeconds = 5.0, endSeconds = 9.0, text = "我的退款还没到账。" }),
            calls.Event("transcript.segment", callId, 5, new { speaker = "agent", startSeconds = 135.0, endSeconds = 138.0, text = "这不是我的问题。" }),
            calls.Event("call.ended", callId, 150, new { by = "caller" }));
        var call = await calls.CallAsync(callId);
        var supervisor = await app.ClientForAsync("supervisor");
        var complaints = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/complaints?customerId={call.GetProperty("customerId").GetString()}&view=all");
        var complaintId = complaints.GetProperty("items")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync($"/api/v1/calls/{callId}/links", new { complaintId })).StatusCode);

        var qa = await app.ClientForAsync("qa");
        var started = await qa.PostAsJsonAsync("/api/v1/quality/evaluations", new { callId });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var draft = await started.JsonAsync();
        var id = draft.GetProperty("id").GetString();
        Assert.True(draft.GetProperty("scores").GetProperty("script").GetInt32() < 100, "the forbidden phrase and the missing closing cost script points");
        Assert.True(draft.GetProperty("automaticFindings").GetInt32() >= 2);
        Assert.Contains("greeting@", draft.GetProperty("rulesUsed").GetString(), StringComparison.Ordinal);

        var scores = new Dictionary<string, int> { ["script"] = 60, ["needs"] = 80, ["resolution"] = 70, ["empathy"] = 50, ["identity"] = 100, ["respect"] = 60, ["sincerity"] = 60 };
        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/evaluations/{id}") { Content = JsonContent.Create(new { scores, liability = "Upheld" }) };
        update.Headers.TryAddWithoutValidation("If-Match", ETag(draft));
        var updated = await (await qa.SendAsync(update)).JsonAsync();
        Assert.Equal(67, updated.GetProperty("score").GetDouble()); // (25·60+15·80+15·70+15·50+10·100+10·60+10·60)/100

        var withoutEvidence = await qa.PostAsync($"/api/v1/quality/evaluations/{id}/submit", null);
        Assert.Equal(HttpStatusCode.BadRequest, withoutEvidence.StatusCode);
        Assert.True((await withoutEvidence.JsonAsync()).GetProperty("errors").TryGetProperty("liabilityEvidence", out _));
        var evidence = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/evaluations/{id}") { Content = JsonContent.Create(new { liabilityEvidence = "02:15 坐席说「这不是我的问题」" }) };
        evidence.Headers.TryAddWithoutValidation("If-Match", ETag(updated));
        Assert.Equal(HttpStatusCode.OK, (await qa.SendAsync(evidence)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await qa.PostAsync($"/api/v1/quality/evaluations/{id}/submit", null)).StatusCode);

        var complaint = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/complaints/{complaintId}");
        Assert.Contains(complaint.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("kind").GetString() == "QualityFinding"
            && t.GetProperty("text").GetString()!.Contains("定责成立", StringComparison.Ordinal));

        var evaluatedAgent = await app.ClientForAsync(agentName);
        var mine = await evaluatedAgent.GetFromJsonAsync<JsonElement>("/api/v1/quality/evaluations");
        Assert.Single(mine.EnumerateArray());
        var stranger = await (await app.ClientForAsync("agent2")).PostAsJsonAsync($"/api/v1/quality/evaluations/{id}/appeal", new { text = "x" });
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode); // another agent does not even see it
        Assert.Equal(HttpStatusCode.OK, (await evaluatedAgent.PostAsJsonAsync($"/api/v1/quality/evaluations/{id}/appeal", new { text = "客户先辱骂，我是在解释流程" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await evaluatedAgent.PostAsJsonAsync($"/api/v1/quality/evaluations/{id}/appeal", new { text = "再次申诉" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PostAsJsonAsync($"/api/v1/quality/evaluations/{id}/decide", new { decision = "Overturned" })).StatusCode);

        var decided = await (await supervisor.PostAsJsonAsync($"/api/v1/quality/evaluations/{id}/decide", new { decision = "Overturned", note = "录音显示客户先情绪激动" })).JsonAsync();
        Assert.Equal("NotUpheld", decided.GetProperty("liability").GetString());
        Assert.Equal("supervisor", decided.GetProperty("appealDecidedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostAsJsonAsync($"/api/v1/quality/evaluations/{id}/decide", new { decision = "FindingStands" })).StatusCode);

        // Calibration: a second reviewer scores the same call; the difference shows per criterion.
        var admin = await app.ClientForAsync("admin");
        var second = await (await admin.PostAsJsonAsync("/api/v1/quality/evaluations", new { callId })).JsonAsync();
        var secondUpdate = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/evaluations/{second.GetProperty("id").GetString()}")
        {
            Content = JsonContent.Create(new { scores = new Dictionary<string, int>(scores) { ["script"] = 90 }, liability = "NotUpheld" }),
        };
        secondUpdate.Headers.TryAddWithoutValidation("If-Match", ETag(second));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(secondUpdate)).StatusCode);
        var calibration = await qa.GetFromJsonAsync<JsonElement>($"/api/v1/quality/calibration/{callId}");
        Assert.Equal(2, calibration.GetProperty("reviews").GetArrayLength());
        Assert.Equal(30, calibration.GetProperty("spreadByCriterion").GetProperty("script").GetInt32());
        Assert.Equal(7.5, calibration.GetProperty("scoreSpread").GetDouble());
    }

    private static string ETag(JsonElement evaluation) => "\"" + Guid.Parse(evaluation.GetProperty("version").GetString()!).ToString("N") + "\"";
}
