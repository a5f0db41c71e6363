using Kefu.Web.Features.Complaints.Mail;
using MimeKit;

namespace Kefu.UnitTests.Complaints;

public sealed class MailTextTests
{
    [Theory]
    [InlineData("Re: [TS-20261123-3F2A9C] 我们已收到您的投诉", "TS-20261123-3F2A9C")]
    [InlineData("回复：关于 ts-20261123-3f2a9c 的进展", "TS-20261123-3F2A9C")]
    [InlineData("订单 KF202611210007 没到", null)]
    [InlineData("XTS-20261123-3F2A9C", null)]
    [InlineData(null, null)]
    public void CaseNumber_IsFoundAnywhereInTheSubject(string? subject, string? expected) =>
        Assert.Equal(expected, MailText.CaseNumber(subject));

    [Fact]
    public void Subject_CarriesTheCaseNumberOnce()
    {
        Assert.Equal("[TS-20261123-3F2A9C] 处理进展", MailText.Subject("TS-20261123-3F2A9C", "处理进展"));
        Assert.Equal("Re: [TS-20261123-3F2A9C] 处理进展", MailText.Subject("TS-20261123-3F2A9C", "Re: [TS-20261123-3F2A9C] 处理进展"));
        Assert.Equal("[TS-20261123-3F2A9C] 关于您的投诉", MailText.Subject("TS-20261123-3F2A9C", " "));
    }

    [Fact]
    public void Body_DropsTheQuotedEarlierMail()
    {
        var text = "补充一张截图。\r\n\r\n\r\n谢谢\r\n\r\n在 2026年11月23日 10:00，客服中心 <kefu@example.com> 写道：\r\n> 我们已收到您的来信\r\n> 编号 TS-20261123-3F2A9C";

        Assert.Equal("补充一张截图。\n\n谢谢", MailText.WithoutQuotedReply(text));
        Assert.Equal("Thanks!", MailText.WithoutQuotedReply("Thanks!\n\nOn Mon, 23 Nov 2026 Kefu <kefu@example.com> wrote:\n> hello"));
        Assert.Equal("> only a quote", MailText.WithoutQuotedReply("> only a quote"));
    }

    [Fact]
    public void HtmlBody_BecomesItsVisibleText()
    {
        var html = "<html><head><style>p{color:red}</style></head><body><p>包裹&nbsp;破损</p><div>请尽快处理<br>谢谢</div><script>alert(1)</script></body></html>";

        var text = MailText.HtmlToText(html);

        Assert.Equal("包裹\u00a0破损\n\n请尽快处理\n谢谢", text);
        Assert.DoesNotContain("alert", text, StringComparison.Ordinal);
        Assert.DoesNotContain("color", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", true)]
    [InlineData("Auto-Submitted", "no", false)]
    [InlineData("Precedence", "bulk", true)]
    [InlineData("X-Autoreply", "yes", true)]
    [InlineData("X-Mailer", "Foxmail", false)]
    public void AutomatedMail_IsRecognizedByItsHeaders(string header, string value, bool automated)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("wang@example.com"));
        message.Headers.Add(header, value);

        Assert.Equal(automated, MailText.IsAutomated(message));
    }

    [Fact]
    public void Bounce_FromTheMailerDaemon_IsAutomated()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("MAILER-DAEMON@mail.example.com"));

        Assert.True(MailText.IsAutomated(message));
    }

    [Fact]
    public void MessageWithoutAnId_IsIdentifiedByItsContent_TheSameEachTime()
    {
        var message = new MimeMessage { Subject = "无编号", Body = new TextPart("plain") { Text = "你好" } };
        message.From.Add(MailboxAddress.Parse("wang@example.com"));
        message.Headers.Remove(HeaderId.MessageId);

        var first = MailText.Identify(message);

        Assert.StartsWith("sha256:", first, StringComparison.Ordinal);
        Assert.Equal(first, MailText.Identify(message));
    }

    [Fact]
    public void SenderName_IsTheDisplayName_ElseTheLocalPart()
    {
        Assert.Equal("王先生", MailText.SenderName(new MailboxAddress("王先生", "wang@example.com")));
        Assert.Equal("wang.lei", MailText.SenderName(new MailboxAddress("", "wang.lei@example.com")));
    }
}
