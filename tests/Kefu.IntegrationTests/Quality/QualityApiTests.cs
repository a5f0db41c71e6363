using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Quality;

/// <summary>Script checks and versioned script rules through HTTP (issue #6 points 1–2 and its contract).</summary>
[Collection(AppCollection.Name)]
public sealed class QualityApiTests(KefuAppFactory app)
{
    private static object Seg(string speaker, double start, string text) => new { speaker, startSeconds = start, text };

    [Fact]
    public async Task ACheck_ReportsForbiddenPhrasesWithQuoteAndReplacement_MissingScripts_AndSpokenPii()
    {
        var agent = await app.ClientForAsync("agent");
        var idNumber = TestData.NationalId();

        var response = await agent.PostAsJsonAsync("/api/v1/quality/check", new
        {
            segments = new[]
            {
                Seg("agent", 0, "您好，这里是XX客服中心，我是客服小张，请问有什么可以帮您的？"),
                Seg("customer", 4, "我的快递三天没到，我的身份证号是 " + idNumber),
                Seg("agent", 12, "這不是我的問題，你應該先看說明書。"),
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var findings = body.GetProperty("findings").EnumerateArray().ToList();
        var forbidden = findings.Where(f => f.GetProperty("kind").GetString() == "forbidden").ToList();
        Assert.Contains(forbidden, f => f.GetProperty("segment").GetInt32() == 2 && f.GetProperty("quote").GetString()!.Contains("不是我的", StringComparison.Ordinal)
            && !string.IsNullOrEmpty(f.GetProperty("replacement").GetString()));
        Assert.Contains(findings, f => f.GetProperty("kind").GetString() is "forbidden" or "avoid" && f.GetProperty("quote").GetString()!.StartsWith("你應該", StringComparison.Ordinal));
        var pii = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "pii");
        Assert.Equal(1, pii.GetProperty("segment").GetInt32());
        Assert.DoesNotContain(idNumber, pii.GetProperty("quote").GetString(), StringComparison.Ordinal);
        Assert.Contains(findings, f => f.GetProperty("kind").GetString() == "required-missing" && f.GetProperty("rule").GetString() == "closing");
        Assert.DoesNotContain(findings, f => f.GetProperty("kind").GetString() == "required-missing" && f.GetProperty("rule").GetString() == "greeting");
        Assert.All(findings, f => Assert.True(f.TryGetProperty("replacement", out _)));
        Assert.NotEmpty(body.GetProperty("rulesUsed").EnumerateArray());
        Assert.DoesNotContain(idNumber, body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrittenReply_IsChecked_AndItsPhrasesCanBeReplaced()
    {
        var agent = await app.ClientForAsync("agent");
        var check = await (await agent.PostAsJsonAsync("/api/v1/quality/check", new { text = "您好，这个问题我不知道，随便你吧。" })).JsonAsync();
        Assert.Contains(check.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "forbidden");

        var replaced = await (await agent.PostAsJsonAsync("/api/v1/quality/replace", new { text = "您好，这个问题我不知道。" })).JsonAsync();
        Assert.DoesNotContain("我不知道", replaced.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("核实", replaced.GetProperty("text").GetString(), StringComparison.Ordinal);

        var empty = await agent.PostAsJsonAsync("/api/v1/quality/check", new { });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var badSpeaker = await agent.PostAsJsonAsync("/api/v1/quality/check", new { segments = new[] { new { speaker = "robot", text = "x" } } });
        Assert.True((await badSpeaker.JsonAsync()).GetProperty("errors").TryGetProperty("segments[0].speaker", out _));
    }

    [Fact]
    public async Task QaEditsARule_AsANewVersion_AndTheNextCheckUsesIt()
    {
        var qa = await app.ClientForAsync("qa");
        var agent = await app.ClientForAsync("agent");
        var id = "test-" + Guid.NewGuid().ToString("N")[..8];
        var phrase = "没办法" + Guid.NewGuid().ToString("N")[..4];
        var rule = new { id, kind = "ForbiddenPhrase", category = "wording", patterns = new[] { phrase }, replacement = "我来想想办法", side = "Agent" };

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/v1/quality/rules/{id}", rule)).StatusCode);
        var created = await qa.PutAsJsonAsync($"/api/v1/quality/rules/{id}", rule);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, (await created.JsonAsync()).GetProperty("version").GetInt32());

        var first = await (await agent.PostAsJsonAsync("/api/v1/quality/check", new { segments = new[] { Seg("agent", 0, "这个" + phrase + "了") } })).JsonAsync();
        var hit = Assert.Single(first.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == id);
        Assert.Equal(1, hit.GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await qa.PutAsJsonAsync($"/api/v1/quality/rules/{id}", rule)).StatusCode);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/rules/{id}") { Content = JsonContent.Create(rule) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"v7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await qa.SendAsync(stale)).StatusCode);
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/rules/{id}") { Content = JsonContent.Create(rule with { replacement = "我帮您再确认一下" }) };
        edit.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        var second = await qa.SendAsync(edit);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var after = await (await agent.PostAsJsonAsync("/api/v1/quality/check", new { segments = new[] { Seg("agent", 0, "这个" + phrase + "了") } })).JsonAsync();
        var newHit = Assert.Single(after.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == id);
        Assert.Equal(2, newHit.GetProperty("version").GetInt32());
        Assert.Equal("我帮您再确认一下", newHit.GetProperty("replacement").GetString());
        var versions = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/quality/rules/{id}/versions");
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var invalid = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/quality/rules/{id}") { Content = JsonContent.Create(rule with { patterns = Array.Empty<string>() }) };
        invalid.Headers.TryAddWithoutValidation("If-Match", "\"v2\"");
        Assert.Equal(HttpStatusCode.BadRequest, (await qa.SendAsync(invalid)).StatusCode);

        var remove = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/quality/rules/{id}");
        remove.Headers.TryAddWithoutValidation("If-Match", "\"v2\"");
        Assert.Equal(HttpStatusCode.NoContent, (await qa.SendAsync(remove)).StatusCode);
        var gone = await (await agent.PostAsJsonAsync("/api/v1/quality/check", new { segments = new[] { Seg("agent", 0, "这个" + phrase + "了") } })).JsonAsync();
        Assert.DoesNotContain(gone.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == id);
    }

    [Fact]
    public async Task ACallsStoredTranscript_CanBeChecked()
    {
        var calls = new CallDriver(app);
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(
            calls.Event("call.offered", callId, 0, new { from = "13700008888", to = "4008001234" }),
            calls.Event("transcript.segment", callId, 1, new { speaker = "agent", startSeconds = 0.5, endSeconds = 3.0, text = "您好，这里是XX客服中心，我是客服小李，请问有什么可以帮您的？" }),
            calls.Event("transcript.segment", callId, 1, new { speaker = "agent", startSeconds = 30.0, endSeconds = 33.0, text = "你自己不会看吗？" }));
        var supervisor = await app.ClientForAsync("supervisor");

        var report = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{callId}/script-check");

        var forbidden = Assert.Single(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "forbidden");
        Assert.Equal(30.0, forbidden.GetProperty("offsetSeconds").GetDouble());
        Assert.Equal(1, forbidden.GetProperty("segment").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync("/api/v1/calls/nope-" + Guid.NewGuid().ToString("N")[..6] + "/script-check")).StatusCode);
    }
}
