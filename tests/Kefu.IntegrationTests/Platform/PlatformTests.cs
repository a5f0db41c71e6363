using System.Net;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Platform;

[Collection(AppCollection.Name)]
public sealed class PlatformTests(KefuAppFactory app)
{
    [Fact]
    public async Task HealthReady_Is200_WhenTheStoreIsReachable()
    {
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheCustomerEndpoints()
    {
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/customers", out _));
        Assert.True(paths.TryGetProperty("/api/v1/customers/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/auth/token", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
    }

    [Fact]
    public async Task Metrics_AreExposedInPrometheusFormat_ToAnAdmin()
    {
        var client = await app.ClientForAsync("admin");
        await client.GetAsync("/health/live");

        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE kefu_agents gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AreRefused_ToAnonymousCallersOffLoopback_AndToOtherRoles()
    {
        // The test server has no remote address, so it is not loopback: only an Admin may scrape.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("agent")).GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task ScalarUi_IsServed()
    {
        var response = await app.CreateClient().GetAsync("/scalar/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_RendersInChineseByDefault()
    {
        var html = await app.CreateClient().GetStringAsync("/login");

        Assert.Contains("登录", html, StringComparison.Ordinal);
        Assert.Contains("name=\"__RequestVerificationToken\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_SwitchesToEnglish_WithTheCultureCookie()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Culture=c%3Den%7Cuic%3Den");

        var html = await client.GetStringAsync("/login");

        Assert.Contains("Sign in", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/api/v1/customers")]
    [InlineData("/complaint-form")]
    public async Task Responses_CarryTheSecurityHeaders(string path)
    {
        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task UnknownApiRoute_IsProblemDetails404()
    {
        var client = await app.ClientForAsync("agent");

        var response = await client.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
