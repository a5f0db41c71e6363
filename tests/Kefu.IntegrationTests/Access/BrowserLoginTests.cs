using System.Net;
using System.Text.RegularExpressions;
using Kefu.Tests.Shared;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kefu.IntegrationTests.Access;

/// <summary>The cookie sign-in the UI uses, through plain HTTP: antiforgery-checked form post, then authenticated pages.</summary>
[Collection(AppCollection.Name)]
public sealed partial class BrowserLoginTests(KefuAppFactory app)
{
    private HttpClient CookieClient() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/login");
        return TokenField().Match(html).Groups["token"].Value;
    }

    [Fact]
    public async Task LoginForm_WithAntiforgeryTokenAndRightPassword_SetsTheCookie_AndOpensProtectedPages()
    {
        var client = CookieClient();
        var token = await AntiforgeryTokenAsync(client);

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = "agent",
            ["password"] = KefuAppFactory.DemoPassword,
            ["returnUrl"] = "/customers",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/customers", response.Headers.Location?.OriginalString);
        var page = await client.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var api = await client.GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task LoginForm_WithoutAntiforgeryToken_IsRefused()
    {
        var client = CookieClient();
        await client.GetStringAsync("/login");

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = "agent",
            ["password"] = KefuAppFactory.DemoPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task LoginForm_WithWrongPassword_RedirectsBackWithAnError()
    {
        var client = CookieClient();
        var token = await AntiforgeryTokenAsync(client);

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = "qa",
            ["password"] = "wrong",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?error=invalid", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginForm_NeverRedirectsOffSite()
    {
        var client = CookieClient();
        var token = await AntiforgeryTokenAsync(client);

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = "supervisor",
            ["password"] = KefuAppFactory.DemoPassword,
            ["returnUrl"] = "//evil.example/steal",
        }));

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ProtectedPage_WithoutCookie_RedirectsToLogin()
    {
        var response = await CookieClient().GetAsync("/customers");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TokenField();
}
