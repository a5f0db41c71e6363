using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Access;

[Collection(AppCollection.Name)]
public sealed class AuthApiTests(KefuAppFactory app)
{
    [Fact]
    public async Task IssueToken_WithRightPassword_ReturnsATokenThatAuthenticates()
    {
        var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "supervisor", password = KefuAppFactory.DemoPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.JsonAsync()).GetProperty("token").GetString()!;
        Assert.StartsWith("kefu_", token, StringComparison.Ordinal);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await (await client.GetAsync("/api/v1/auth/me")).JsonAsync();
        Assert.Equal("supervisor", me.GetProperty("userName").GetString());
        Assert.Contains(me.GetProperty("roles").EnumerateArray(), r => r.GetString() == "Supervisor");
    }

    [Fact]
    public async Task IssueToken_WithWrongPassword_Is401ProblemDetails()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { userName = "agent2", password = "wrong-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RevokedToken_NoLongerAuthenticates()
    {
        var client = app.CreateClient();
        var issued = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "tech", password = KefuAppFactory.DemoPassword, name = "script" })).JsonAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.GetProperty("token").GetString());
        var tokens = await (await client.GetAsync("/api/v1/auth/tokens")).JsonAsync();
        var id = tokens.EnumerateArray().First(t => t.GetProperty("name").GetString() == "script").GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/auth/tokens/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task UnknownBearerToken_Is401()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "kefu_not-a-real-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/customers")).StatusCode);
    }

    [Fact]
    public async Task Agent_CannotCreateUsers_AdminCan()
    {
        var agent = await app.ClientForAsync("agent");
        var admin = await app.ClientForAsync("admin");
        var body = new { userName = TestData.Name("newagent"), displayName = "新坐席", password = "Kefu2026!x", role = "Agent", workNumber = "1099" };

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/users", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", body)).StatusCode);

        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { body.userName, password = "Kefu2026!x" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task CreateUser_WithUnknownRole_IsRefusedNamingRole()
    {
        var admin = await app.ClientForAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/users", new { userName = TestData.Name("x"), displayName = "X", password = "Kefu2026!x", role = "Boss" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Departments_AreListedForStaff_AndEditableOnlyByAdmin()
    {
        var agent = await app.ClientForAsync("agent");
        var admin = await app.ClientForAsync("admin");

        var list = await (await agent.GetAsync("/api/v1/departments")).JsonAsync();
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("name").GetString() == "客服中心");
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("name").GetString() == "财务");

        var code = TestData.Name("D").ToUpperInvariant();
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/departments", new { name = "质量部" + code, code })).StatusCode);
        var created = await admin.PostAsJsonAsync("/api/v1/departments", new { name = "质量部" + code, code });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var duplicate = await admin.PostAsJsonAsync("/api/v1/departments", new { name = "质量部" + code, code });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
    }
}
