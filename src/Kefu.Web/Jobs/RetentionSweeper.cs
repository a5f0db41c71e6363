using Kefu.Web.Features.Privacy;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Jobs;

/// <summary>Applies the retention periods every hour (safe with several instances: see <see cref="Retention"/>).</summary>
public sealed class RetentionSweeper(IServiceProvider services, TimeProvider clock, IOptions<RetentionOptions> options, ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var result = await Retention.RunAsync(services, options.Value, clock.GetUtcNow().UtcDateTime, stoppingToken);
                if (result.Recordings + result.Transcripts + result.Complaints > 0)
                {
                    logger.LogInformation("Retention: {Recordings} recordings, {Transcripts} transcripts purged; {Complaints} complaints anonymized", result.Recordings, result.Transcripts, result.Complaints);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Retention run failed; retrying in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
