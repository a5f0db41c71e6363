using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;
using Kefu.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Knowledge;

/// <summary>Articles, versions, approval, search and suggestions through HTTP (issue #6 point 6).</summary>
public sealed class KnowledgeArticleTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task AnArticleIsPublishedOnlyByAnotherEditor_AndAnEditOfItStaysHiddenFromAgentsUntilApproved()
    {
        var word = TestData.Name("kbword");
        var supervisor = await app.ClientForAsync("supervisor");
        var qa = await app.ClientForAsync("qa");
        var agent = await app.ClientForAsync("agent");

        var created = await supervisor.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = $"退款到账说明 {word}", body = "原路退回，3-5 个工作日到账。", tags = "退款, 到账" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var article = await created.JsonAsync();
        var id = article.GetProperty("id").GetString();
        Assert.Equal("Draft", article.GetProperty("status").GetString());
        Assert.Empty(await SearchAsync(agent, word));

        article = await SendAsync(supervisor, $"/api/v1/knowledge/articles/{id}/submit", article, HttpStatusCode.OK);
        Assert.Equal("PendingApproval", article.GetProperty("status").GetString());
        var own = await SendRawAsync(supervisor, HttpMethod.Post, $"/api/v1/knowledge/articles/{id}/approve", article);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("author", (await own.JsonAsync()).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendRawAsync(agent, HttpMethod.Post, $"/api/v1/knowledge/articles/{id}/approve", article)).StatusCode);

        article = await SendAsync(qa, $"/api/v1/knowledge/articles/{id}/approve", article, HttpStatusCode.OK);
        Assert.Equal("Published", article.GetProperty("status").GetString());
        Assert.Equal("qa", article.GetProperty("published").GetProperty("decidedBy").GetString());
        Assert.Equal(id, (await SearchAsync(agent, word)).Single().GetProperty("articleId").GetString());

        // An agent proposes an edit: a new draft version; agents keep finding (and reading) version 1.
        var newWord = TestData.Name("kbnew");
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/knowledge/articles/{id}")
        {
            Content = JsonContent.Create(new { title = $"退款到账说明 {word}", body = $"微信、支付宝 1-3 个工作日到账。{newWord}", tags = "退款" }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", ETag(article));
        var edited = await (await agent.SendAsync(edit)).JsonAsync();
        Assert.Equal("Published", edited.GetProperty("status").GetString());
        Assert.Equal(1, edited.GetProperty("published").GetProperty("number").GetInt32());
        Assert.Equal(2, edited.GetProperty("draft").GetProperty("number").GetInt32());
        Assert.Equal(1, (await SearchAsync(agent, word)).Single().GetProperty("versionNumber").GetInt32());
        Assert.Empty(await SearchAsync(agent, newWord));
        Assert.Empty(await SearchAsync(agent, newWord, drafts: true)); // only editors see drafts
        Assert.Equal(2, (await SearchAsync(qa, newWord, drafts: true)).Single().GetProperty("versionNumber").GetInt32());

        edited = await SendAsync(agent, $"/api/v1/knowledge/articles/{id}/submit", edited, HttpStatusCode.OK);
        var rejected = await SendRawAsync(qa, HttpMethod.Post, $"/api/v1/knowledge/articles/{id}/reject", edited, new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.True((await rejected.JsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));
        edited = await SendAsync(supervisor, $"/api/v1/knowledge/articles/{id}/approve", edited, HttpStatusCode.OK); // supervisor wrote v1, not v2
        Assert.Equal(2, edited.GetProperty("published").GetProperty("number").GetInt32());
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("draft").ValueKind);
        Assert.Equal(2, (await SearchAsync(agent, newWord)).Single().GetProperty("versionNumber").GetInt32());

        var versions = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge/articles/{id}/versions");
        Assert.Equal(["Published", "Superseded"], versions.EnumerateArray().Select(v => v.GetProperty("state").GetString()!).ToArray());
        var first = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge/articles/{id}/versions/1");
        Assert.Equal("原路退回，3-5 个工作日到账。", first.GetProperty("body").GetString());

        edited = await SendAsync(qa, $"/api/v1/knowledge/articles/{id}/archive", edited, HttpStatusCode.OK);
        Assert.Empty(await SearchAsync(agent, newWord));
    }

    [Fact]
    public async Task AWriteWithAStaleIfMatch_IsRefusedWith412_AndOneWithoutIfMatchWith428()
    {
        var agent = await app.ClientForAsync("agent");
        var article = await (await agent.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = "发票换开说明", body = "30 天内可换开。" })).JsonAsync();
        var id = article.GetProperty("id").GetString();
        await SendAsync(agent, $"/api/v1/knowledge/articles/{id}/submit", article, HttpStatusCode.OK);

        var stale = await SendRawAsync(agent, HttpMethod.Put, $"/api/v1/knowledge/articles/{id}", article, new { title = "发票换开", body = "改了" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.NotNull(stale.Headers.ETag);
        var missing = await agent.PutAsJsonAsync($"/api/v1/knowledge/articles/{id}", new { title = "发票换开", body = "改了" });
        Assert.Equal((HttpStatusCode)428, missing.StatusCode);
    }

    [Fact]
    public async Task AnInvalidArticle_IsRefusedNamingEachField()
    {
        var agent = await app.ClientForAsync("agent");
        var response = await agent.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = " ", body = (string?)null, categoryId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Equal("is required", errors.GetProperty("title")[0].GetString());
        Assert.Equal("is required", errors.GetProperty("body")[0].GetString());
        Assert.Contains("existing knowledge category", errors.GetProperty("categoryId")[0].GetString(), StringComparison.Ordinal);

        var pii = await agent.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = "核实", body = "客户身份证号 " + TestData.NationalId() });
        Assert.True((await pii.JsonAsync()).GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task SearchInTraditionalChinese_FindsTheSimplifiedDemoArticle()
    {
        var agent = await app.ClientForAsync("agent");
        var hits = await SearchAsync(agent, "錢什麼時候退回來");
        Assert.Equal("退款到账时间", hits[0].GetProperty("title").GetString());
        var filtered = await SearchAsync(agent, "退款", category: (await CategoryAsync(agent, "发票")));
        Assert.All(filtered, h => Assert.Equal("发票", h.GetProperty("categoryName").GetString()));
    }

    [Fact]
    public async Task SuggestionsForACall_ComeFromWhatTheCallerSaidSoFar()
    {
        var calls = new CallDriver(app);
        var agentName = await calls.NewAgentAsync("general");
        var callId = CallDriver.NewCallId();
        await calls.PostAsync(
            calls.Event("call.offered", callId, 0, new { from = "13812345678", to = "4008001234" }),
            calls.Event("call.answered", callId, 4, new { agent = agentName }),
            calls.Event("transcript.segment", callId, 5, new { speaker = "agent", startSeconds = 0.5, endSeconds = 4.0, text = "您好，这里是XX客服中心，请问有什么可以帮您的？" }),
            calls.Event("transcript.segment", callId, 5, new { speaker = "customer", startSeconds = 5.0, endSeconds = 9.0, text = "我买的东西快递三天了还没到，物流一直不更新。" }));
        var agent = await app.ClientForAsync(agentName);
        var suggestions = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge/suggestions?callId={callId}");
        var titles = suggestions.EnumerateArray().Select(s => s.GetProperty("title").GetString()).ToList();
        Assert.InRange(titles.Count, 1, 5);
        Assert.Equal("物流延误处理", titles[0]);

        var none = await agent.GetAsync("/api/v1/knowledge/suggestions");
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var unknown = await agent.GetAsync("/api/v1/knowledge/suggestions?callId=call-nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AnArticlePublishedThroughOneInstance_IsFoundThroughAnotherOnTheSameStore()
    {
        await using var second = new KefuAppFactory(app.Store, ownsStore: false) { Clock = new FakeTimeProvider(app.Clock!.GetUtcNow()) };
        var word = TestData.Name("kbtwo");
        var agentOnSecond = await second.ClientForAsync("agent");
        Assert.Empty(await SearchAsync(agentOnSecond, word)); // the second instance builds its index now

        var supervisor = await app.ClientForAsync("supervisor");
        var article = await (await supervisor.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = $"多实例 {word}", body = "同一数据库。" })).JsonAsync();
        var id = article.GetProperty("id").GetString();
        article = await SendAsync(supervisor, $"/api/v1/knowledge/articles/{id}/submit", article, HttpStatusCode.OK);
        await SendAsync(await app.ClientForAsync("qa"), $"/api/v1/knowledge/articles/{id}/approve", article, HttpStatusCode.OK);

        Assert.Equal(id, (await SearchAsync(agentOnSecond, word)).Single().GetProperty("articleId").GetString());
    }

    private static async Task<string?> CategoryAsync(HttpClient client, string name) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge/categories")).EnumerateArray()
        .First(c => c.GetProperty("name").GetString() == name).GetProperty("id").GetString();

    private static async Task<List<JsonElement>> SearchAsync(HttpClient client, string q, bool drafts = false, string? category = null)
    {
        var url = $"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}&drafts={(drafts ? "true" : "false")}" + (category is null ? "" : "&category=" + category);
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).EnumerateArray().ToList();
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, string url, JsonElement article, HttpStatusCode expected)
    {
        var response = await SendRawAsync(client, HttpMethod.Post, url, article);
        Assert.Equal(expected, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<HttpResponseMessage> SendRawAsync(HttpClient client, HttpMethod method, string url, JsonElement article, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        request.Headers.TryAddWithoutValidation("If-Match", ETag(article));
        return await client.SendAsync(request);
    }

    private static string ETag(JsonElement entity) => "\"" + Guid.Parse(entity.GetProperty("version").GetString()!).ToString("N") + "\"";
}
