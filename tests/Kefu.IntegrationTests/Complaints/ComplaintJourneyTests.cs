using System.Net;
using System.Net.Http.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Complaints;

[Collection(AppCollection.Name)]
public sealed class ComplaintJourneyTests(KefuAppFactory app)
{
    [Fact]
    public async Task CreateComplaint_Returns201_AtPreAssessment_WithCaseNumberAndTimeline()
    {
        var complaint = await ComplaintDriver.StartAsync(app);

        Assert.Equal("PreAssessment", complaint.Step);
        Assert.Matches("^TS-\\d{8}-[0-9A-F]{6}$", complaint.Last.GetProperty("number").GetString());
        Assert.Contains(complaint.Last.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "created");
        Assert.Contains(complaint.Last.GetProperty("gates").EnumerateArray(), g => g.GetProperty("code").GetString() == "core-problem" && !g.GetProperty("met").GetBoolean());
    }

    [Fact]
    public async Task FullJourney_ExplanationOnly_ClosesAfterTheCall()
    {
        var c = await ComplaintDriver.StartAsync(app);

        await c.ThroughPlanAsync();
        await c.AdvanceAsync("Execution");
        Assert.Equal(["explained-on-call"], await c.RefusedAdvanceAsync());
        await c.PostAsync("communications", new { text = "已致电客户说明转运积压原因，客户表示理解" });
        await c.PostAsync("confirmations", new { kind = "ExplainedOnCall" });
        await c.AdvanceAsync("Review");
        await c.AdvanceAsync("Closed");

        await c.RefreshAsync();
        Assert.Equal("Closed", c.Step);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, c.Last.GetProperty("closedAt").ValueKind);
        var kinds = c.Last.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("demands-confirmed", kinds);
        Assert.Contains("no-objection", kinds);
        Assert.Contains("confirmation", kinds);
        Assert.Equal(6, kinds.Count(k => k == "advanced"));

