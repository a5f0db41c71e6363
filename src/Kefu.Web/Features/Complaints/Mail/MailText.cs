using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>Reading and writing the parts of an e-mail Kefu cares about. Pure functions: unit tests call them directly.</summary>
public static partial class MailText
{
    /// <summary>A case number as given to customers (TS-yyyyMMdd-XXXXXX), found anywhere in a subject.</summary>
    [GeneratedRegex(@"\bTS-\d{8}-[0-9A-F]{6}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CaseNumberPattern();

    public static string? CaseNumber(string? subject)
    {
        var match = string.IsNullOrEmpty(subject) ? null : CaseNumberPattern().Match(subject);
        return match is { Success: true } ? match.Value.ToUpperInvariant() : null;
    }

    /// <summary>The message's Message-Id; for one without, a hash of its content, so that reading it again is still recognized.</summary>
    public static string Identify(MimeMessage message)
    {
        if (!string.IsNullOrWhiteSpace(message.MessageId))
        {
            var id = message.MessageId.Trim();
            return id.Length > 500 ? id[..500] : id;
        }

        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>Message-Ids this message answers (In-Reply-To first, then References, newest last).</summary>
    public static IReadOnlyList<string> ReferencedIds(MimeMessage message)
    {
        var ids = new List<string>();
        if (!string.IsNullOrWhiteSpace(message.InReplyTo))
        {
            ids.Add(message.InReplyTo.Trim());
        }

        ids.AddRange(message.References.Where(r => !string.IsNullOrWhiteSpace(r)).Reverse());
        return ids.Distinct(StringComparer.Ordinal).Take(50).ToList();
    }

    /// <summary>
    /// Auto-replies, bounces and list mail (RFC 3834 Auto-Submitted, Precedence, a mailer-daemon sender). Answering
    /// them with an acknowledgement could start a mail loop with another robot, and they are no complaint.
    /// </summary>
    public static bool IsAutomated(MimeMessage message)
    {
        var autoSubmitted = message.Headers["Auto-Submitted"];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var precedence = message.Headers["Precedence"]?.Trim();
        if (precedence is not null && (precedence.Equals("bulk", StringComparison.OrdinalIgnoreCase) || precedence.Equals("junk", StringComparison.OrdinalIgnoreCase)
                || precedence.Equals("list", StringComparison.OrdinalIgnoreCase) || precedence.Equals("auto_reply", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond"))
        {
            return true;
        }

        var from = message.From.Mailboxes.FirstOrDefault()?.LocalPart;
        return from is not null && (from.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase) || from.Equals("postmaster", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The text the customer wrote: the plain-text body (or the HTML body as text), without the quoted earlier mail.</summary>
    public static string Body(MimeMessage message)
    {
        var text = message.TextBody ?? (message.HtmlBody is { } html ? HtmlToText(html) : "");
        return WithoutQuotedReply(text);
    }

    /// <summary>Drops quoted lines ("> …") and everything from a reply header ("On … wrote:", "…写道：", "-----Original Message-----") on.</summary>
    public static string WithoutQuotedReply(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var kept = new List<string>();
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (IsReplyHeader(trimmed))
            {
                break;
            }

            if (!trimmed.StartsWith('>'))
            {
                kept.Add(line.TrimEnd());
            }
        }

        var result = string.Join('\n', kept).Trim();
        // A message that is nothing but a quote (a bare forward) keeps its text rather than becoming empty.
        return result.Length > 0 ? CollapseBlankLines(result) : text.Trim();
    }

    private static bool IsReplyHeader(string line) =>
        line.StartsWith("-----Original Message", StringComparison.OrdinalIgnoreCase)
        || line.StartsWith("-----原始邮件", StringComparison.Ordinal)
        || line.StartsWith("------------------ 原始邮件", StringComparison.Ordinal)
        || (line.StartsWith("On ", StringComparison.Ordinal) && line.EndsWith("wrote:", StringComparison.Ordinal))
        || line.EndsWith("写道：", StringComparison.Ordinal) || line.EndsWith("写道:", StringComparison.Ordinal);

    private static string CollapseBlankLines(string text)
    {
        var builder = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var line in text.Split('\n'))
        {
            blank = line.Length == 0 ? blank + 1 : 0;
            if (blank <= 1)
            {
                builder.Append(line).Append('\n');
            }
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary>The visible text of an HTML body: script and style dropped, block elements as line breaks.</summary>
    public static string HtmlToText(string html)
    {
        var text = new StringBuilder();
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        var hidden = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken { Id: HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head } tag:
                    hidden = Math.Max(0, hidden + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                    break;
                case HtmlTagToken { Id: HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.TR or HtmlTagId.LI or HtmlTagId.BlockQuote or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 }:
                    text.Append('\n');
                    break;
                case HtmlDataToken data when hidden == 0:
                    text.Append(data.Data);
                    break;
            }
        }

        return string.Join('\n', text.ToString().Split('\n').Select(l => l.Trim())).Trim();
    }

    /// <summary>The subject of mail about a case: carries "[TS-…]" so that replies find their way back.</summary>
    public static string Subject(string number, string? subject)
    {
        var text = string.IsNullOrWhiteSpace(subject) ? "关于您的投诉" : subject.Trim();
        return text.Contains(number, StringComparison.OrdinalIgnoreCase) ? text : $"[{number}] {text}";
    }

    /// <summary>An outgoing plain-text message from the support address, with a Message-Id of its own for threading.</summary>
    public static MimeMessage Compose(MailOptions options, MailboxAddress to, string subject, string body, DateTimeOffset date, string? inReplyTo = null, IEnumerable<string>? references = null)
    {
        var from = new MailboxAddress(options.FromName, options.FromAddress ?? throw new InvalidOperationException("Kefu:Mail:FromAddress is not set."));
        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = MimeUtils.GenerateMessageId(from.Domain),
            Date = date,
            Body = new TextPart(TextFormat.Plain) { Text = body },
        };
        message.From.Add(from);
        message.To.Add(to);
        if (!string.IsNullOrWhiteSpace(inReplyTo))
        {
            message.InReplyTo = inReplyTo;
            foreach (var reference in references ?? [])
            {
                message.References.Add(reference);
            }

            message.References.Add(inReplyTo);
        }

        return message;
    }

    /// <summary>The customer's name as the mail gives it: the display name, else the address's local part.</summary>
    public static string SenderName(MailboxAddress from)
    {
        var name = string.IsNullOrWhiteSpace(from.Name) ? from.LocalPart : from.Name.Trim();
        name = string.IsNullOrWhiteSpace(name) ? from.Address : name;
        return name.Length > 100 ? name[..100] : name;
    }

    public static string Cut(string text, int maxLength) => text.Length <= maxLength ? text : text[..(maxLength - 1)] + "…";
}
