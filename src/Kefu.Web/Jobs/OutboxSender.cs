using Kefu.Web.Features.Notifications;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Jobs;

/// <summary>Sends due outbox messages (survey invitations by SMS, app push, e-mail) every few seconds, and at once when this instance writes one.</summary>
public sealed class OutboxSender(OutboxDispatcher dispatcher, OutboxSignal signal, TimeProvider clock, IOptions<NotificationOptions> options,
    ILogger<OutboxSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(0.2, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more may be due: go again without waiting.
                while (await dispatcher.SendDueAsync(stoppingToken) >= Math.Max(1, options.Value.BatchSize))
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox sending failed; retrying at the next poll");
            }

            await signal.WaitAsync(poll, clock, stoppingToken);
        }
    }
}
