using Kefu.IntegrationTests.Complaints;
using Kefu.Tests.Shared;
using Kefu.Web.Features.Insights;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Insights;

/// <summary>SMTP pointed at the throwaway mail server of ./test.sh, one report recipient, the clock an hour before the send time.</summary>
public sealed class MonthlyMailApp : KefuAppFactory
{
    public MonthlyMailApp()
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero)); // 2026-11-01 07:00 China time
        Recipient = TestMailServer.IsConfigured ? TestMail.NewCustomerAddress() : "nobody@example.com";
    }

    public string Recipient { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!TestMailServer.IsConfigured)
        {
            return;
        }

        TestMailServer.UseForSending(builder);
        builder.UseSetting("Kefu:Reports:MonthlyRecipients:0", Recipient);
    }
}

public sealed class MonthlyReportMailTests(MonthlyMailApp app) : IClassFixture<MonthlyMailApp>
{
    [MailFact]
    public async Task LastMonthsReport_IsMailedOnceWithPdfAndExcel_WhenItsSendTimeHasCome()
    {
        Assert.False(await MonthlyReportDelivery.SendDueAsync(app.Services, "a", CancellationToken.None), "07:00 on the 1st is before the 08:00 send time");

        app.Clock!.Advance(TimeSpan.FromHours(2));
        var sent = await Task.WhenAll(MonthlyReportDelivery.SendDueAsync(app.Services, "a", CancellationToken.None),
            MonthlyReportDelivery.SendDueAsync(app.Services, "b", CancellationToken.None));
        Assert.Equal(1, sent.Count(s => s));
        Assert.False(await MonthlyReportDelivery.SendDueAsync(app.Services, "c", CancellationToken.None), "sent already");

        var mail = await TestMail.WaitForCustomerMailAsync(app.Recipient, "2026-10");
        Assert.Contains("月度服务报告", mail.Subject, StringComparison.Ordinal);
        var names = mail.Attachments.Select(a => a.ContentDisposition?.FileName).ToList();
        Assert.Contains("kefu-monthly-2026-10.pdf", names);
        Assert.Contains("kefu-monthly-2026-10.xlsx", names);
    }
}
