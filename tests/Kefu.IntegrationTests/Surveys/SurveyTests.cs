using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kefu.IntegrationTests.Calls;
using Kefu.IntegrationTests.Complaints;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Features.Surveys;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Surveys;

/// <summary>Survey invitations after calls, complaints and return visits, the SMS in the dev sink, and the public answer.</summary>
public sealed partial class SurveyTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    private readonly CallDriver calls = new(app);

    [Fact]
    public async Task ACallEndedWithTheCallersConsent_GetsOneInvitation_AndOneSmsInTheDevSink()
    {
        var (callId, agent, queue, phone) = await AnsweredCallAsync(consent: true);
        // The agent confirms the consent at wrap-up as well: still one invitation.
        var wrapUp = await (await app.ClientForAsync("supervisor")).PutAsJsonAsync($"/api/v1/calls/{callId}/disposition", new { solvedOnFirstContact = true, surveyConsent = true });
        Assert.Equal(HttpStatusCode.OK, wrapUp.StatusCode);

        var surveys = await SurveysAsync($"agent={agent}");
        var row = Assert.Single(surveys.GetProperty("page").GetProperty("items").EnumerateArray());
        Assert.Equal("call", row.GetProperty("kind").GetString());
        Assert.Equal(callId, row.GetProperty("callId").GetString());
        Assert.Equal(queue, row.GetProperty("queue").GetString());
        Assert.Equal("sms", row.GetProperty("channel").GetString());
        Assert.Equal("open", row.GetProperty("status").GetString());

        await SendDueAsync();
        await SendDueAsync();
        var sms = Assert.Single(await DevSmsAsync(phone));
        Assert.Contains("/s/", sms.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallWithoutConsent_GetsNoInvitation()
    {
        var (_, agent, _, phone) = await AnsweredCallAsync(consent: null);
        await SendDueAsync();
        Assert.Equal(0, (await SurveysAsync($"agent={agent}")).GetProperty("page").GetProperty("total").GetInt32());
        Assert.Empty(await DevSmsAsync(phone));
    }

    [Fact]
    public async Task ConsentGivenAtWrapUp_AfterTheCallEnded_Invites()
    {
        var (callId, agent, _, _) = await AnsweredCallAsync(consent: null);
        var wrapUp = await (await app.ClientForAsync("supervisor")).PutAsJsonAsync($"/api/v1/calls/{callId}/disposition", new { solvedOnFirstContact = false, surveyConsent = true });
        Assert.Equal(HttpStatusCode.OK, wrapUp.StatusCode);
        Assert.True((await calls.CallAsync(callId)).GetProperty("surveyConsent").GetBoolean());
        Assert.Equal(1, (await SurveysAsync($"agent={agent}&kind=call")).GetProperty("page").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ClosingAComplaint_AndItsReturnVisit_EachInviteTheCustomerOnce()
    {
        var complaint = await ComplaintDriver.StartAsync(app);
        await complaint.CloseExplainedAsync();
        var visit = await complaint.PostAsync("return-visits", new { reached = true, resolved = true, satisfaction = 5 }, HttpStatusCode.Created);

        var list = (await SurveysAsync("kind=complaint&pageSize=200")).GetProperty("page").GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("complaintId").GetGuid() == complaint.Id).ToList();
        var invitation = Assert.Single(list);
        Assert.Equal("agent", invitation.GetProperty("agent").GetString());
        Assert.Equal("sms", invitation.GetProperty("channel").GetString());
        var visits = (await SurveysAsync("kind=return-visit&pageSize=200")).GetProperty("page").GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("complaintId").GetGuid() == complaint.Id).ToList();
        Assert.Equal(visit.GetProperty("id").GetGuid(), Assert.Single(visits).GetProperty("returnVisitId").GetGuid());
    }

    [Fact]
    public async Task AnAnswerThroughThePublicApi_IsStoredOnce_WithTheCommentMasked()
    {
        var (_, agent, _, phone) = await AnsweredCallAsync(consent: true);
        await SendDueAsync();
        var token = TokenFrom(Assert.Single(await DevSmsAsync(phone)).GetProperty("text").GetString()!);
        var anonymous = app.CreateClient();

        var survey = await (await anonymous.GetAsync($"/api/v1/public/surveys/{token}")).JsonAsync();
        Assert.False(survey.GetProperty("answered").GetBoolean());
        Assert.Contains(survey.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("label").GetString() == "等待时间长");

        var outOfRange = await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating = 6 });
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.True((await outOfRange.JsonAsync()).GetProperty("errors").TryGetProperty("rating", out _));
        var unknownReason = await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating = 3, reasons = new[] { "nope" } });
        Assert.True((await unknownReason.JsonAsync()).GetProperty("errors").TryGetProperty("reasons", out _));

        var id = TestData.NationalId();
        var answered = await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating = 2, reasons = new[] { "wait-long", "slow" }, comment = "等了很久，我的身份证 " + id });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var again = await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating = 5 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.True((await (await anonymous.GetAsync($"/api/v1/public/surveys/{token}")).JsonAsync()).GetProperty("answered").GetBoolean());

        var result = await SurveysAsync($"agent={agent}");
        var row = Assert.Single(result.GetProperty("page").GetProperty("items").EnumerateArray());
        Assert.Equal(2, row.GetProperty("rating").GetInt32());
        Assert.False(row.GetProperty("satisfied").GetBoolean());
        Assert.Equal(["wait-long", "slow"], row.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.DoesNotContain(id, row.GetProperty("comment").GetString(), StringComparison.Ordinal);
        var summary = result.GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("answered").GetInt32());
        Assert.Equal(0, summary.GetProperty("satisfied").GetInt32());
        Assert.Equal(0.0, summary.GetProperty("csat").GetDouble());
        Assert.Contains(summary.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "slow" && r.GetProperty("count").GetInt32() == 1);
        Assert.Equal(0, (await SurveysAsync($"agent={agent}&satisfied=true")).GetProperty("page").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task AnExpiredLink_IsRefusedWith410_AndAnUnknownOneWith404()
    {
        var token = SurveyInvitation.NewToken();
        var now = app.Clock!.GetUtcNow().UtcDateTime;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            db.Add(new SurveyInvitation
            {
                Id = Guid.NewGuid(), Kind = SurveyKinds.Call, SourceKey = "call:expired-" + Guid.NewGuid().ToString("N"), Channel = NotificationChannels.Sms,
                CreatedAt = now.AddDays(-8), ExpiresAt = now.AddDays(-1), TokenHash = SurveyInvitation.HashToken(token),
            });
            await db.SaveChangesAsync();
        }

        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync($"/api/v1/public/surveys/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.PostAsJsonAsync($"/api/v1/public/surveys/{token}", new { rating = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/public/surveys/{SurveyInvitation.NewToken()}")).StatusCode);
    }

    [Fact]
    public async Task SurveyResults_AreForSupervisorsQaAndAdmins_NotAgents()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("agent")).GetAsync("/api/v1/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientForAsync("qa")).GetAsync("/api/v1/surveys")).StatusCode);
        var export = await (await app.ClientForAsync("supervisor")).GetAsync("/api/v1/surveys/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.True((await export.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    private async Task<(string CallId, string Agent, string Queue, string Phone)> AnsweredCallAsync(bool? consent)
    {
        var queue = await calls.NewQueueAsync();
        var hotline = await calls.NewHotlineAsync(queue);
        var agent = await calls.NewAgentAsync(queue);
        await calls.SetStateAsync(agent, "Available");
        var callId = CallDriver.NewCallId();
        var phone = TestData.Mobile();
        await calls.IncomingAsync(callId, hotline, phone);
        calls.Advance(3);
        await calls.PostAsync(calls.Event("call.answered", callId, 0, new { agent }));
        calls.Advance(60);
        await calls.PostAsync(consent is null
            ? calls.Event("call.ended", callId, 0, new { by = "caller" })
            : calls.Event("call.ended", callId, 0, new { by = "caller", surveyConsent = consent }));
        return (callId, agent, queue, phone);
    }

    private Task<int> SendDueAsync() => app.Services.GetRequiredService<OutboxDispatcher>().SendDueAsync(CancellationToken.None);

    private async Task<JsonElement> SurveysAsync(string query)
    {
        var response = await (await app.ClientForAsync("supervisor")).GetAsync("/api/v1/surveys?" + query);
        var json = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    private async Task<List<JsonElement>> DevSmsAsync(string phone)
    {
        var response = await (await app.ClientForAsync("admin")).GetAsync("/api/v1/dev/sms?to=" + Uri.EscapeDataString(phone));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
    }

    internal static string TokenFrom(string text) => LinkToken().Match(text) is { Success: true } m ? m.Groups["token"].Value : throw new InvalidOperationException("No survey link in: " + text);

    [GeneratedRegex(@"/s/(?<token>[A-Za-z0-9_-]{20,})", RegexOptions.ExplicitCapture, 1000)]
    private static partial Regex LinkToken();
}
