using Kefu.Web.Features.Calls;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Jobs;

/// <summary>
/// Drives the ACD's timers: ring timeouts (the call goes to the next agent, the agent to Break), wrap-up ends and
/// overflow. Also builds the ACD from the store at start, so queued calls and agent states are back after a restart
/// before the first event arrives.
/// </summary>
public sealed class AcdTimer(CallCenter center, IOptions<CallCenterOptions> options, TimeProvider clock, ILogger<AcdTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, options.Value.TickMilliseconds)), clock);
        do
        {
            try
            {
                await center.TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store may be briefly away: the timers are in memory and are applied on the next tick.
                logger.LogWarning(e, "ACD tick failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
