using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Kefu.IntegrationTests.Security;

/// <summary>
/// Sends broken bodies to every write endpoint under /api/v1 (found from the endpoint list): malformed JSON, wrong
/// types, invalid UTF-8, a body over the limit, and SQL/script text. Each must be refused with 4xx problem details
/// (never a 500), and the broken ones must leave every table as it was.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class MalformedInputTests(KefuAppFactory app, ITestOutputHelper output)
{
    private static readonly string[] Callers = ["admin", "supervisor", "pbx", "qa", "agent"];

    private static readonly (string Name, Func<HttpContent> Body)[] BrokenBodies =
    [
        ("malformed JSON", () => Json("{\"name\": \"x\", \"description\": ")),
        ("trailing garbage", () => Json("{} }{")),
        ("array instead of object", () => Json("[1, 2, 3]")),
        ("string instead of object", () => Json("\"just text\"")),
        ("wrong field types", () => Json("{\"name\": {\"a\": 1}, \"title\": [1], \"description\": {\"x\": true}, \"phone\": [\"1\"], \"summary\": {}, \"reason\": [], \"text\": {}, \"body\": {}, \"categoryId\": 12, \"score\": \"high\", \"skills\": \"all\", \"state\": {}, \"userName\": {}, \"password\": [], \"roles\": \"Admin\", \"departmentId\": \"not-a-guid\", \"severity\": 99999999999999999999}")),
        ("invalid UTF-8", () => Bytes([.. "{\"name\": \""u8, 0xC3, 0x28, 0xFF, 0xFE, .. "\", \"description\": \"x\"}"u8])),
        ("huge body", () => Json("{\"description\": \"" + new string('a', (int)Kefu.Web.Infrastructure.RequestBodyLimits.DefaultApiBytes + 1024) + "\"}")),
    ];

    [Fact]
    public async Task EveryWriteEndpoint_RefusesBrokenBodiesWith4xxProblemDetails_AndStoresNothing()
    {
        var endpoints = AppEndpoint.All(app.Services).Where(e => e.IsWrite && e.Route.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        Assert.True(endpoints.Count(e => e.AcceptsJson) > 50, $"expected the API's write endpoints, found {endpoints.Count}");
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var user in Callers)
        {
            clients[user] = await app.ClientForAsync(user);
        }

        var before = await CountRowsAsync();
        var problems = new List<string>();
        var calls = 0;
        foreach (var endpoint in endpoints)
        {
            var url = endpoint.SampleUrl("agent");
            var client = await CallerForAsync(endpoint, url, clients);
            foreach (var (name, body) in BrokenBodies)
            {
                if (!endpoint.AcceptsJson && name != "huge body")
                {
                    continue; // endpoints that read no JSON body (commands on a route, multipart uploads) get only the size check
                }

                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), url) { Content = body() };
                using var response = await client.SendAsync(request);
                calls++;
                await ExpectProblemAsync(endpoint, name, response, problems, expected413: name == "huge body");
            }
        }

        var after = await CountRowsAsync();
        var changed = before.Where(kv => after[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: {kv.Value} → {after[kv.Key]}").ToList();
        output.WriteLine($"{endpoints.Count} write endpoints, {calls} calls");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(changed.Count == 0, "broken requests changed the store: " + string.Join(", ", changed));
    }

    [Fact]
    public async Task EveryWriteEndpoint_TreatsSqlAndScriptTextAsPlainData()
    {
        var endpoints = AppEndpoint.All(app.Services).Where(e => e.IsWrite && e.Route.StartsWith("/api/v1/", StringComparison.Ordinal) && e.AcceptsJson).ToList();
        var admin = await app.ClientForAsync("admin");
        var supervisor = await app.ClientForAsync("supervisor");
        var before = await CountRowsAsync();
        const string Sql = "x'); DROP TABLE \\\"Customers\\\";-- ' OR '1'='1";
        const string Script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        var fields = new[] { "name", "title", "body", "description", "summary", "reason", "note", "text", "content", "category", "phone", "email", "userName", "displayName", "code", "orderNumber", "outcome", "comment", "answer", "tags" };
        var payload = "{" + string.Join(", ", fields.Select((f, i) => $"\"{f}\": \"{(i % 2 == 0 ? Sql : Script)}\"")) + "}";
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var client in new[] { admin, supervisor })
            {
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.SampleUrl("agent")) { Content = Json(payload) };
                using var response = await client.SendAsync(request);
                // 503 problem details is a deliberate answer (e.g. e-mail not configured on this server), not a crash.
                if ((int)response.StatusCode >= 500 && !(response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Content.Headers.ContentType?.MediaType == "application/problem+json"))
                {
                    problems.Add($"{endpoint.Key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        var after = await CountRowsAsync();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        // Nothing disappeared: the text went into parameters, never into SQL.
        var shrunk = before.Where(kv => after[kv.Key] < kv.Value).Select(kv => $"{kv.Key}: {kv.Value} → {after[kv.Key]}").ToList();
        Assert.True(shrunk.Count == 0, string.Join(", ", shrunk));
        var search = await admin.GetAsync("/api/v1/customers?q=" + Uri.EscapeDataString(Sql));
        Assert.True((int)search.StatusCode < 500);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413ProblemDetails()
    {
        var client = await app.ClientForAsync("agent");
        var big = Encoding.UTF8.GetBytes("{\"name\": \"" + new string('a', 2 * 1024 * 1024) + "\"}");
        using var content = new StreamContent(new MemoryStream(big));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/customers") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task ExpectProblemAsync(AppEndpoint endpoint, string payload, HttpResponseMessage response, List<string> problems, bool expected413)
    {
        var status = (int)response.StatusCode;
        var type = response.Content.Headers.ContentType?.MediaType;
        if (status is < 400 or >= 500 || (expected413 && status != 413 && status != 404 && status != 400) || type != "application/problem+json")
        {
            var text = await response.Content.ReadAsStringAsync();
            problems.Add($"{endpoint.Key} with {payload}: {status} {type} {text[..Math.Min(300, text.Length)]}");
        }
    }

    /// <summary>A demo user the endpoint's policy lets in, by the authorization matrix's table.</summary>
    private static Task<HttpClient> CallerForAsync(AppEndpoint endpoint, string url, Dictionary<string, HttpClient> clients)
    {
        _ = url;
        var allowed = AuthorizationMatrixTests.Expected(endpoint, []) ?? [];
        var role = new[] { "Admin", "Supervisor", "Telephony", "QA", "Agent" }.FirstOrDefault(allowed.Contains) ?? "Admin";
        return Task.FromResult(clients[AuthorizationMatrixTests.UserByRole[role]]);
    }

    private async Task<Dictionary<string, long>> CountRowsAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the EF model, not from input
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
#pragma warning restore CA2100
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        await connection.CloseAsync();
        return counts;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
