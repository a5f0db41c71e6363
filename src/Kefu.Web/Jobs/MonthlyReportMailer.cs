using Kefu.Web.Features.Insights;

namespace Kefu.Web.Jobs;

/// <summary>Mails last month's service report once its send time has come (checked every 15 minutes; once across instances).</summary>
public sealed class MonthlyReportMailer(IServiceProvider services, TimeProvider clock, ILogger<MonthlyReportMailer> logger) : BackgroundService
{
    private readonly string instance = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(15), clock);
        do
        {
            try
            {
                if (await MonthlyReportDelivery.SendDueAsync(services, instance, stoppingToken))
                {
                    logger.LogInformation("Monthly service report mailed");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Mailing the monthly service report failed; retrying in 15 minutes");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
