using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Quality;

/// <summary>Builds quality fixtures through the API: a team (department), agents in it, answered calls and submitted evaluations.</summary>
internal sealed class QualityDriver(KefuAppFactory app)
{
    private readonly CallDriver calls = new(app);

    /// <summary>A department of its own, so a team filter sees only this test's agents. Returns (id, code).</summary>
    public async Task<(string Id, string Code)> NewTeamAsync()
    {
        var admin = await app.ClientForAsync("admin");
        var code = TestData.Name("T").ToUpperInvariant();
        var response = await admin.PostAsJsonAsync("/api/v1/departments", new { name = "班组" + code[^4..], code });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.JsonAsync()).GetProperty("id").GetString()!, code);
    }

    public async Task<string> NewAgentAsync(string? teamId = null)
    {
        var admin = await app.ClientForAsync("admin");
        var name = TestData.Name("qa-ag");
        var created = await admin.PostAsJsonAsync("/api/v1/users", new
        {
            userName = name, displayName = "坐席" + name[^4..], password = KefuAppFactory.DemoPassword, role = "Agent", workNumber = name[^4..], departmentId = teamId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return name;
    }

    /// <summary>An answered call of <paramref name="agent"/> (greeting only, so no automatic fail), talk from +4 s to +<paramref name="endsAt"/> s.</summary>
    public async Task<string> AnsweredCallAsync(string agent, int endsAt = 150)
    {
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(
            calls.Event("call.offered", callId, 0, new { from = "13812345678", to = "4008001234" }),
            calls.Event("call.answered", callId, 4, new { agent }),
            calls.Event("transcript.segment", callId, 5, new { speaker = "agent", startSeconds = 0.5, endSeconds = 4.0, text = "您好，这里是XX客服中心，我是客服小王，请问有什么可以帮您的？" }),
            calls.Event("call.ended", callId, endsAt, new { by = "caller" }));
        return callId;
    }

    /// <summary>QA scores a call with the given per-criterion scores, finds liability as given and submits; returns the evaluation.</summary>
    public async Task<JsonElement> SubmittedEvaluationAsync(string callId, Dictionary<string, int> scores, string liability = "NotUpheld", string reviewer = "qa")
    {
        var qa = await app.ClientForAsync(reviewer);
        var started = await (await qa.PostAsJsonAsync("/api/v1/quality/evaluations", new { callId })).JsonAsync();
        var id = started.GetProperty("id").GetString();
        using var update = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/evaluations/{id}")
        {
            Content = JsonContent.Create(new { scores, liability, liabilityEvidence = liability == "Upheld" ? "01:00 坐席未使用结束语" : null }),
        };
        update.Headers.TryAddWithoutValidation("If-Match", ETag(started));
        var updated = await qa.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var submitted = await qa.PostAsync($"/api/v1/quality/evaluations/{id}/submit", null);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        return await submitted.JsonAsync();
    }

    /// <summary>All seven criteria at one score: the weighted total is that score.</summary>
    public static Dictionary<string, int> Uniform(int score) =>
        new[] { "script", "needs", "resolution", "empathy", "identity", "respect", "sincerity" }.ToDictionary(c => c, _ => score);

    public static string ETag(JsonElement entity) => "\"" + Guid.Parse(entity.GetProperty("version").GetString()!).ToString("N") + "\"";

    /// <summary>Sends <paramref name="method"/> with a JSON body and, when given, an If-Match header.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }
}
