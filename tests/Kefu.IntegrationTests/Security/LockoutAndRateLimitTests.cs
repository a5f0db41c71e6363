using System.Net;
using System.Net.Http.Json;
using Kefu.IntegrationTests.Complaints;
using Kefu.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kefu.IntegrationTests.Security;

/// <summary>Five wrong passwords lock an account (both sign-in routes), and a locked account stays out even with the right one.</summary>
[Collection(AppCollection.Name)]
public sealed class LockoutTests(KefuAppFactory app)
{
    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenAgainstTheRightPassword()
    {
        var userName = await NewAgentAsync();
        var anonymous = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = "wrong-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = Password });

        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Equal("Account locked.", (await right.JsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task BrowserSignIn_CountsFailures_AndShowsTheLockedMessage()
    {
        var userName = await NewAgentAsync();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        for (var i = 0; i < 4; i++)
        {
            var wrong = await SignInAsync(browser, userName, "wrong-" + i);
            Assert.Contains("error=invalid", wrong.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        // The fifth failure is the one that locks.
        Assert.Contains("error=locked", (await SignInAsync(browser, userName, "wrong-5")).Headers.Location?.ToString(), StringComparison.Ordinal);

        var right = await SignInAsync(browser, userName, Password);

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains("error=locked", right.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { userName, password = Password })).StatusCode);
    }

    private const string Password = "Kefu2026!lock";

    private async Task<string> NewAgentAsync()
    {
        var userName = TestData.Name("lockme");
        var admin = await app.ClientForAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { userName, displayName = "锁定测试", password = Password, role = "Agent", workNumber = "1999" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return userName;
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password)
    {
        var html = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"(?<t>[^\"]+)\"", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)).Groups["t"].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync("/account/login", form);
    }
}

/// <summary>An app with small per-address limits, to see the limits bite.</summary>
public sealed class TightLimitsApp : KefuAppFactory
{
    public const int LoginPerMinute = 3;
    public const int SurveyPerMinute = 3;

    public TightLimitsApp()
    {
        PublicSubmissionLimit = 1;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Kefu:RateLimits:LoginPerMinute", LoginPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Kefu:Surveys:PublicRequestsPerMinute", SurveyPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Sign-in, the public survey and the public complaint form answer 429 with Retry-After past their limits.</summary>
public sealed class RateLimitTests(TightLimitsApp app) : IClassFixture<TightLimitsApp>
{
    [Fact]
    public async Task TokenIssue_BeyondTheLimit_Is429WithRetryAfter()
    {
        var client = app.CreateClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i <= TightLimitsApp.LoginPerMinute; i++)
        {
            last = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nobody-" + i, password = "x" });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        AssertRetryAfter(last, maxSeconds: 60);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PublicSurveyApi_BeyondTheLimit_Is429WithRetryAfter()
    {
        var client = app.CreateClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i <= TightLimitsApp.SurveyPerMinute; i++)
        {
            last = await client.GetAsync("/api/v1/public/surveys/no-such-token-" + i);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        AssertRetryAfter(last, maxSeconds: 60);
    }

    [Fact]
    public async Task PublicSurveyPage_BeyondTheLimit_Is429WithRetryAfter()
    {
        var client = app.CreateClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i <= TightLimitsApp.SurveyPerMinute; i++)
        {
            last = await client.GetAsync("/s/no-such-token-" + i);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        AssertRetryAfter(last, maxSeconds: 60);
    }

    [Fact]
    public async Task PublicComplaintForm_BeyondTheLimit_Is429WithRetryAfter()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var first = await PublicFormTests.SubmitAsync(client, PublicFormTests.Valid(TestData.Mobile()));
        var second = await PublicFormTests.SubmitAsync(client, PublicFormTests.Valid(TestData.Mobile()));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        AssertRetryAfter(second, maxSeconds: 600);
    }

    private static void AssertRetryAfter(HttpResponseMessage response, int maxSeconds)
    {
        var delta = response.Headers.RetryAfter?.Delta;
        Assert.True(delta is { } d && d > TimeSpan.Zero && d <= TimeSpan.FromSeconds(maxSeconds), $"Retry-After: {response.Headers.RetryAfter}");
    }
}
