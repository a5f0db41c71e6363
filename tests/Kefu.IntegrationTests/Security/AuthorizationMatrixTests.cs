using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kefu.Tests.Shared;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace Kefu.IntegrationTests.Security;

/// <summary>
/// Calls every endpoint of the app as anonymous and as each role, and checks allow/deny against a table written
/// here, independently of the app's policy definitions. An endpoint with a policy the table does not know, with
/// no authorization at all, or open to anonymous callers without being listed as public fails the test.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AuthorizationMatrixTests(KefuAppFactory app, ITestOutputHelper output)
{
    private const string Anonymous = "(anonymous)";

    /// <summary>Demo user per role; "pbx" is the Telephony account.</summary>
    internal static readonly Dictionary<string, string> UserByRole = new(StringComparer.Ordinal)
    {
        ["Agent"] = "agent",
        ["Supervisor"] = "supervisor",
        ["QA"] = "qa",
        ["Admin"] = "admin",
        ["Telephony"] = "pbx",
    };

    private static readonly string[] Staff = ["Agent", "Supervisor", "QA", "Admin"];

    /// <summary>The expected table: which roles each authorization policy lets in.</summary>
    private static readonly Dictionary<string, string[]> RolesByPolicy = new(StringComparer.Ordinal)
    {
        ["Staff"] = Staff,
        ["AdminOnly"] = ["Admin"],
        ["SupervisorOrAdmin"] = ["Supervisor", "Admin"],
        ["SupervisorOnly"] = ["Supervisor"],
        ["CustomerWrite"] = ["Agent", "Supervisor", "Admin"],
        ["ComplaintWrite"] = ["Agent", "Supervisor", "Admin"],
        ["AuditRead"] = ["Admin"],
        ["CtiWrite"] = ["Telephony", "Admin"],
        ["QualityWrite"] = ["QA", "Admin"],
        ["Insights"] = ["Supervisor", "QA", "Admin"],
        ["QualityLead"] = ["QA", "Supervisor", "Admin"],
        ["SurveyRead"] = ["Supervisor", "QA", "Admin"],
        ["KnowledgeEditor"] = ["QA", "Supervisor", "Admin"],
        ["Metrics"] = ["Admin"], // and anyone from loopback; the test server's callers have no address, so Admin only
    };

    /// <summary>Endpoints meant to be reachable without signing in. Adding one here is a security decision.</summary>
    private static readonly HashSet<string> PublicEndpoints = new(StringComparer.Ordinal)
    {
        "POST /api/v1/auth/token",
        "GET /api/v1/public/surveys/{token}",
        "POST /api/v1/public/surveys/{token}",
        "POST /account/login",
        "GET /account/culture",
        "GET /health/live",
        "GET /health/ready",
        "GET /openapi/{documentName}.json",
        "GET /scalar/{documentName?}",
        "GET /scalar/favicon.svg",
        "GET /scalar/scalar.aspnetcore.js",
        "GET /scalar/scalar.js",
        "GET /login",
        "POST /login",
        "GET /access-denied",
        "POST /access-denied",
        "GET /not-found",
        "POST /not-found",
        "GET /Error",
        "POST /Error",
        "GET /complaint-form",
        "POST /complaint-form",
        "GET /track/{Number}",
        "POST /track/{Number}",
        "GET /s/{Token}",
        "POST /s/{Token}",
    };

    /// <summary>Endpoints with no authorization metadata that are harmless for anyone (signing out ends one's own session).</summary>
    private static readonly HashSet<string> OpenWithoutPolicy = new(StringComparer.Ordinal)
    {
        "POST /account/logout",
    };

    [Fact]
    public async Task EveryEndpoint_AllowsExactlyTheRolesOfItsPolicy_AndDeniesEveryoneElse()
    {
        var endpoints = AppEndpoint.All(app.Services);
        Assert.True(endpoints.Count > 100, $"expected the whole app's endpoints, found {endpoints.Count}");
        Assert.Contains(endpoints, e => e.Route == "/hubs/callcenter/negotiate");
        Assert.Contains(endpoints, e => e.Route == "/complaints/{Id:guid}" || e.Route.StartsWith("/complaints", StringComparison.Ordinal));

        var problems = new ConcurrentBag<string>();
        var plan = new List<(AppEndpoint Endpoint, HashSet<string> Allowed)>();
        foreach (var endpoint in endpoints)
        {
            var allowed = Expected(endpoint, problems);
            if (allowed is not null)
            {
                plan.Add((endpoint, allowed));
            }
        }

        // API routes and hubs are called with a bearer token, pages with the sign-in cookie, as people and programs do.
        var clients = new Dictionary<string, (HttpClient Api, HttpClient Ui)>(StringComparer.Ordinal) { [Anonymous] = (NewClient(null), NewClient(null)) };
        foreach (var (role, user) in UserByRole)
        {
            var tokenClient = await app.ClientForAsync(user);
            clients[role] = (NewClient(tokenClient.DefaultRequestHeaders.Authorization), await CookieClientAsync(user));
        }

        var calls = plan.SelectMany(p => clients.Select(c => (p.Endpoint, p.Allowed, Caller: c.Key,
            Client: p.Endpoint.IsUi && !OpenWithoutPolicy.Contains(p.Endpoint.Key) ? c.Value.Ui : c.Value.Api))).ToList();
        var lines = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (call, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(call.Endpoint.Method), call.Endpoint.SampleUrl(SampleUser(call.Caller)));
            if (call.Endpoint.IsWrite && !call.Endpoint.IsHub)
            {
                request.Content = call.Endpoint.AcceptsMultipart
                    ? new MultipartFormDataContent { { new StringContent("x"), "note" } }
                    : new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await call.Client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location?.ToString() ?? "";
            var allowed = call.Caller == Anonymous ? call.Allowed.Contains(Anonymous) : call.Allowed.Contains(call.Caller);
            lines.Add($"{call.Endpoint.Key,-70} {call.Caller,-12} {status}");
            if (OpenWithoutPolicy.Contains(call.Endpoint.Key))
            {
                if (status >= 500)
                {
                    problems.Add($"{call.Endpoint} as {call.Caller}: got {status}");
                }
            }
            else if (allowed)
            {
                var deniedLike = status is 401 or 403 || (status == 302 && location.Contains("/login", StringComparison.OrdinalIgnoreCase));
                if (deniedLike || status >= 500)
                {
                    problems.Add($"{call.Endpoint} as {call.Caller}: expected to be allowed, got {status} {location}");
                }
            }
            else if (call.Caller == Anonymous)
            {
                var ok = call.Endpoint.IsApi || call.Endpoint.IsHub
                    ? status == 401
                    : status == 401 || (status == 302 && location.Contains("/login", StringComparison.OrdinalIgnoreCase));
                if (!ok)
                {
                    problems.Add($"{call.Endpoint} as anonymous: expected {(call.Endpoint.IsApi || call.Endpoint.IsHub ? "401" : "302 to /login")}, got {status} {location}");
                }
            }
            else if (!(status == 403 || (call.Endpoint.IsUi && status == 302 && location.Contains("/access-denied", StringComparison.OrdinalIgnoreCase))))
            {
                problems.Add($"{call.Endpoint} as {call.Caller}: expected {(call.Endpoint.IsUi ? "302 to /access-denied" : "403")}, got {status} {location}");
            }
        });

        output.WriteLine($"{endpoints.Count} endpoints, {calls.Count} calls");
        foreach (var line in lines.Order(StringComparer.Ordinal))
        {
            output.WriteLine(line);
        }

        Assert.True(problems.IsEmpty, string.Join(Environment.NewLine, problems.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void PublicEndpointList_NamesOnlyEndpointsThatExist()
    {
        var keys = AppEndpoint.All(app.Services).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);

        var stale = PublicEndpoints.Concat(OpenWithoutPolicy).Where(k => !keys.Contains(k)).ToList();

        Assert.True(stale.Count == 0, "listed as public but not mapped (remove from the list): " + string.Join(", ", stale));
    }

    /// <summary>Who may call the endpoint by the table; null (and a problem) when the table cannot say.</summary>
    internal static HashSet<string>? Expected(AppEndpoint endpoint, ConcurrentBag<string> problems)
    {
        var everyone = new HashSet<string>(UserByRole.Keys.Append(Anonymous), StringComparer.Ordinal);
        if (endpoint.AllowAnonymous)
        {
            if (!PublicEndpoints.Contains(endpoint.Key))
            {
                problems.Add($"{endpoint} allows anonymous callers but is not in {nameof(PublicEndpoints)}: require a policy, or list it there if it is meant to be public.");
                return null;
            }

            return everyone;
        }

        if (endpoint.Authorize.Count == 0)
        {
            if (OpenWithoutPolicy.Contains(endpoint.Key))
            {
                return everyone;
            }

            problems.Add($"{endpoint} has no authorization policy: add RequireAuthorization(KefuPolicies.X) (or [Authorize(Policy = ...)] on a page).");
            return null;
        }

        var allowed = new HashSet<string>(UserByRole.Keys, StringComparer.Ordinal);
        foreach (var rule in endpoint.Authorize)
        {
            if (rule.Policy is { } policy)
            {
                if (!RolesByPolicy.TryGetValue(policy, out var roles))
                {
                    problems.Add($"{endpoint} uses policy '{policy}', which {nameof(AuthorizationMatrixTests)}.{nameof(RolesByPolicy)} does not know: add the roles it should let in.");
                    return null;
                }

                allowed.IntersectWith(roles);
            }

            if (!string.IsNullOrWhiteSpace(rule.Roles))
            {
                allowed.IntersectWith(rule.Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return allowed;
    }

    /// <summary>The user name put into {userName}/{agent} route values: the caller's own, so endpoints that let people act
    /// on themselves are reached; the Telephony account has no agent desk of its own and acts on the demo agent.</summary>
    private static string? SampleUser(string caller) => caller == "Telephony" ? "agent" : UserByRole.GetValueOrDefault(caller);

    /// <summary>A client signed in through the login form (antiforgery token and all), keeping the auth cookie.</summary>
    private async Task<HttpClient> CookieClientAsync(string userName)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var html = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"(?<t>[^\"]+)\"", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)).Groups["t"].Value;
        Assert.False(string.IsNullOrEmpty(token), "the login page carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = userName,
            ["password"] = KefuAppFactory.DemoPassword,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        });
        var response = await client.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.ToString());
        return client;
    }

    private HttpClient NewClient(AuthenticationHeaderValue? authorization)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }
}
