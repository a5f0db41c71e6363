using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Security;

/// <summary>API token scopes (read, write, cti, admin) limit a token on top of its user's roles.</summary>
[Collection(AppCollection.Name)]
public sealed class ApiTokenScopeTests(KefuAppFactory app)
{
    [Fact]
    public async Task ReadOnlyToken_Reads_ButCannotWrite()
    {
        var client = await ClientWithScopesAsync("agent", "read");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/customers")).StatusCode);
        var write = await client.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("范围"), phone = TestData.Mobile() });

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        var problem = await write.JsonAsync();
        Assert.Equal("write", problem.GetProperty("requiredScopes")[0].GetString());
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CtiOnlyToken_PostsCtiEvents_AndNothingElse()
    {
        var client = await ClientWithScopesAsync("admin", "cti");

        var cti = await client.PostAsJsonAsync("/api/v1/cti/events", new { });
        Assert.NotEqual(HttpStatusCode.Forbidden, cti.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, cti.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task AdminEndpoints_NeedTheAdminScope_EvenForAnAdmin()
    {
        var withoutAdmin = await ClientWithScopesAsync("admin", "read", "write");
        var withAdmin = await ClientWithScopesAsync("admin", "admin");
        var body = new { userName = TestData.Name("scoped"), displayName = "范围测试", password = "Kefu2026!scope", role = "Agent", workNumber = "1997" };

        Assert.Equal(HttpStatusCode.Forbidden, (await withoutAdmin.PostAsJsonAsync("/api/v1/users", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await withoutAdmin.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await withAdmin.PostAsJsonAsync("/api/v1/users", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withAdmin.GetAsync("/api/v1/audit")).StatusCode);
    }

    [Fact]
    public async Task Scopes_DoNotWidenRoles()
    {
        var client = await ClientWithScopesAsync("agent", "admin", "read", "write");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit")).StatusCode);
    }

    [Fact]
    public async Task UnknownScope_Is400NamingTheField_AndTokensListTheirScopes()
    {
        var anonymous = app.CreateClient();

        var refused = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = "agent", password = KefuAppFactory.DemoPassword, scopes = new[] { "read", "root" } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty("scopes", out _));
        var client = await ClientWithScopesAsync("agent", "read");
        var tokens = await (await client.GetAsync("/api/v1/auth/tokens")).JsonAsync();
        Assert.Contains(tokens.EnumerateArray(), t => t.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).SequenceEqual(["read"]));
    }

    [Fact]
    public async Task RevokedScopedToken_IsRefused()
    {
        var client = await ClientWithScopesAsync("agent", "read");
        var tokens = await (await client.GetAsync("/api/v1/auth/tokens")).JsonAsync();
        var newest = tokens[0].GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/auth/tokens/{newest}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/customers")).StatusCode);
    }

    private async Task<HttpClient> ClientWithScopesAsync(string userName, params string[] scopes)
    {
        var client = app.CreateClient();
        var issued = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = KefuAppFactory.DemoPassword, name = "scoped", scopes });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.JsonAsync();
        Assert.Equal(scopes.Order(StringComparer.Ordinal), body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).Order(StringComparer.Ordinal));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        return client;
    }
}
