using System.Net;
using System.Net.Http.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Complaints;

[Collection(AppCollection.Name)]
public sealed class CategoryTests(KefuAppFactory app)
{
    [Fact]
    public async Task Supervisor_AddsASubcategory_ThatComplaintsCanUse_AgentCannotEditTheTree()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var agent = await app.ClientForAsync("agent");
        var tree = await (await agent.GetAsync("/api/v1/complaint-categories")).JsonAsync();
        var logistics = tree.EnumerateArray().Single(c => c.GetProperty("code").GetString() == "LOGISTICS").GetProperty("id").GetGuid();
        var code = TestData.Name("LOST-").ToUpperInvariant();

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/complaint-categories", new { code, name = "包裹丢失", parentId = logistics })).StatusCode);
        var created = await supervisor.PostAsJsonAsync("/api/v1/complaint-categories", new { code, name = "包裹丢失", parentId = logistics });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var duplicate = await supervisor.PostAsJsonAsync("/api/v1/complaint-categories", new { code, name = "包裹丢失2" });
        Assert.True((await duplicate.JsonAsync()).GetProperty("errors").TryGetProperty("code", out _));

        var complaint = await ComplaintDriver.StartAsync(app, category: code);
        Assert.Equal((await created.JsonAsync()).GetProperty("id").GetGuid(), complaint.Last.GetProperty("categoryId").GetGuid());
    }
}
