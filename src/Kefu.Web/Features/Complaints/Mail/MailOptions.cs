using MailKit.Security;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>The support mailbox and the outgoing mail server (<c>Kefu:Mail:*</c>). Off unless <see cref="Enabled"/>.</summary>
public sealed class MailOptions
{
    public const string Section = "Kefu:Mail";

    /// <summary>Turns on the mailbox poller and outgoing mail; everything else here is ignored while false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where customers' mail is read (the support mailbox).</summary>
    public MailServerOptions Imap { get; set; } = new() { Port = 993, UseTls = SecureSocketOptions.SslOnConnect };

    /// <summary>Where acknowledgements and agents' replies are sent through.</summary>
    public MailServerOptions Smtp { get; set; } = new() { Port = 587, UseTls = SecureSocketOptions.StartTls };

    /// <summary>The support address customers write to and see as the sender, e.g. kefu@example.com.</summary>
    public string? FromAddress { get; set; }

    public string FromName { get; set; } = "客服中心";

    /// <summary>Public address of Kefu (e.g. https://kefu.example.com); when set, acknowledgements carry the customer's tracking link.</summary>
    public string? TrackingBaseUrl { get; set; }

    public int PollSeconds { get; set; } = 60;

    /// <summary>Category (id, code or name) of complaints that arrive by mail; agents re-categorize them in step 1.</summary>
    public string IntakeCategory { get; set; } = "OTHER";

    /// <summary>The folder the poller reads.</summary>
    public string Mailbox { get; set; } = "INBOX";

    /// <summary>
    /// Where processed mail is moved ("/" separates levels, created if missing), so that the inbox shows only what is
    /// still to do. Empty: processed mail stays in <see cref="Mailbox"/>, marked \Seen.
    /// </summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>Messages handled per poll, so one huge backlog cannot hold a poll (and its IMAP connection) for long.</summary>
    public int MaxMessagesPerPoll { get; set; } = 50;

    /// <summary>Seconds before a connect, a command or a send gives up.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Whether outgoing mail can be sent: a sender address and an SMTP host are set.</summary>
    public bool CanSend => Enabled && !string.IsNullOrWhiteSpace(FromAddress) && !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class MailServerOptions
{
    public string? Host { get; set; }
    public int Port { get; set; }
    public string? User { get; set; }
    public string? Password { get; set; }

    /// <summary>None, StartTls, SslOnConnect (or Auto, StartTlsWhenAvailable): MailKit's <see cref="SecureSocketOptions"/>.</summary>
    public SecureSocketOptions UseTls { get; set; } = SecureSocketOptions.Auto;
}
