using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>Sends one message. SMTP in production; a development sink is the second implementation.</summary>
public interface IMailSender
{
    /// <summary>Sends <paramref name="message"/> as built (its Message-Id is kept); throws <see cref="MailDeliveryException"/> when the server cannot be used.</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>The mail server refused or could not be reached; nothing was sent.</summary>
public sealed class MailDeliveryException(string message, Exception inner) : Exception(message, inner);

/// <summary>Sends over SMTP with MailKit, one connection per message (agents' replies are few; no pool to go stale).</summary>
internal sealed class SmtpMailSender(IOptions<MailOptions> options) : IMailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient { Timeout = options.Value.TimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Kefu:Mail:Smtp:Host is not set."), smtp.Port, smtp.UseTls, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException
                                      or MailKit.CommandException or MailKit.Security.AuthenticationException or TimeoutException
                                      or MailKit.Security.SslHandshakeException)
        {
            throw new MailDeliveryException($"The mail server {smtp.Host}:{smtp.Port} could not send the message: {e.Message}", e);
        }
    }
}
