using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Customers;

[Collection(AppCollection.Name)]
public sealed class CustomersApiTests(KefuAppFactory app)
{
    private async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/customers", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<int> CountCustomersNamedAsync(string name)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        return await db.Customers.CountAsync(c => c.Name == name);
    }

    [Fact]
    public async Task CreateCustomer_ReturnsCreatedWithId_AndCanBeReadBack()
    {
        var client = await app.ClientForAsync("agent");
        var name = TestData.Name("周");
        var phone = TestData.Mobile();

        var created = await CreateAsync(client, new { name, phone, email = "zhou@example.com", note = "首次来电" });

        var id = created.GetProperty("id").GetGuid();
        Assert.NotEqual(Guid.Empty, id);
        var response = await client.GetAsync($"/api/v1/customers/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var body = await response.JsonAsync();
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(phone, body.GetProperty("phone").GetString());
        Assert.Equal("zhou@example.com", body.GetProperty("email").GetString());
        Assert.Equal("首次来电", body.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("name")]
    [InlineData("phone")]
    [InlineData("email")]
    public async Task CreateCustomer_WithNationalIdInStructuredField_IsRefusedNamingTheField_AndNothingStored(string field)
    {
        var client = await app.ClientForAsync("agent");
        var name = TestData.Name("吴");
        var values = new Dictionary<string, string> { ["name"] = name, ["phone"] = TestData.Mobile(), ["email"] = "wu@example.com" };
        values[field] = field == "name" ? name + "身份证" + TestData.NationalId() : TestData.NationalId();

        var response = await client.PostAsJsonAsync("/api/v1/customers", values);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        var messages = errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains("身份证", StringComparison.Ordinal));
        Assert.Equal(0, await CountCustomersNamedAsync(field == "name" ? values["name"] : name));
    }

    [Fact]
    public async Task CreateCustomer_WithBankCardInPhone_IsRefusedNamingPhone()
    {
        var client = await app.ClientForAsync("agent");
        var name = TestData.Name("郑");
        var card = TestData.BankCard();
        var spaced = string.Join(' ', card.Chunk(4).Select(c => new string(c)));

        var response = await client.PostAsJsonAsync("/api/v1/customers", new { name, phone = spaced });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("phone", out var phoneErrors));
        Assert.Contains(phoneErrors.EnumerateArray(), e => e.GetString()!.Contains("card", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await CountCustomersNamedAsync(name));
    }

    [Fact]
    public async Task CreateCustomer_WithPasswordInEmail_IsRefusedNamingEmail()
    {
        var client = await app.ClientForAsync("agent");
        var name = TestData.Name("冯");

        var response = await client.PostAsJsonAsync("/api/v1/customers", new { name, phone = TestData.Mobile(), email = "密码：abc12345" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Contains(errors.GetProperty("email").EnumerateArray(), e => e.GetString()!.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await CountCustomersNamedAsync(name));
    }

    [Fact]
    public async Task CreateCustomer_WithPiiInNote_StoresTheNoteMasked()
    {
        var client = await app.ClientForAsync("agent");
        var card = TestData.BankCard();
        var id = TestData.NationalId();
        var note = $"客户报了卡号{card}和身份证{id}，已提醒不要提供。";

        var created = await CreateAsync(client, new { name = TestData.Name("褚"), phone = TestData.Mobile(), note });

        var stored = created.GetProperty("note").GetString()!;
        Assert.DoesNotContain(card, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(id, stored, StringComparison.Ordinal);
        Assert.Contains(card[..4] + " ****", stored, StringComparison.Ordinal);
        Assert.Contains(card[^4..], stored, StringComparison.Ordinal);
        Assert.StartsWith("客户报了卡号", stored, StringComparison.Ordinal);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var row = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == created.GetProperty("id").GetGuid());
        Assert.DoesNotContain(card, row.Note!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCustomer_WithoutName_ListsTheFieldInValidationErrors()
    {
        var client = await app.ClientForAsync("agent");

        var response = await client.PostAsJsonAsync("/api/v1/customers", new { phone = "12", email = "not-an-email" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("phone", out _));
        Assert.True(errors.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task SearchCustomers_FindsByPhoneNameAndOrderNumber()
    {
        var client = await app.ClientForAsync("agent");
        var name = TestData.Name("蒋");
        var phone = TestData.Mobile();
        var created = await CreateAsync(client, new { name, phone });
        var id = created.GetProperty("id").GetGuid();
        var order = TestData.OrderNumber();
        var orderResponse = await client.PostAsJsonAsync($"/api/v1/customers/{id}/orders", new { number = order, amount = 199.5m, placedAt = DateTime.UtcNow.AddDays(-2) });
        Assert.Equal(HttpStatusCode.Created, orderResponse.StatusCode);

        foreach (var query in new[] { phone, phone[3..], name, order, order.ToLowerInvariant() })
        {
            var result = await (await client.GetAsync($"/api/v1/customers?query={Uri.EscapeDataString(query)}")).JsonAsync();
            var ids = result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
            Assert.Contains(id, ids);
            Assert.True(result.GetProperty("total").GetInt32() >= 1);
        }

        var none = await (await client.GetAsync($"/api/v1/customers?query={Uri.EscapeDataString(TestData.Name("无此人"))}")).JsonAsync();
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Empty(none.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task SearchCustomers_WithOversizedPage_IsRefusedNamingPageSize()
    {
        var client = await app.ClientForAsync("agent");

        var response = await client.GetAsync("/api/v1/customers?pageSize=5000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("pageSize", out _));
    }

    [Fact]
    public async Task UpdateCustomer_WithStaleIfMatch_Is412_AndKeepsTheFirstWrite()
    {
        var client = await app.ClientForAsync("agent");
        var phone = TestData.Mobile();
        var created = await CreateAsync(client, new { name = TestData.Name("沈"), phone });
        var id = created.GetProperty("id").GetGuid();
        var read = await client.GetAsync($"/api/v1/customers/{id}");
        var etag = read.Headers.ETag!;

        var first = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { name = "沈一", phone }) };
        first.Headers.IfMatch.Add(etag);
        var firstResponse = await client.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.NotEqual(etag, firstResponse.Headers.ETag);

        var second = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { name = "沈二", phone }) };
        second.Headers.IfMatch.Add(etag);
        var secondResponse = await client.SendAsync(second);

        Assert.Equal(HttpStatusCode.PreconditionFailed, secondResponse.StatusCode);
        Assert.Equal("application/problem+json", secondResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(firstResponse.Headers.ETag, secondResponse.Headers.ETag);
        var current = await (await client.GetAsync($"/api/v1/customers/{id}")).JsonAsync();
        Assert.Equal("沈一", current.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateCustomer_ByAdminWhoSeesMaskedPhones_WithoutPhoneFields_KeepsTheStoredNumbers()
    {
        var agent = await app.ClientForAsync("agent");
        var phone = TestData.Mobile();
        var created = await CreateAsync(agent, new { name = TestData.Name("孔"), phone, otherPhones = new[] { "010-12345678" } });
        var id = created.GetProperty("id").GetGuid();
        var admin = await app.ClientForAsync("admin");
        var read = await admin.GetAsync($"/api/v1/customers/{id}");
        Assert.True((await read.JsonAsync()).GetProperty("phonesMasked").GetBoolean());

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { name = "孔改名", email = "kong@example.com" }) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(put)).StatusCode);

        var after = await (await agent.GetAsync($"/api/v1/customers/{id}")).JsonAsync();
        Assert.Equal("孔改名", after.GetProperty("name").GetString());
        Assert.Equal(phone, after.GetProperty("phone").GetString());
        Assert.Equal(["01012345678"], after.GetProperty("otherPhones").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task UpdateCustomer_WithoutIfMatch_Is428()
    {
        var client = await app.ClientForAsync("agent");
        var created = await CreateAsync(client, new { name = TestData.Name("韩"), phone = TestData.Mobile() });

        var response = await client.PutAsJsonAsync($"/api/v1/customers/{created.GetProperty("id").GetGuid()}", new { name = "韩改" });

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
    }

    [Fact]
    public async Task ParallelUpdates_WithTheSameVersion_LeaveExactlyOneWinner()
    {
        var client = await app.ClientForAsync("agent");
        var phone = TestData.Mobile();
        var created = await CreateAsync(client, new { name = TestData.Name("杨"), phone });
        var id = created.GetProperty("id").GetGuid();
        var etag = (await client.GetAsync($"/api/v1/customers/{id}")).Headers.ETag!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { name = $"杨{i}", phone }) };
            request.Headers.IfMatch.Add(etag);
            return await client.SendAsync(request);
        }));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task QaReviewer_SeesPhoneMasked_AgentSeesItFull()
    {
        var agent = await app.ClientForAsync("agent");
        var phone = TestData.Mobile();
        var created = await CreateAsync(agent, new { name = TestData.Name("秦"), phone });
        var id = created.GetProperty("id").GetGuid();
        var qa = await app.ClientForAsync("qa");

        var asQa = await (await qa.GetAsync($"/api/v1/customers/{id}")).JsonAsync();

        Assert.Equal(phone[..3] + "****" + phone[^4..], asQa.GetProperty("phone").GetString());
        Assert.True(asQa.GetProperty("phonesMasked").GetBoolean());
        var asAgent = await (await agent.GetAsync($"/api/v1/customers/{id}")).JsonAsync();
        Assert.Equal(phone, asAgent.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task QaReviewer_CannotCreateCustomers_Is403()
    {
        var qa = await app.ClientForAsync("qa");

        var response = await qa.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("许"), phone = TestData.Mobile() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_CannotReadCustomers_Is401()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/customers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RecordContact_MasksPiiInSummary_AndListsNewestFirst()
    {
        var client = await app.ClientForAsync("agent");
        var created = await CreateAsync(client, new { name = TestData.Name("何"), phone = TestData.Mobile() });
        var id = created.GetProperty("id").GetGuid();
        var card = TestData.BankCard();

        var older = await client.PostAsJsonAsync($"/api/v1/customers/{id}/contacts", new { channel = "Phone", summary = "客户咨询物流进度", at = DateTime.UtcNow.AddHours(-3) });
        var newer = await client.PostAsJsonAsync($"/api/v1/customers/{id}/contacts", new { channel = "Email", summary = $"客户来信附卡号 {card}" });
        Assert.Equal(HttpStatusCode.Created, older.StatusCode);
        Assert.Equal(HttpStatusCode.Created, newer.StatusCode);

        var list = await (await client.GetAsync($"/api/v1/customers/{id}/contacts")).JsonAsync();
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("Email", items[0].GetProperty("channel").GetString());
        Assert.DoesNotContain(card, items[0].GetProperty("summary").GetString()!, StringComparison.Ordinal);
        Assert.Equal("李小客", items[0].GetProperty("agentName").GetString());
    }

    [Fact]
    public async Task GetCustomer_Unknown_Is404ProblemDetails()
    {
        var client = await app.ClientForAsync("agent");

        var response = await client.GetAsync($"/api/v1/customers/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AddOrder_WithDuplicateNumber_IsRefusedNamingNumber()
    {
        var client = await app.ClientForAsync("agent");
        var created = await CreateAsync(client, new { name = TestData.Name("吕"), phone = TestData.Mobile() });
        var id = created.GetProperty("id").GetGuid();
        var number = TestData.OrderNumber();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/customers/{id}/orders", new { number, amount = 10m })).StatusCode);

        var again = await client.PostAsJsonAsync($"/api/v1/customers/{id}/orders", new { number, amount = 20m });

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.True((await again.JsonAsync()).GetProperty("errors").TryGetProperty("number", out _));
    }

    [Fact]
    public async Task MalformedJson_IsA400ProblemDetails()
    {
        var client = await app.ClientForAsync("agent");

        var response = await client.PostAsync("/api/v1/customers", new StringContent("{\"name\": ", new MediaTypeHeaderValue("application/json")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
