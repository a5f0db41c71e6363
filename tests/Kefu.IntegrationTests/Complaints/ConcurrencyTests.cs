using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Complaints;

/// <summary>
/// Concurrent writers on one complaint (issue #8, point 3): a stale edit is refused with 412 and the current version,
/// and racing step changes, approvals and closures leave exactly one consistent result.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ConcurrencyTests(KefuAppFactory app)
{
    private const int Racers = 8;

    [Fact]
    public async Task TwoUsersEditingTheSameStep_TheSecondGets412_WithTheCurrentVersion()
    {
        var c = await ComplaintDriver.StartAsync(app);
        var supervisor = await app.ClientForAsync("supervisor");
        var seen = (await c.RefreshAsync()).Headers.ETag!;

        var first = await PutPreAssessmentAsync(c.Client, c.Id, seen, "客服甲：包裹延迟，先核实物流");
        var second = await PutPreAssessmentAsync(supervisor, c.Id, seen, "主管乙：包裹延迟，直接补发");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var current = first.Headers.ETag!;
        Assert.Equal(current, second.Headers.ETag);
        var problem = await second.JsonAsync();
        Assert.Equal(Guid.Parse(current.Tag.Trim('"')), problem.GetProperty("currentVersion").GetGuid());

        // The loser re-reads and sees the winner's text under the version the 412 named.
        var reread = await supervisor.GetAsync($"/api/v1/complaints/{c.Id}");
        Assert.Equal(current, reread.Headers.ETag);
        Assert.Equal("客服甲：包裹延迟，先核实物流", CoreProblem(await reread.JsonAsync()));
    }

    [Fact]
    public async Task ManyEditsRacingOnOneVersion_ExactlyOneIsStored_TheOthersGet412()
    {
        var c = await ComplaintDriver.StartAsync(app);
        var seen = (await c.RefreshAsync()).Headers.ETag!;
        var clients = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => app.ClientForAsync("agent")));

        var responses = await Task.WhenAll(clients.Select((client, i) => PutPreAssessmentAsync(client, c.Id, seen, $"并发编辑 {i}：包裹延迟一周")));

        var winners = responses.Select((r, i) => (r, i)).Where(x => x.r.StatusCode == HttpStatusCode.OK).ToList();
        var winner = Assert.Single(winners);
        Assert.All(responses.Where(r => r != winner.r), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        await c.RefreshAsync();
        Assert.Equal($"并发编辑 {winner.i}：包裹延迟一周", CoreProblem(c.Last));
        Assert.Equal(winner.r.Headers.ETag, (await c.RefreshAsync()).Headers.ETag);
    }

    [Fact]
    public async Task RacingApprovalsAndRejections_LeaveOneDecision_AndTheOthersAreRefused()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.ThroughPlanAsync("Compensation", 900m);
        var supervisors = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => app.ClientForAsync("supervisor")));

        var responses = await Task.WhenAll(supervisors.Select((s, i) => s.PostAsJsonAsync($"/api/v1/complaints/{c.Id}/approval",
            i % 2 == 0 ? new { approve = true, reason = "符合赔付标准" } : new { approve = false, reason = "金额过高，请重新核定" })));

        var ok = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r != ok), r => Assert.True(
            r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed, $"a losing decision answered {(int)r.StatusCode}"));
        await c.RefreshAsync();
        var decision = c.Last.GetProperty("plan").GetProperty("approval").GetString();
        Assert.Contains(decision, new[] { "Approved", "Rejected" });
        var decided = Timeline(c.Last).Count(e => e is "plan-approved" or "plan-rejected");
        Assert.Equal(1, decided);
        Assert.Equal(decision == "Approved" ? "plan-approved" : "plan-rejected", Timeline(c.Last).Last(e => e is "plan-approved" or "plan-rejected"));
    }

    [Fact]
    public async Task RacingClosures_CloseOnce_AndInviteTheCustomerToOneSurvey()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.ThroughPlanAsync();
        await c.AdvanceAsync("Execution");
        await c.PostAsync("confirmations", new { kind = "ExplainedOnCall" });
        await c.AdvanceAsync("Review");
        var advancesBefore = Timeline(c.Last).Count(e => e == "advanced");
        var clients = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => app.ClientForAsync("agent")));

        var responses = await Task.WhenAll(clients.Select(client => client.PostAsync($"/api/v1/complaints/{c.Id}/advance", null)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.True(
            r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed, $"a losing closure answered {(int)r.StatusCode}"));
        await c.RefreshAsync();
        Assert.Equal("Closed", c.Step);
        Assert.Equal(advancesBefore + 1, Timeline(c.Last).Count(e => e == "advanced"));
        var supervisor = await app.ClientForAsync("supervisor");
        var surveys = await (await supervisor.GetAsync("/api/v1/surveys?kind=complaint&pageSize=200")).JsonAsync();
        Assert.Single(surveys.GetProperty("page").GetProperty("items").EnumerateArray(), s => s.GetProperty("complaintId").GetGuid() == c.Id);
    }

    private static async Task<HttpResponseMessage> PutPreAssessmentAsync(HttpClient client, Guid id, EntityTagHeaderValue ifMatch, string coreProblem)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/complaints/{id}/pre-assessment")
        {
            Content = JsonContent.Create(new { coreProblem, contactGoal = "安抚情绪，确认诉求", knownPitfalls = "物流承诺时效", seniorAdviceSought = false }),
        };
        request.Headers.IfMatch.Add(ifMatch);
        return await client.SendAsync(request);
    }

    private static string? CoreProblem(JsonElement complaint) =>
        complaint.GetProperty("preAssessment").GetProperty("coreProblem").GetString();

    private static List<string> Timeline(JsonElement complaint) =>
        complaint.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList();
}
