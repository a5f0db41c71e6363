using System.Net;
using System.Net.Http.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Complaints;

[Collection(AppCollection.Name)]
public sealed class ImprovementTests(KefuAppFactory app)
{
    [Fact]
    public async Task ImprovementFromAReview_IsOwnedByADepartment_AndTrackedToDone()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "High");
        var logistics = await c.DepartmentAsync("物流");

        var raised = await c.Client.PostAsJsonAsync("/api/v1/improvements", new { title = "旺季前增加转运班次", description = "延误时主动短信通知客户", departmentId = logistics, complaintId = c.Id });

        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        var item = await raised.JsonAsync();
        Assert.Equal("Open", item.GetProperty("status").GetString());
        await c.RefreshAsync();
        Assert.Contains(c.Last.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "improvement");

        var supervisor = await app.ClientForAsync("supervisor");
        var id = item.GetProperty("id").GetGuid();
        var etag = $"\"{item.GetProperty("version").GetGuid():N}\"";
        var noOutcome = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/improvements/{id}/status") { Content = JsonContent.Create(new { status = "Done" }) };
        noOutcome.Headers.TryAddWithoutValidation("If-Match", etag);
        var refused = await supervisor.SendAsync(noOutcome);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var done = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/improvements/{id}/status") { Content = JsonContent.Create(new { status = "Done", outcome = "已与快递公司签订旺季加班协议" }) };
        done.Headers.TryAddWithoutValidation("If-Match", etag);
        var finished = await supervisor.SendAsync(done);
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("Done", (await finished.JsonAsync()).GetProperty("status").GetString());

        var list = await (await supervisor.GetAsync($"/api/v1/improvements?departmentId={logistics}&status=Done&pageSize=200")).JsonAsync();
        Assert.Contains(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Agent_CannotCloseImprovementItems()
    {
        var agent = await app.ClientForAsync("agent");
        var c = new ComplaintDriver(agent);
        var created = await (await agent.PostAsJsonAsync("/api/v1/improvements", new { title = "客服话术培训", departmentId = await c.DepartmentAsync("客服中心") })).JsonAsync();

        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/improvements/{created.GetProperty("id").GetGuid()}/status") { Content = JsonContent.Create(new { status = "InProgress" }) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{created.GetProperty("version").GetGuid():N}\"");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.SendAsync(request)).StatusCode);
    }
}
