using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Complaints.Mail;
using Kefu.Web.Jobs;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Kefu.IntegrationTests.Complaints;

/// <summary>
/// The app with mail on, pointed at the throwaway postfix + dovecot of ./test.sh. The background poller is off
/// (jobs disabled): tests send mail, wait until it is delivered, and poll themselves.
/// </summary>
public sealed class MailApp : KefuAppFactory
{
    public const string ProcessedFolder = "Kefu/Processed";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var (imapHost, imapPort) = TestMailServer.Imap;
        builder.UseSetting("Kefu:Jobs:Enabled", "false");
        TestMailServer.UseForSending(builder);
        builder.UseSetting("Kefu:Mail:Imap:Host", imapHost);
        builder.UseSetting("Kefu:Mail:Imap:Port", imapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Kefu:Mail:Imap:User", TestMailServer.SupportAddress);
        builder.UseSetting("Kefu:Mail:Imap:Password", TestMailServer.Password);
        builder.UseSetting("Kefu:Mail:Imap:UseTls", "None");
        builder.UseSetting("Kefu:Mail:ProcessedFolder", ProcessedFolder);
        builder.UseSetting("Kefu:Mail:TrackingBaseUrl", "https://kefu.example.com");
    }

    public Task<MailboxPoller.PollResult> PollAsync() =>
        MailboxPoller.PollOnceAsync(Services.GetRequiredService<IServiceScopeFactory>(), Services.GetRequiredService<IOptions<MailOptions>>().Value,
            TimeProvider.System, NullLogger.Instance, CancellationToken.None);
}

/// <summary>Sends and reads mail on the test server as customers do.</summary>
internal static class TestMail
{
    /// <summary>A customer address no other test uses; it is delivered to the customers' mailbox.</summary>
    public static string NewCustomerAddress()
    {
        var at = TestMailServer.CustomerAddress.IndexOf('@', StringComparison.Ordinal);
        return $"{TestMailServer.CustomerAddress[..at]}+{Guid.NewGuid().ToString("N")[..10]}{TestMailServer.CustomerAddress[at..]}";
    }

    public static MimeMessage Compose(string fromName, string fromAddress, string subject, string text, params (string Name, byte[] Bytes, string Type)[] files) =>
        Compose(TestMailServer.SupportAddress, fromName, fromAddress, subject, text, files);

    public static MimeMessage Compose(string to, string fromName, string fromAddress, string subject, string text, params (string Name, byte[] Bytes, string Type)[] files)
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeUtils.GenerateMessageId("customer.kefu.test"), Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        var body = new BodyBuilder { TextBody = text };
        foreach (var (name, bytes, type) in files)
        {
            body.Attachments.Add(name, bytes, ContentType.Parse(type));
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Sends over real SMTP and waits until dovecot shows it in the support inbox, so that a poll will see it.</summary>
    public static async Task SendToSupportAsync(MimeMessage message)
    {
        using (var smtp = new SmtpClient())
        {
            var (host, port) = TestMailServer.Smtp;
            await smtp.ConnectAsync(host, port, SecureSocketOptions.None);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(quit: true);
        }

        await WaitForAsync(TestMailServer.SupportAddress, SearchQuery.HeaderContains("Message-ID", message.MessageId!).And(SearchQuery.NotSeen));
    }

    /// <summary>The newest message in <paramref name="user"/>'s inbox matching <paramref name="query"/>, waiting up to 20 s for delivery.</summary>
    public static async Task<MimeMessage> WaitForAsync(string user, SearchQuery query)
    {
        using var imap = new ImapClient();
        var (host, port) = TestMailServer.Imap;
        await imap.ConnectAsync(host, port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, TestMailServer.Password);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            // Read-only: looking must not mark the support mailbox's mail \Seen before Kefu polls it.
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var found = await imap.Inbox.SearchAsync(query);
            if (found.Count > 0)
            {
                var message = await imap.Inbox.GetMessageAsync(found[^1]);
                await imap.DisconnectAsync(quit: true);
                return message;
            }

            await imap.Inbox.CloseAsync();
            Assert.True(DateTime.UtcNow < deadline, $"no mail for {user} matching {query} arrived within 20 s");
            await Task.Delay(200);
        }
    }

