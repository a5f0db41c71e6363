using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Quality;

/// <summary>Employee feedback from the monthly meeting through HTTP (seed 003 §5.3): raised, answered, turned into an improvement item, closed.</summary>
[Collection(AppCollection.Name)]
public sealed class EmployeeFeedbackTests(KefuAppFactory app)
{
    [Fact]
    public async Task AnAgentsFeedback_IsAnsweredByASupervisor_BecomesAnImprovementItem_AndIsClosedByWhoRaisedIt()
    {
        var quality = new QualityDriver(app);
        var raiserName = await quality.NewAgentAsync();
        var raiser = await app.ClientForAsync(raiserName);
        var colleague = await app.ClientForAsync(await quality.NewAgentAsync());
        var supervisor = await app.ClientForAsync("supervisor");

        var invalid = await raiser.PostAsJsonAsync("/api/v1/quality/feedback", new { topic = "知识库", text = "客户身份证 " + TestData.NationalId() + " 无法核实", meetingMonth = "11/2026" });
        var errors = (await invalid.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("category", out _));
        Assert.True(errors.TryGetProperty("text", out _)); // an ID number has no place in feedback
        Assert.True(errors.TryGetProperty("meetingMonth", out _));

        var topic = "知识库更新不及时 " + TestData.Name("");
        var created = await raiser.PostAsJsonAsync("/api/v1/quality/feedback", new { topic, text = "新退款政策上线三天后知识库仍是旧流程，无法快速解答客户问题。", category = "Knowledge", meetingMonth = "2026-11" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var feedback = await created.JsonAsync();
        var id = feedback.GetProperty("id").GetString();
        Assert.Equal(("Open", raiserName), (feedback.GetProperty("status").GetString(), feedback.GetProperty("raisedBy").GetString()));
        Assert.Contains((await colleague.GetFromJsonAsync<JsonElement>("/api/v1/quality/feedback?month=2026-11")).EnumerateArray(), f => f.GetProperty("id").GetString() == id);

        // Only a supervisor (or an admin) answers, on the current version; closing needs an answer first.
        Assert.Equal(HttpStatusCode.Forbidden, (await QualityDriver.SendAsync(raiser, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/answer", new { response = "好" }, QualityDriver.ETag(feedback))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await QualityDriver.SendAsync(raiser, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/close", null, QualityDriver.ETag(feedback))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await QualityDriver.SendAsync(supervisor, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/answer", new { response = "x" }, null)).StatusCode);
        var answered = await QualityDriver.SendAsync(supervisor, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/answer",
            new { response = "已与知识库负责人确认，政策上线当天同步更新。" }, QualityDriver.ETag(feedback));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var afterAnswer = await answered.JsonAsync();
        Assert.Equal(("Answered", "supervisor"), (afterAnswer.GetProperty("status").GetString(), afterAnswer.GetProperty("answeredBy").GetString()));

        // Turned into an improvement item for a department: the Improvements feature holds it, the feedback links to it.
        var departments = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/departments");
        var cs = departments.EnumerateArray().Single(d => d.GetProperty("code").GetString() == "CS").GetProperty("id").GetString();
        var noDepartment = await QualityDriver.SendAsync(supervisor, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/improvement", new { }, QualityDriver.ETag(afterAnswer));
        Assert.True((await noDepartment.JsonAsync()).GetProperty("errors").TryGetProperty("departmentId", out _));
        Assert.Equal(HttpStatusCode.PreconditionFailed,
            (await QualityDriver.SendAsync(supervisor, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/improvement", new { departmentId = cs }, QualityDriver.ETag(feedback))).StatusCode);
        var converted = await QualityDriver.SendAsync(supervisor, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/improvement", new { departmentId = cs }, QualityDriver.ETag(afterAnswer));
        Assert.Equal(HttpStatusCode.OK, converted.StatusCode);
        var linked = await converted.JsonAsync();
        var improvementId = linked.GetProperty("improvementItemId").GetString();
        Assert.NotNull(improvementId);
        var improvements = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/improvements?departmentId={cs}&pageSize=200");
        var improvement = improvements.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == improvementId);
        Assert.Equal(topic, improvement.GetProperty("title").GetString());
        Assert.Contains("知识库仍是旧流程", improvement.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict,
            (await QualityDriver.SendAsync(supervisor, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/improvement", new { departmentId = cs }, QualityDriver.ETag(linked))).StatusCode);
        Assert.Single((await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/improvements?departmentId={cs}&pageSize=200")).GetProperty("items").EnumerateArray(),
            i => i.GetProperty("title").GetString() == topic);

        // A colleague may not close it; the one who raised it may.
        Assert.Equal(HttpStatusCode.Forbidden, (await QualityDriver.SendAsync(colleague, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/close", null, QualityDriver.ETag(linked))).StatusCode);
        var closed = await QualityDriver.SendAsync(raiser, HttpMethod.Post, $"/api/v1/quality/feedback/{id}/close", null, QualityDriver.ETag(linked));
        Assert.Equal("Closed", (await closed.JsonAsync()).GetProperty("status").GetString());
    }
}
