using Kefu.Web.Features.Calls;

namespace Kefu.Web.Jobs;

/// <summary>Escalates overdue promised callbacks once each (owner and supervisors are notified); safe with many instances.</summary>
public sealed class CallbackSweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<CallbackSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), clock);
        do
        {
            try
            {
                var escalated = await CallCallbacks.SweepOverdueAsync(scopes, clock, stoppingToken);
                if (escalated > 0)
                {
                    logger.LogInformation("Callback sweep: {Escalated} overdue callbacks escalated", escalated);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Callback sweep failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
