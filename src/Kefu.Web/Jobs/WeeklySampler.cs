using Kefu.Web.Data;
using Kefu.Web.Features.Quality;

namespace Kefu.Web.Jobs;

/// <summary>Draws last week's QA sample once it is over (checked hourly; the week row makes it once across instances).</summary>
public sealed class WeeklySampler(IServiceScopeFactory scopes, TimeProvider clock, ILogger<WeeklySampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var lastWeek = WeeklySample.WeekOf(clock.GetUtcNow().UtcDateTime.AddDays(-7));
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                if (await WeeklySample.DrawWeekAsync(db, lastWeek, "system", clock, stoppingToken))
                {
                    logger.LogInformation("QA sample of {Week} drawn", lastWeek);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Weekly QA sampling failed; retrying in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
