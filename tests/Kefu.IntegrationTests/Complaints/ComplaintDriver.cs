using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Complaints;

/// <summary>Drives a complaint through its steps over HTTP, the way a client of the API would.</summary>
internal sealed class ComplaintDriver(HttpClient client)
{
    public Guid Id { get; private set; }
    public JsonElement Last { get; private set; }

    public static async Task<ComplaintDriver> StartAsync(KefuAppFactory app, string user = "agent", string severity = "Medium", string category = "物流", Guid? customerId = null)
    {
        var client = await app.ClientForAsync(user);
        var driver = new ComplaintDriver(client);
        customerId ??= await driver.NewCustomerAsync();
        var response = await client.PostAsJsonAsync("/api/v1/complaints", new { customerId, channel = "Phone", category, severity, summary = "客户投诉包裹延迟一周未送达" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        driver.Last = await response.JsonAsync();
        driver.Id = driver.Last.GetProperty("id").GetGuid();
        return driver;
    }

    public HttpClient Client => client;

    public string Step => Last.GetProperty("step").GetString()!;

    public async Task<Guid> NewCustomerAsync()
    {
        var response = await client.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("投诉人"), phone = TestData.Mobile() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    public async Task<Guid> DepartmentAsync(string name)
    {
        var list = await (await client.GetAsync("/api/v1/departments")).JsonAsync();
        return list.EnumerateArray().First(d => d.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
    }

    public async Task<Guid> UserIdAsync(string userName, HttpClient? asClient = null)
    {
        var me = await (await (asClient ?? client).GetAsync("/api/v1/auth/me")).JsonAsync();
        return userName == me.GetProperty("userName").GetString() ? me.GetProperty("id").GetGuid() : throw new InvalidOperationException("client is not " + userName);
    }

    public async Task<HttpResponseMessage> RefreshAsync()
    {
        var response = await client.GetAsync($"/api/v1/complaints/{Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Last = await response.JsonAsync();
        return response;
    }

    /// <summary>PUT a step record with the current ETag; asserts success.</summary>
    public async Task PutAsync(string record, object body)
    {
        var response = await TryPutAsync(record, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {record}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Last = await response.JsonAsync();
    }

    public async Task<HttpResponseMessage> TryPutAsync(string record, object body)
    {
        var etag = (await RefreshAsync()).Headers.ETag!;
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/complaints/{Id}/{record}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(etag);
        return await client.SendAsync(request);
    }

    public async Task<JsonElement> PostAsync(string action, object? body = null, HttpStatusCode expected = HttpStatusCode.OK, HttpClient? asClient = null)
    {
        var response = await (asClient ?? client).PostAsJsonAsync($"/api/v1/complaints/{Id}/{action}", body ?? new { });
        Assert.True(response.StatusCode == expected, $"POST {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var json = await response.JsonAsync();
        if (expected == HttpStatusCode.OK && json.TryGetProperty("step", out _))
        {
            Last = json;
        }

        return json;
    }

    public async Task AdvanceAsync(string expectedStep)
    {
        var json = await PostAsync("advance");
        Assert.Equal(expectedStep, json.GetProperty("step").GetString());
    }

    /// <summary>Advance that must fail: returns the unmet gate codes of the 409.</summary>
    public async Task<List<string>> RefusedAdvanceAsync()
    {
        var response = await client.PostAsync($"/api/v1/complaints/{Id}/advance", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        return problem.GetProperty("unmetGates").EnumerateArray().Select(g => g.GetString()!).ToList();
    }

    // ---- Happy-path step fillers ----

    /// <summary>Steps 1–3 done and the plan recorded (not yet advanced): the starting point of most plan and closure tests.</summary>
    public async Task ThroughPlanAsync(string kind = "ExplanationOnly", decimal? amount = null)
    {
        await PreAssessAsync();
        await AdvanceAsync("FactFinding");
        await FindFactsAsync();
        await AdvanceAsync("Responsibility");
        await JudgeAsync();
        await AdvanceAsync("Plan");
        await PlanAsync(kind, amount, await UserIdAsync("agent"));
    }

    /// <summary>An explanation-only complaint taken all the way to Closed.</summary>
    public async Task CloseExplainedAsync()
    {
        await ThroughPlanAsync();
        await AdvanceAsync("Execution");
        await PostAsync("confirmations", new { kind = "ExplainedOnCall" });
        await AdvanceAsync("Review");
        await AdvanceAsync("Closed");
    }

    public Task PreAssessAsync() => PutAsync("pre-assessment", new { coreProblem = "包裹延迟，客户要求尽快送达并说明原因", contactGoal = "安抚情绪，确认诉求并承诺回复时间", knownPitfalls = "物流承诺时效", seniorAdviceSought = false });

    public async Task FindFactsAsync(bool confirmDemands = true, bool promiseReply = true, bool summary = true, bool withInquiry = true, bool noObjection = true)
    {
        await PutAsync("facts", new
        {
            introductionGiven = true,
            eventTime = "2026-11-15 起",
            eventPlace = "上海转运中心",
            peopleInvolved = "快递员、转运中心",
            eventCause = "转运中心积压",
            customerImpact = "礼物未能按时送达",
            demands = new[] { "尽快送达", "说明延误原因" },
            demandsConfirmed = confirmDemands,
            promisedReplyAt = promiseReply ? DateTime.UtcNow.AddHours(24) : (DateTime?)null,
            replyContact = "客户手机",
            factSummary = summary ? "问题：包裹延迟；核查：转运中心积压三天；结果：已加急派送" : null,
        });
        if (withInquiry)
        {
            var logistics = await DepartmentAsync("物流");
            var inquiry = await PostAsync("inquiries", new { departmentId = logistics, keyFacts = "订单包裹 11-15 发出，至今未达，请核实转运记录" }, HttpStatusCode.Created);
            var inquiryId = inquiry.GetProperty("id").GetGuid();
            await PostAsync($"inquiries/{inquiryId}/feedback", new { text = "转运中心积压，已加急" });
            if (noObjection)
            {
                await PostAsync($"inquiries/{inquiryId}/no-objection", new { confirmedBy = "物流部王经理" });
            }
        }
    }

    public async Task JudgeAsync()
    {
        var logistics = await DepartmentAsync("物流");
        await PutAsync("responsibility", new
        {
            findings = new object[]
            {
                new { side = "Company", description = "转运中心积压未及时告知客户", departmentId = logistics, policyBasis = "物流时效承诺：72 小时内送达" },
                new { side = "Customer", description = "收货地址填写不完整导致二次派送", policyBasis = "下单须知第 3 条" },
            },
            rootCause = "旺季转运能力不足",
            verdict = "SharedLiability",
        });
    }

    public Task PlanAsync(string kind = "ExplanationOnly", decimal? amount = null, Guid? executorId = null) => PutAsync("plan", new
    {
        kind,
        description = "向客户解释延误原因并加急派送",
        obligations = "承担延误责任",
        bottomLine = "补偿 50 元优惠券",
        amount,
        executorId,
        deadline = DateTime.UtcNow.AddDays(2),
        expectedEffect = "客户满意并接受",
    });
}
