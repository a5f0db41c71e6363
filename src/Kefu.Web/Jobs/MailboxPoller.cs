using Kefu.Web.Data;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Complaints.Mail;
using Kefu.Web.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kefu.Web.Jobs;

/// <summary>
/// Reads the support mailbox over IMAP every Kefu:Mail:PollSeconds and hands each unread message to
/// <see cref="InboundMail"/>. A handled message is flagged \Seen (and moved to the processed folder when one is
/// configured); one that failed stays unread and is tried again on the next poll. Several instances may poll the
/// same mailbox: the stored Message-Id decides which of them handles a message.
/// </summary>
public sealed class MailboxPoller(IServiceScopeFactory scopes, IOptions<MailOptions> options, TimeProvider clock, ILogger<MailboxPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(5, options.Value.PollSeconds)), clock);
        do
        {
            try
            {
                var result = await PollOnceAsync(scopes, options.Value, clock, logger, stoppingToken);
                if (result.Created + result.Threaded + result.Failed > 0)
                {
                    logger.LogInformation("Mailbox poll: {Created} new complaints, {Threaded} replies threaded, {Ignored} ignored, {Failed} failed",
                        result.Created, result.Threaded, result.Ignored, result.Failed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The mail server or the store is briefly away: unread mail stays unread and is read on the next tick.
                logger.LogWarning(e, "Mailbox poll failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public sealed record PollResult(int Created, int Threaded, int Ignored, int AlreadyProcessed, int Failed);

    /// <summary>One pass over the unread mail of the support mailbox. Throws when the IMAP server cannot be used.</summary>
    public static async Task<PollResult> PollOnceAsync(IServiceScopeFactory scopes, MailOptions mail, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        using var client = new ImapClient { Timeout = mail.TimeoutSeconds * 1000 };
        await client.ConnectAsync(mail.Imap.Host ?? throw new InvalidOperationException("Kefu:Mail:Imap:Host is not set."), mail.Imap.Port, mail.Imap.UseTls, cancellationToken);
        if (!string.IsNullOrEmpty(mail.Imap.User))
        {
            await client.AuthenticateAsync(mail.Imap.User, mail.Imap.Password ?? "", cancellationToken);
        }

        var inbox = string.Equals(mail.Mailbox, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(mail.Mailbox, cancellationToken);
        var processed = string.IsNullOrWhiteSpace(mail.ProcessedFolder) ? null : await FolderAsync(client, mail.ProcessedFolder, cancellationToken);
        await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var unread = await inbox.SearchAsync(SearchQuery.NotSeen, cancellationToken);

        var settings = await SettingsAsync(scopes, mail);
        var counts = new Dictionary<InboundMail.Result, int>();
        var failed = 0;
        foreach (var uid in unread.Take(Math.Max(1, mail.MaxMessagesPerPoll)))
        {
            InboundMail.Outcome outcome;
            try
            {
                var message = await inbox.GetMessageAsync(uid, cancellationToken);
                outcome = await ProcessAsync(scopes, message, settings, clock, cancellationToken);
            }
            catch (MessageNotFoundException)
            {
                continue; // another instance polling the same mailbox moved it away first
            }
            catch (Exception e) when (e is DomainException or FormatException or ParseException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                // This message, not the connection, is the problem (or the configuration, e.g. no intake owner): leave it unread for the next poll.
                failed++;
                logger.LogWarning(e, "Mail {Uid} could not be handled; it stays unread and is tried again on the next poll", uid.Id);
                continue;
            }

            counts[outcome.Result] = counts.GetValueOrDefault(outcome.Result) + 1;
            if (outcome.AcknowledgementError is not null)
            {
                logger.LogWarning("Acknowledgement for complaint {Number} was not sent: {Error}", outcome.Number, outcome.AcknowledgementError);
            }

            await inbox.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, cancellationToken);
            if (processed is not null)
            {
                await inbox.MoveToAsync(uid, processed, cancellationToken);
            }
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        return new PollResult(counts.GetValueOrDefault(InboundMail.Result.Created), counts.GetValueOrDefault(InboundMail.Result.Threaded),
            counts.GetValueOrDefault(InboundMail.Result.Ignored), counts.GetValueOrDefault(InboundMail.Result.AlreadyProcessed), failed);
    }

    /// <summary>Handles one message in a scope of its own; a complaint changed meanwhile by a user is simply tried again.</summary>
    private static async Task<InboundMail.Outcome> ProcessAsync(IServiceScopeFactory scopes, MimeMessage message, InboundMail.Settings settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            try
            {
                return await InboundMail.ProcessAsync(services, services.GetRequiredService<KefuDbContext>(), message, services.GetService<IMailSender>(), settings, clock, cancellationToken);
            }
            catch (StaleVersionException) when (attempt < 3)
            {
                // Next attempt, next scope: reload the complaint at its new version.
            }
        }
    }

    private static async Task<InboundMail.Settings> SettingsAsync(IServiceScopeFactory scopes, MailOptions mail)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        return new InboundMail.Settings(mail, services.GetRequiredService<IOptions<ComplaintRules>>().Value, services.GetRequiredService<IOptions<AttachmentOptions>>().Value);
    }

    /// <summary>The folder at <paramref name="path"/> ("/"-separated, whatever separator the server uses), created when missing.</summary>
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string path, CancellationToken cancellationToken)
    {
        var folder = client.GetFolder(client.PersonalNamespaces[0]) ?? throw new InvalidOperationException("The IMAP server has no personal folder namespace.");
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var children = await folder.GetSubfoldersAsync(subscribedOnly: false, cancellationToken);
            var parent = folder;
            folder = children.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal))
                ?? await parent.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"The IMAP server did not create the folder '{name}'.");
        }

        return folder;
    }
}
