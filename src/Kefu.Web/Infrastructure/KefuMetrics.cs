using System.Diagnostics.Metrics;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// Kefu's own meter (<c>Kefu</c>), exported at <c>/metrics</c>: CTI events by outcome (counted as they happen), and
/// gauges read when Prometheus scrapes — calls waiting per queue and agents by state (the live ACD), SLA breaches
/// (deadlines escalated, from the store) and the outbox backlog (pending messages, from the store).
/// </summary>
public sealed class KefuMetrics : IDisposable
{
    public const string MeterName = "Kefu";
    private readonly Meter meter;
    private readonly Counter<long> ctiEvents;
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private Sample sample = Sample.Empty;

    public KefuMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(MeterName);
        ctiEvents = meter.CreateCounter<long>("kefu.cti.events", description: "CTI events posted by the PBX, by outcome: accepted (stored now), duplicate (stored before), refused (invalid, or the store was unavailable)");
        meter.CreateObservableGauge("kefu.calls.waiting", () => sample.Waiting.Select(q => new Measurement<long>(q.Value, Tag("queue", q.Key))),
            description: "Calls waiting in each ACD queue for an agent");
        meter.CreateObservableGauge("kefu.agents", () => sample.Agents.Select(a => new Measurement<long>(a.Value, Tag("state", a.Key))),
            description: "Agents by state, named as in the API (Offline, Available, Ringing, OnCall, WrapUp, Break)");
        meter.CreateObservableCounter("kefu.sla.breaches", () => sample.Breaches.Select(b => new Measurement<long>(b.Value, Tag("kind", b.Key))),
            description: "Complaint deadlines missed and escalated, by deadline kind");
        meter.CreateObservableGauge("kefu.outbox.backlog", () => sample.Backlog.Select(b => new Measurement<long>(b.Value, Tag("channel", b.Key))),
            description: "Outbox messages waiting to be sent, by channel");
    }

    /// <summary>Counts CTI events: <paramref name="outcome"/> is accepted, duplicate or refused.</summary>
    public void CtiEvents(string outcome, int count)
    {
        if (count > 0)
        {
            ctiEvents.Add(count, Tag("outcome", outcome));
        }
    }

    /// <summary>Reads the gauges' values (before a scrape). When the store is away the last values stay.</summary>
    public async Task RefreshAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            var (queues, agents) = await services.GetRequiredService<CallCenter>().SnapshotAsync(cancellationToken);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var breaches = await db.ComplaintDeadlines.AsNoTracking().Where(d => d.EscalatedAt != null)
                .GroupBy(d => d.Kind).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
            var backlog = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Status == OutboxStatus.Pending)
                .GroupBy(m => m.Channel).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
            sample = new Sample(
                queues.ToDictionary(q => q.QueueId, q => (long)q.Waiting, StringComparer.Ordinal),
                Enum.GetValues<AgentState>().ToDictionary(AgentStates.ToApi, s => (long)agents.Count(a => a.State == s), StringComparer.Ordinal),
                Enum.GetValues<DeadlineKind>().ToDictionary(k => k.ToString(), k => breaches.Where(b => b.Key == k).Sum(b => b.Count), StringComparer.Ordinal),
                NotificationChannels.All.ToDictionary(c => c, c => backlog.Where(b => b.Key == c).Sum(b => b.Count), StringComparer.Ordinal));
        }
        catch (Exception e) when (e is not OperationCanceledException && StoreOutage.IsStoreUnavailable(e))
        {
            logger.LogWarning("Metrics not refreshed, the store is unavailable: {Reason}", e.GetBaseException().Message);
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Dispose()
    {
        meter.Dispose();
        refreshing.Dispose();
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private sealed record Sample(
        IReadOnlyDictionary<string, long> Waiting,
        IReadOnlyDictionary<string, long> Agents,
        IReadOnlyDictionary<string, long> Breaches,
        IReadOnlyDictionary<string, long> Backlog)
    {
        public static readonly Sample Empty = new(new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>());
    }
}