        var admin = await app.ClientForAsync("admin");
        var audit = await (await admin.GetAsync($"/api/v1/audit?entityType=Complaint&entityId={c.Id}&pageSize=200")).JsonAsync();
        Assert.True(audit.GetProperty("total").GetInt32() >= 10);
    }

    [Fact]
    public async Task Advance_AtPreAssessment_WithNothingFilled_NamesBothGates()
    {
        var c = await ComplaintDriver.StartAsync(app);

        var unmet = await c.RefusedAdvanceAsync();

        Assert.Equal(["core-problem", "contact-goal"], unmet);
    }

    [Theory]
    [InlineData("demands-confirmed")]
    [InlineData("reply-time-promised")]
    [InlineData("fact-summary")]
    [InlineData("parties-no-objection")]
    public async Task Advance_FromFactFinding_IsRefusedForEachGateOnItsOwn(string gate)
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.PreAssessAsync();
        await c.AdvanceAsync("FactFinding");

        await c.FindFactsAsync(
            confirmDemands: gate != "demands-confirmed",
            promiseReply: gate != "reply-time-promised",
            summary: gate != "fact-summary",
            withInquiry: gate != "fact-summary", // parties can only confirm a summary that exists
            noObjection: gate != "parties-no-objection");

        Assert.Equal([gate], await c.RefusedAdvanceAsync());
    }

    [Fact]
    public async Task Advance_FromResponsibility_NeedsItemizedAssignedFindingsAndAVerdict()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.PreAssessAsync();
        await c.AdvanceAsync("FactFinding");
        await c.FindFactsAsync();
        await c.AdvanceAsync("Responsibility");

        Assert.Equal(["findings-itemized", "findings-assigned", "verdict-recorded"], await c.RefusedAdvanceAsync());

        await c.PutAsync("responsibility", new { findings = new[] { new { side = "Company", description = "未及时通知客户" } } });
        Assert.Equal(["findings-assigned", "verdict-recorded"], await c.RefusedAdvanceAsync());
    }

    [Fact]
    public async Task PlanBeforeFacts_IsRefused()
    {
        var c = await ComplaintDriver.StartAsync(app);

        var response = await c.TryPutAsync("plan", new { kind = "Compensation", amount = 100m, description = "先赔再说" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task LargeCompensation_NeedsSupervisorApproval_BeforeExecution_AndClosesOnlyOnPaymentReceived()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.ThroughPlanAsync("Compensation", 800m);

        Assert.Equal("Pending", c.Last.GetProperty("plan").GetProperty("approval").GetString());
        Assert.Equal(["approval-granted"], await c.RefusedAdvanceAsync());
        await c.PostAsync("approval", new { approve = true }, HttpStatusCode.Forbidden);

        var supervisor = await app.ClientForAsync("supervisor");
        var pending = await (await supervisor.GetAsync("/api/v1/complaints?pendingApproval=true&pageSize=200")).JsonAsync();
        Assert.Contains(pending.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == c.Id);
        await c.PostAsync("approval", new { approve = true, reason = "符合赔付标准" }, asClient: supervisor);
        await c.AdvanceAsync("Execution");

        Assert.Equal(["payment-received"], await c.RefusedAdvanceAsync());
        var wrongKind = await c.Client.PostAsJsonAsync($"/api/v1/complaints/{c.Id}/confirmations", new { kind = "ExplainedOnCall" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        await c.PostAsync("confirmations", new { kind = "PaymentReceived", note = "客户确认 800 元已到账" });
        await c.AdvanceAsync("Review");
        await c.AdvanceAsync("Closed");
    }

    [Fact]
    public async Task RejectedPlan_CannotBeExecuted_AndRejectionNeedsAReason()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.ThroughPlanAsync("Refund", 2000m);
        var supervisor = await app.ClientForAsync("supervisor");

        var noReason = await c.PostAsync("approval", new { approve = false }, HttpStatusCode.BadRequest, supervisor);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await c.PostAsync("approval", new { approve = false, reason = "超出退款政策，请改为部分退款" }, asClient: supervisor);

        Assert.Equal(["approval-granted"], await c.RefusedAdvanceAsync());
        await c.PlanAsync("Refund", 300m, await c.UserIdAsync("agent"));
        Assert.Equal("NotRequired", c.Last.GetProperty("plan").GetProperty("approval").GetString());
        await c.AdvanceAsync("Execution");
    }

    [Fact]
    public async Task OfflineWork_ClosesOnlyAfterTheCustomerConfirmsItIsDone()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.ThroughPlanAsync("OfflineWork");
        await c.AdvanceAsync("Execution");

        Assert.Equal(["customer-confirmed-done"], await c.RefusedAdvanceAsync());
        await c.PostAsync("confirmations", new { kind = "CustomerConfirmedDone", note = "客户确认已收到补发商品" });
        await c.AdvanceAsync("Review");
    }

    [Fact]
    public async Task HighSeverityComplaint_NeedsTheReviewBeforeClosing()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "High");
        await c.ThroughPlanAsync();
        await c.AdvanceAsync("Execution");
        await c.PostAsync("confirmations", new { kind = "ExplainedOnCall" });
        await c.AdvanceAsync("Review");

        Assert.Equal(["review-written"], await c.RefusedAdvanceAsync());
        await c.PutAsync("review", new { cause = "旺季转运能力不足", companyRisk = "大量延误投诉与差评", improvements = "旺季前增加转运班次，延误时主动通知客户" });
        await c.AdvanceAsync("Closed");
    }

    [Fact]
    public async Task SecondComplaintOfTheSameCustomerAndCategory_IsFlaggedRepeat_AndReviewBecomesRequired()
    {
        var first = await ComplaintDriver.StartAsync(app, category: "REFUND");
        var customerId = first.Last.GetProperty("customerId").GetGuid();

        var second = await ComplaintDriver.StartAsync(app, category: "退款", customerId: customerId);
        var otherCategory = await ComplaintDriver.StartAsync(app, category: "ATTITUDE", customerId: customerId);

        Assert.False(first.Last.GetProperty("isRepeat").GetBoolean());
        Assert.True(second.Last.GetProperty("isRepeat").GetBoolean());
        Assert.Equal(first.Id, second.Last.GetProperty("repeatOfId").GetGuid());
        Assert.True(second.Last.GetProperty("isSpecial").GetBoolean());
        Assert.False(otherCategory.Last.GetProperty("isRepeat").GetBoolean());
    }

    [Fact]
    public async Task Transfer_WithoutReason_IsRefused_WithReason_ChangesOwnerAndRecordsTarget()
    {
        var c = await ComplaintDriver.StartAsync(app);
        var aftersales = await app.ClientForAsync("aftersales");
        var targetId = await c.UserIdAsync("aftersales", aftersales);

        var refused = await c.PostAsync("transfer", new { toUserId = targetId }, HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("reason", out _));

        await c.PostAsync("transfer", new { toUserId = targetId, reason = "需售后部门上门检测" });
        Assert.Equal(targetId, c.Last.GetProperty("ownerId").GetGuid());
        var transfer = c.Last.GetProperty("timeline").EnumerateArray().Last(e => e.GetProperty("kind").GetString() == "transfer").GetProperty("text").GetString();
        Assert.Contains("售后", transfer, StringComparison.Ordinal);
        Assert.Contains("2001", transfer, StringComparison.Ordinal);
        Assert.Contains("需售后部门上门检测", transfer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReopenedComplaint_CountsAsRepeat_AndGoesBackToFactFinding()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.CloseExplainedAsync();

        await c.PostAsync("reopen", new { text = "客户反馈包裹仍未送达" });

        Assert.Equal("FactFinding", c.Step);
        Assert.True(c.Last.GetProperty("isRepeat").GetBoolean());
        Assert.Equal(1, c.Last.GetProperty("reopenCount").GetInt32());
        Assert.Contains("demands-confirmed", await c.RefusedAdvanceAsync());
    }

    [Fact]
    public async Task ComplaintSummary_IsStoredWithPiiMasked()
    {
        var client = await app.ClientForAsync("agent");
        var driver = new ComplaintDriver(client);
        var customerId = await driver.NewCustomerAsync();
        var card = TestData.BankCard();

        var response = await client.PostAsJsonAsync("/api/v1/complaints", new { customerId, channel = "Email", category = "BILLING", severity = "Low", summary = $"卡号{card}被重复扣费" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var summary = (await response.JsonAsync()).GetProperty("summary").GetString()!;
        Assert.DoesNotContain(card, summary, StringComparison.Ordinal);
        Assert.Contains("****", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateComplaint_WithUnknownCategoryAndMissingSeverity_NamesBothFields()
    {
        var client = await app.ClientForAsync("agent");
        var customerId = await new ComplaintDriver(client).NewCustomerAsync();

        var response = await client.PostAsJsonAsync("/api/v1/complaints", new { customerId, channel = "Phone", category = "不存在的分类", summary = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("severity", out _));
        Assert.False(errors.TryGetProperty("category", out _), "category is checked once the simple fields are valid");
    }

    [Fact]
    public async Task ParallelAdvances_LeaveExactlyOneStepChange()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.PreAssessAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => c.Client.PostAsync($"/api/v1/complaints/{c.Id}/advance", null)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        await c.RefreshAsync();
        Assert.Equal("FactFinding", c.Step);
        Assert.Equal(1, c.Last.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "advanced"));
    }

    [Fact]
    public async Task QaReviewer_CanReadButNotChangeComplaints()
    {
        var c = await ComplaintDriver.StartAsync(app);
        var qa = await app.ClientForAsync("qa");

        Assert.Equal(HttpStatusCode.OK, (await qa.GetAsync($"/api/v1/complaints/{c.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PostAsync($"/api/v1/complaints/{c.Id}/advance", null)).StatusCode);
    }
}
