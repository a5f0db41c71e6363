using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Notifications;

/// <summary>
/// Sends due outbox messages. Each message is claimed with one conditional UPDATE (pending, due, no live lease) and
/// sent only when that UPDATE changed the row, so instances sharing the store never send one message twice while its
/// lease holds. The result is written back only by the lease owner.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<OutboxDispatcher> logger)
{
    /// <summary>This instance's name in <see cref="OutboxMessage.LeaseOwner"/>.</summary>
    public string Owner { get; init; } = NewOwner();

    private static string NewOwner()
    {
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        return owner.Length <= 100 ? owner : owner[^100..];
    }

    /// <summary>Sends the messages due now (one batch); returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            due = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
                .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(Math.Max(1, o.BatchSize)).ToListAsync(cancellationToken);
        }

        var sent = 0;
        foreach (var id in due)
        {
            if (await SendOneAsync(id, o, cancellationToken))
            {
                sent++;
            }
        }

        return sent;
    }

    private async Task<bool> SendOneAsync(Guid id, NotificationOptions o, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now.AddSeconds(o.LeaseSeconds);
        var claimed = await db.Set<OutboxMessage>()
            .Where(m => m.Id == id && m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, Owner).SetProperty(m => m.LeaseExpiresAt, leaseUntil), cancellationToken);
        if (claimed != 1)
        {
            return false; // another instance has it
        }

        var message = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
        var senders = scope.ServiceProvider.GetServices<INotificationSender>();
        var sender = senders.LastOrDefault(s => string.Equals(s.Channel, message.Channel, StringComparison.Ordinal));
        string? error = null;
        try
        {
            if (sender is null)
            {
                throw new InvalidOperationException($"No sender for channel '{message.Channel}'.");
            }

            await sender.SendAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
        }

        var attempts = message.Attempts + 1;
        var at = clock.GetUtcNow().UtcDateTime;
        var mine = db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == Owner);
        if (error is null)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentAt, at)
                .SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, (string?)null)
                .SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTime?)null), CancellationToken.None);
            logger.LogInformation("Outbox message {Id} sent by {Channel} (attempt {Attempt})", id, message.Channel, attempts);
            return true;
        }

        var failed = attempts >= o.MaxAttempts;
        var next = at + RetryDelay(attempts, o, Random.Shared.NextDouble());
        await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, failed ? OutboxStatus.Failed : OutboxStatus.Pending)
            .SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, error).SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTime?)null), CancellationToken.None);
        logger.LogWarning("Outbox message {Id} by {Channel} failed (attempt {Attempt}): {Error}{Outcome}", id, message.Channel, attempts, error,
            failed ? "; giving up" : "; will retry");
        return false;
    }

    /// <summary>Exponential backoff with jitter: base × 2^(attempts−1), at most the maximum, times 0.8–1.2 (<paramref name="random"/> in [0, 1)).</summary>
    public static TimeSpan RetryDelay(int attempts, NotificationOptions options, double random)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var seconds = Math.Min(options.RetryMaxSeconds, options.RetryBaseSeconds * Math.Pow(2, exponent));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Math.Clamp(random, 0, 1))));
    }

    /// <summary>An Admin's retry of a failed message: pending again, due now, with a fresh set of attempts.</summary>
    public static async Task<bool> RetryAsync(KefuDbContext db, Guid id, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Set<OutboxMessage>().Where(m => m.Id == id && m.Status == OutboxStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Attempts, 0).SetProperty(m => m.NextAttemptAt, now),
                cancellationToken) == 1;
    }
}

/// <summary>Wakes this instance's outbox sender when a message was just written, so it does not wait for the next poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // already signalled
            }
        }
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _signal.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the poll interval passed
        }
    }

    public void Dispose() => _signal.Dispose();
}
