using System.Net;
using System.Net.Http.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Audit;

[Collection(AppCollection.Name)]
public sealed class AuditApiTests(KefuAppFactory app)
{
    [Fact]
    public async Task CustomerWrites_AreAudited_WithActorAndBeforeAfter()
    {
        var agent = await app.ClientForAsync("agent");
        var phone = TestData.Mobile();
        var created = await (await agent.PostAsJsonAsync("/api/v1/customers", new { name = "审计甲", phone })).JsonAsync();
        var id = created.GetProperty("id").GetGuid();
        var etag = (await agent.GetAsync($"/api/v1/customers/{id}")).Headers.ETag!;
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { name = "审计乙", phone }) };
        put.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await agent.SendAsync(put)).StatusCode);

        var admin = await app.ClientForAsync("admin");
        var audit = await (await admin.GetAsync($"/api/v1/audit?entityType=Customer&entityId={id}")).JsonAsync();

        var items = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, audit.GetProperty("total").GetInt32());
        Assert.All(items, i => Assert.Equal("agent", i.GetProperty("actorName").GetString()));
        var update = items.Single(i => i.GetProperty("action").GetString() == "Updated");
        var nameChange = update.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "Name");
        Assert.Equal("审计甲", nameChange.GetProperty("before").GetString());
        Assert.Equal("审计乙", nameChange.GetProperty("after").GetString());
        Assert.Contains(items, i => i.GetProperty("action").GetString() == "Created");
    }

    [Fact]
    public async Task AuditLog_FiltersByUser()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var created = await supervisor.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("审计丙"), phone = TestData.Mobile() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var admin = await app.ClientForAsync("admin");
        var audit = await (await admin.GetAsync("/api/v1/audit?userName=supervisor&pageSize=200")).JsonAsync();

        Assert.NotEmpty(audit.GetProperty("items").EnumerateArray());
        Assert.All(audit.GetProperty("items").EnumerateArray(), i => Assert.Equal("supervisor", i.GetProperty("actorName").GetString()));
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("qa")]
    [InlineData("supervisor")]
    public async Task AuditLog_IsForbiddenToNonAdmins(string user)
    {
        var client = await app.ClientForAsync(user);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit")).StatusCode);
    }

    [Fact]
    public async Task AuditEntries_CannotBeChangedThroughTheStore()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var entry = await db.AuditEntries.FirstAsync();
        entry.ActorName = "tampered";

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }
}