    public static Task<MimeMessage> WaitForCustomerMailAsync(string address, string subjectPart) =>
        WaitForAsync(TestMailServer.CustomerAddress, SearchQuery.ToContains(address).And(SearchQuery.SubjectContains(subjectPart)));

    public static async Task<bool> InFolderAsync(string user, string folderPath, string messageId)
    {
        using var imap = new ImapClient();
        var (host, port) = TestMailServer.Imap;
        await imap.ConnectAsync(host, port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, TestMailServer.Password);
        var folder = imap.GetFolder(imap.PersonalNamespaces[0])!;
        foreach (var name in folderPath.Split('/'))
        {
            folder = (await folder.GetSubfoldersAsync(false)).Single(f => f.Name == name);
        }

        await folder.OpenAsync(FolderAccess.ReadOnly);
        var found = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
        await imap.DisconnectAsync(quit: true);
        return found.Count > 0;
    }
}

public sealed class MailIntakeTests(MailApp app) : IClassFixture<MailApp>
{
    private async Task<Complaint?> ComplaintForAsync(MimeMessage message)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var complaintId = await db.Set<ComplaintEmail>().AsNoTracking().Where(e => e.MessageId == message.MessageId).Select(e => e.ComplaintId).SingleOrDefaultAsync();
        return complaintId is null ? null : await db.Complaints.AsNoTracking().SingleAsync(c => c.Id == complaintId);
    }

    private async Task<JsonElement> ViewAsync(Guid complaintId)
    {
        var client = await app.ClientForAsync("agent");
        return await (await client.GetAsync($"/api/v1/complaints/{complaintId}")).JsonAsync();
    }

    private static List<JsonElement> Timeline(JsonElement view, string kind) =>
        view.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == kind).ToList();

    /// <summary>A complaint made by a customer's first mail; returns the complaint and the customer's address.</summary>
    private async Task<(Complaint Complaint, string Address, MimeMessage Mail)> ComplaintByMailAsync(string text = "我上周下单的商品至今未发货，请尽快处理。")
    {
        var address = TestMail.NewCustomerAddress();
        var mail = TestMail.Compose("王先生", address, "订单迟迟不发货", text);
        await TestMail.SendToSupportAsync(mail);
        await app.PollAsync();
        var complaint = await ComplaintForAsync(mail);
        Assert.NotNull(complaint);
        return (complaint, address, mail);
    }

    [MailFact]
    public async Task CustomerMail_BecomesAnEmailComplaint_WithPiiMasked_AndIsAcknowledgedWithTheCaseNumber()
    {
        var card = TestData.BankCard();
        var address = TestMail.NewCustomerAddress();
        var mail = TestMail.Compose("王先生", address, "退款一直没有到账", $"你好，我的退款十天了还没到账，卡号 {card}，请帮我查一下。");

        await TestMail.SendToSupportAsync(mail);
        var poll = await app.PollAsync();

        Assert.True(poll.Created >= 1, $"poll: {poll}");
        var complaint = await ComplaintForAsync(mail);
        Assert.NotNull(complaint);
        Assert.Equal(ComplaintChannel.Email, complaint.Channel);
        Assert.Equal(ComplaintSeverity.Medium, complaint.Severity);
        Assert.StartsWith("退款一直没有到账", complaint.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(card, complaint.Summary, StringComparison.Ordinal);
        Assert.Contains(card[..4] + " **** ", complaint.Summary, StringComparison.Ordinal);

        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == complaint.CustomerId);
            Assert.Equal(address, customer.Email);
            Assert.Equal("王先生", customer.Name);
            Assert.Equal("OTHER", await db.ComplaintCategories.Where(c => c.Id == complaint.CategoryId).Select(c => c.Code).SingleAsync());
            Assert.DoesNotContain(await db.ComplaintEvents.AsNoTracking().Where(e => e.ComplaintId == complaint.Id).Select(e => e.Text).ToListAsync(),
                t => t.Contains(card, StringComparison.Ordinal));
        }

        var acknowledgement = await TestMail.WaitForCustomerMailAsync(address, complaint.Number);
        Assert.Contains($"[{complaint.Number}]", acknowledgement.Subject, StringComparison.Ordinal);
        Assert.Contains(complaint.Number, acknowledgement.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://kefu.example.com/track/{complaint.Number}?t={complaint.TrackingToken}", acknowledgement.TextBody, StringComparison.Ordinal);
        Assert.Equal(mail.MessageId, acknowledgement.InReplyTo);
        Assert.Equal(TestMailServer.SupportAddress, acknowledgement.From.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", acknowledgement.Headers["Auto-Submitted"]);
        Assert.True(await TestMail.InFolderAsync(TestMailServer.SupportAddress, MailApp.ProcessedFolder, mail.MessageId!), "the handled mail is moved to the processed folder");

        var view = await ViewAsync(complaint.Id);
        Assert.Single(Timeline(view, "email-in"));
        Assert.Single(Timeline(view, "email-out"));
    }

    [MailFact]
    public async Task MailFromAKnownCustomer_IsMatchedByAddress_IgnoringCase()
    {
        var address = TestMail.NewCustomerAddress();
        var client = await app.ClientForAsync("agent");
        var created = await client.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("赵女士"), phone = TestData.Mobile(), email = address.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var customerId = (await created.JsonAsync()).GetProperty("id").GetGuid();

        var mail = TestMail.Compose("Zhao", address, "发票开错了", "发票抬头写错了，请重新开具。");
        await TestMail.SendToSupportAsync(mail);
        await app.PollAsync();

        var complaint = await ComplaintForAsync(mail);
        Assert.NotNull(complaint);
        Assert.Equal(customerId, complaint.CustomerId);
    }

    [MailFact]
    public async Task ReplyWithTheCaseNumber_ThreadsIntoTheSameComplaint_StoringThePng_AndNotingTheRefusedFile()
    {
        var (complaint, address, _) = await ComplaintByMailAsync();
        var reply = TestMail.Compose("王先生", address, $"Re: [{complaint.Number}] 我们已收到您的投诉", "补充一张付款截图。\n\n> 我们已收到您的来信",
            ("付款截图.png", Files.Png, "image/png"), ("invoice.exe", Files.Exe, "application/octet-stream"));

        await TestMail.SendToSupportAsync(reply);
        var poll = await app.PollAsync();

        Assert.Equal(0, poll.Created);
        Assert.True(poll.Threaded >= 1, $"poll: {poll}");
        Assert.Equal(complaint.Id, (await ComplaintForAsync(reply))?.Id);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            Assert.Equal(1, await db.Complaints.CountAsync(c => c.CustomerId == complaint.CustomerId));
            var stored = await db.Set<ComplaintAttachment>().AsNoTracking().SingleAsync(a => a.ComplaintId == complaint.Id);
            Assert.Equal(("image/png", "Email", "付款截图.png"), (stored.ContentType, stored.Source, stored.FileName));
            Assert.Equal(Files.Png, (await db.Set<AttachmentContent>().AsNoTracking().SingleAsync(c => c.Id == stored.Id)).Bytes);
        }

        var view = await ViewAsync(complaint.Id);
        var replies = Timeline(view, "email-in");
        Assert.Equal(2, replies.Count);
        Assert.Contains("补充一张付款截图", replies[^1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("我们已收到您的来信", replies[^1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("invoice.exe", Assert.Single(Timeline(view, "evidence-skipped")).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [MailFact]
    public async Task PollingAgain_AndTheSameMailDeliveredTwice_ProcessNothingTwice()
    {
        var (complaint, address, mail) = await ComplaintByMailAsync();

        var second = await app.PollAsync();
        await TestMail.SendToSupportAsync(mail); // a re-delivery: same Message-Id, a new copy in the inbox
        var third = await app.PollAsync();

        Assert.Equal((0, 0), (second.Created, second.Threaded));
        Assert.Equal((0, 0), (third.Created, third.Threaded));
        Assert.True(third.AlreadyProcessed >= 1, $"poll: {third}");
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        Assert.Equal(1, await db.Complaints.CountAsync(c => c.CustomerId == complaint.CustomerId));
        Assert.Equal(1, await db.Set<ComplaintEmail>().CountAsync(e => e.MessageId == mail.MessageId));
        Assert.Equal(1, await db.Set<ComplaintEmail>().CountAsync(e => e.ComplaintId == complaint.Id && e.Outcome == "acknowledgement"));
        Assert.NotNull(await TestMail.WaitForCustomerMailAsync(address, complaint.Number));
    }

    [MailFact]
    public async Task AgentMail_ArrivesWithTheCaseNumber_AndTheCustomersAnswerThreadsBackByInReplyTo()
    {
        var address = TestMail.NewCustomerAddress();
        var client = await app.ClientForAsync("agent");
        var customer = await client.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("钱先生"), phone = TestData.Mobile(), email = address });
        var customerId = (await customer.JsonAsync()).GetProperty("id").GetGuid();
        var driver = await ComplaintDriver.StartAsync(app, customerId: customerId);
        var number = driver.Last.GetProperty("number").GetString()!;
        var card = TestData.BankCard("622848001234567");

        var response = await client.PostAsJsonAsync($"/api/v1/complaints/{driver.Id}/emails", new { subject = "处理进展", body = $"您好，退款已退回尾号卡 {card}，预计三个工作日到账。" });

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var view = await response.JsonAsync();
        var sentEntry = Assert.Single(Timeline(view, "email-out")).GetProperty("text").GetString()!;
        Assert.Contains($"[{number}] 处理进展", sentEntry, StringComparison.Ordinal);
        Assert.DoesNotContain(card, sentEntry, StringComparison.Ordinal);

        var received = await TestMail.WaitForCustomerMailAsync(address, number);
        Assert.Equal($"[{number}] 处理进展", received.Subject);
        Assert.Contains("预计三个工作日到账", received.TextBody, StringComparison.Ordinal);

        // The customer's program answers without the number in the subject: the In-Reply-To header alone must find the case.
        var answer = TestMail.Compose("钱先生", address, "Re: 处理进展", "收到，谢谢。");
        answer.InReplyTo = received.MessageId;
        answer.References.Add(received.MessageId!);
        await TestMail.SendToSupportAsync(answer);
        var poll = await app.PollAsync();

        Assert.Equal(0, poll.Created);
        Assert.Equal(driver.Id, (await ComplaintForAsync(answer))?.Id);
        await driver.RefreshAsync();
        Assert.Contains("收到，谢谢", Assert.Single(Timeline(driver.Last, "email-in")).GetProperty("text").GetString(), StringComparison.Ordinal);
        var emails = await (await client.GetAsync($"/api/v1/complaints/{driver.Id}/emails")).JsonAsync();
        Assert.Equal(["Outbound", "Inbound"], emails.EnumerateArray().Select(e => e.GetProperty("direction").GetString()!).ToArray());
    }

    [MailFact]
    public async Task AgentMail_ToACustomerWithoutAnAddress_Is400NamingEmail()
    {
        var driver = await ComplaintDriver.StartAsync(app);

        var response = await driver.Client.PostAsJsonAsync($"/api/v1/complaints/{driver.Id}/emails", new { body = "您好" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("email", out _));
    }

    [MailFact]
    public async Task AutoReply_IsIgnored_AndNotAcknowledged()
    {
        var address = TestMail.NewCustomerAddress();
        var mail = TestMail.Compose("Out of office", address, "自动回复：我正在休假", "我正在休假，回来后回复您。");
        mail.Headers.Add("Auto-Submitted", "auto-replied");

        await TestMail.SendToSupportAsync(mail);
        var poll = await app.PollAsync();

        Assert.True(poll.Ignored >= 1, $"poll: {poll}");
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var row = await db.Set<ComplaintEmail>().AsNoTracking().SingleAsync(e => e.MessageId == mail.MessageId);
        Assert.Equal((null, "ignored:automated"), (row.ComplaintId, row.Outcome));
        Assert.False(await db.Customers.AnyAsync(c => c.Email == address));
    }
}

/// <summary>Mail behaviour that needs no mail server: the shared app has mail off.</summary>
[Collection(AppCollection.Name)]
public sealed class MailWithoutServerTests(KefuAppFactory app)
{
    [Fact]
    public async Task AgentMail_WhenMailIsNotEnabled_Is503ProblemDetails()
    {
        var driver = await ComplaintDriver.StartAsync(app);

        var response = await driver.Client.PostAsJsonAsync($"/api/v1/complaints/{driver.Id}/emails", new { body = "您好" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Kefu:Mail:Enabled", (await response.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameMailHandledByTwoInstancesAtOnce_MakesOneComplaint()
    {
        var address = $"race+{Guid.NewGuid():N}@example.com";
        var mail = TestMail.Compose("support@example.com", "孙女士", address, "重复扣费", "同一笔订单被扣了两次钱。");
        var settings = new InboundMail.Settings(new MailOptions(), new ComplaintRules(), new AttachmentOptions());

        async Task<InboundMail.Outcome> InstanceAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            return await InboundMail.ProcessAsync(scope.ServiceProvider, db, mail, sender: null, settings, TimeProvider.System, CancellationToken.None);
        }

        var outcomes = await Task.WhenAll(InstanceAsync(), InstanceAsync());

        Assert.Equal([InboundMail.Result.Created, InboundMail.Result.AlreadyProcessed], outcomes.Select(o => o.Result).Order().ToArray());
        using var check = app.Services.CreateScope();
        var store = check.ServiceProvider.GetRequiredService<KefuDbContext>();
        var customerIds = await store.Customers.Where(c => c.Email == address).Select(c => c.Id).ToListAsync();
        Assert.Equal(1, await store.Complaints.CountAsync(c => customerIds.Contains(c.CustomerId)));

        // Whichever instance checks first, the store itself refuses a second row for the Message-Id.
        store.Add(InboundMail.Row(mail.MessageId!, EmailDirection.Inbound, null, null, "created", DateTime.UtcNow));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => store.SaveChangesAsync());
    }

    [Fact]
    public async Task Poller_WhenTheMailServerIsUnreachable_LogsAWarningAndKeepsRunning()
    {
        var logger = new ListLogger();
        var options = Options.Create(new MailOptions
        {
            Enabled = true,
            PollSeconds = 5,
            Imap = new MailServerOptions { Host = "127.0.0.1", Port = 1, UseTls = SecureSocketOptions.None },
        });
        using var poller = new MailboxPoller(app.Services.GetRequiredService<IServiceScopeFactory>(), options, TimeProvider.System, logger);

        await poller.StartAsync(CancellationToken.None);
        for (var i = 0; i < 100 && !logger.Warnings.Any(); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(logger.Warnings, w => w.Contains("retrying on the next tick", StringComparison.Ordinal));
        Assert.False(poller.ExecuteTask!.IsCompleted, "the poller keeps running after a failed poll");
        await poller.StopAsync(CancellationToken.None);
    }

    private sealed class ListLogger : ILogger<MailboxPoller>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> warnings = new();

        public IEnumerable<string> Warnings => warnings;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
