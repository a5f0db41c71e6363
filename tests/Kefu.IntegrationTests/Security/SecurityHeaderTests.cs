using System.Net;
using System.Text.RegularExpressions;
using Kefu.Tests.Shared;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kefu.IntegrationTests.Security;

/// <summary>Content security policy on pages and machine endpoints, and HSTS on HTTPS.</summary>
[Collection(AppCollection.Name)]
public sealed class SecurityHeaderTests(KefuAppFactory app)
{
    [Theory]
    [InlineData("/api/v1/customers")]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    public async Task MachineEndpoints_GetAPolicyThatLoadsAndRunsNothing(string path)
    {
        var response = await app.CreateClient().GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/complaint-form")]
    public async Task Pages_AllowScriptsOnlyFromTheAppAndByThisRequestsNonce(string path)
    {
        var client = app.CreateClient();

        var first = await client.GetAsync(path);
        var second = await client.GetAsync(path);

        var csp = first.Headers.GetValues("Content-Security-Policy").Single();
        var scriptSrc = Directive(csp, "script-src");
        Assert.DoesNotContain("unsafe-inline", scriptSrc, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", scriptSrc, StringComparison.Ordinal);
        Assert.Contains("'self'", scriptSrc, StringComparison.Ordinal);
        Assert.Equal("'none'", Directive(csp, "object-src"));
        Assert.Equal("'none'", Directive(csp, "frame-ancestors"));
        var nonce = Regex.Match(scriptSrc, "'nonce-(?<n>[^']+)'", RegexOptions.None, TimeSpan.FromSeconds(1)).Groups["n"].Value;
        Assert.True(nonce.Length >= 16, csp);
        var html = await first.Content.ReadAsStringAsync();
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(nonce, second.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hsts_IsSentOnHttps_AndNotOnPlainHttp()
    {
        var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://kefu.example.com/") });
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://kefu.example.com/") });

        var secure = await https.GetAsync("/health/live");
        var plain = await http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Equal("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    private static string Directive(string csp, string name) =>
        csp.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..];
}
