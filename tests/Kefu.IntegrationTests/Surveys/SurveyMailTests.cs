using System.Net;
using System.Net.Http.Json;
using Kefu.IntegrationTests.Calls;
using Kefu.IntegrationTests.Complaints;
using Kefu.Tests.Shared;
using Kefu.Web.Features.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Surveys;

/// <summary>The app with SMTP pointed at the throwaway mail server of ./test.sh and surveys preferring e-mail.</summary>
public sealed class SurveyMailApp : KefuAppFactory
{
    public SurveyMailApp()
    {
        Clock = new FakeTimeProvider(CallCenterApp.Start);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!TestMailServer.IsConfigured)
        {
            return;
        }

        TestMailServer.UseForSending(builder);
        builder.UseSetting("Kefu:Surveys:Channel", "email");
        builder.UseSetting("Kefu:Surveys:PublicBaseUrl", "https://kefu.example.com");
    }
}

public sealed class SurveyMailTests(SurveyMailApp app) : IClassFixture<SurveyMailApp>
{
    [MailFact]
    public async Task AClosedComplaintsSurveyInvitation_GoesOutOverSmtp_AndArrivesInTheCustomersMailbox()
    {
        var address = TestMail.NewCustomerAddress();
        var agent = await app.ClientForAsync("agent");
        var created = await agent.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("邮件客户"), phone = TestData.Mobile(), email = address });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var complaint = await ComplaintDriver.StartAsync(app, customerId: (await created.JsonAsync()).GetProperty("id").GetGuid());
        await complaint.CloseExplainedAsync();

        Assert.True(await app.Services.GetRequiredService<OutboxDispatcher>().SendDueAsync(CancellationToken.None) >= 1);

        var mail = await TestMail.WaitForCustomerMailAsync(address, "评分");
        Assert.Contains("https://kefu.example.com/s/", mail.TextBody, StringComparison.Ordinal);
        var token = SurveyTests.TokenFrom(mail.TextBody ?? "");
        var survey = await (await app.CreateClient().GetAsync($"/api/v1/public/surveys/{token}")).JsonAsync();
        Assert.Equal("complaint", survey.GetProperty("kind").GetString());
    }
}
