using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kefu.Web.Data;
using Kefu.Web.Features.Complaints.Mail;
using Kefu.Web.Infrastructure;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kefu.Web.Features.Notifications;

/// <summary>Sends outbox messages of one channel. Throws when the message could not be sent; the outbox retries it.</summary>
public interface INotificationSender
{
    /// <summary>sms, app or email.</summary>
    string Channel { get; }

    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>An SMS gateway. The development sink is the one Kefu ships; a provider's gateway is the second implementation.</summary>
public interface ISmsProvider
{
    Task SendAsync(Guid messageId, string to, string text, CancellationToken cancellationToken);
}

/// <summary>Settings of the outbox and its senders (<c>Kefu:Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Kefu:Notifications";

    /// <summary>Attempts before a message is marked failed (an Admin can retry it).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the second attempt; doubled for each further one, with ±20 % jitter.</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    /// <summary>The longest wait between two attempts.</summary>
    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How long a claim on a message holds; longer than any sender's timeout, so a slow send is not taken over.</summary>
    public double LeaseSeconds { get; set; } = 300;

    /// <summary>How often the sender looks for due messages (it also wakes when this instance writes one).</summary>
    public double PollSeconds { get; set; } = 5;

    public int BatchSize { get; set; } = 20;

    /// <summary>"dev-sink" (the default: messages are stored and shown at /dev/sms) or "none" (SMS messages fail until a gateway is added).</summary>
    public string SmsProvider { get; set; } = "dev-sink";

    /// <summary>App push: the URL of the app's push service (HTTP POST JSON); empty = push is not configured.</summary>
    public string? PushUrl { get; set; }

    /// <summary>App push: the shared secret of the HMAC-SHA256 signature header.</summary>
    public string? PushSecret { get; set; }

    public int PushTimeoutSeconds { get; set; } = 30;
}

/// <summary>Development SMS provider: keeps each text in the store, where Admins read it at /dev/sms.</summary>
internal sealed class DevSmsSink(KefuDbContext db, TimeProvider clock) : ISmsProvider
{
    public async Task SendAsync(Guid messageId, string to, string text, CancellationToken cancellationToken)
    {
        db.Add(new DevSmsMessage { Id = Ids.New(), OutboxMessageId = messageId, To = to, Text = text, At = clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
    }
}

internal sealed class SmsNotificationSender(IServiceProvider services) : INotificationSender
{
    public string Channel => NotificationChannels.Sms;

    public Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var provider = services.GetService<ISmsProvider>()
            ?? throw new InvalidOperationException("No SMS provider is configured (Kefu:Notifications:SmsProvider).");
        return provider.SendAsync(message.Id, message.Recipient, message.Body, cancellationToken);
    }
}

/// <summary>
/// App push through a webhook: POST JSON to <see cref="NotificationOptions.PushUrl"/> with
/// <c>X-Kefu-Timestamp</c> and <c>X-Kefu-Signature: sha256=HEX</c>, the HMAC-SHA256 of "timestamp.body" under the secret.
/// </summary>
internal sealed class WebhookPushSender(IHttpClientFactory clients, IOptions<NotificationOptions> options, TimeProvider clock) : INotificationSender
{
    public const string SignatureHeader = "X-Kefu-Signature";
    public const string TimestampHeader = "X-Kefu-Timestamp";

    public string Channel => NotificationChannels.App;

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.PushUrl) || string.IsNullOrEmpty(o.PushSecret))
        {
            throw new InvalidOperationException("App push is not configured (Kefu:Notifications:PushUrl and PushSecret).");
        }

        var body = JsonSerializer.Serialize(new { id = message.Id, recipient = message.Recipient, title = message.Subject, body = message.Body, reference = message.Reference });
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.PushUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(o.PushSecret, timestamp, body));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var client = clients.CreateClient(nameof(WebhookPushSender));
        client.Timeout = TimeSpan.FromSeconds(o.PushTimeoutSeconds);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The push service answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }

    /// <summary>Lower-case hex HMAC-SHA256 of "timestamp.body": what a receiver recomputes to check a push.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
}

/// <summary>E-mail through the SMTP sender the complaint mail uses (<see cref="IMailSender"/>, Kefu:Mail).</summary>
internal sealed class EmailNotificationSender(IServiceProvider services, IOptions<MailOptions> mail) : INotificationSender
{
    public string Channel => NotificationChannels.Email;

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var sender = services.GetService<IMailSender>()
            ?? throw new InvalidOperationException("E-mail is not configured (Kefu:Mail:Enabled and Kefu:Mail:Smtp).");
        var from = mail.Value.FromAddress ?? throw new InvalidOperationException("Kefu:Mail:FromAddress is not set.");
        var mime = new MimeMessage { Subject = message.Subject ?? "", MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Split('@').Last()) };
        mime.From.Add(new MailboxAddress(mail.Value.FromName, from));
        mime.To.Add(MailboxAddress.Parse(message.Recipient));
        mime.Body = new TextPart("plain") { Text = message.Body };
        await sender.SendAsync(mime, cancellationToken);
    }
}
