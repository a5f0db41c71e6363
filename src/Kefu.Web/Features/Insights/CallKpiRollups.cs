using System.Data.Common;
using System.Globalization;
using System.Text;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using static Kefu.Web.Features.Insights.RollupSql;

namespace Kefu.Web.Features.Insights;

/// <summary>The call tally of one hour (UTC, by <c>call.offered</c>), one queue and one agent ("" when none).</summary>
public sealed class CallKpiRollup : CallTally, INotAudited
{
    /// <summary>Whole hours since 1970-01-01T00:00Z of the calls' offer time.</summary>
    public long Hour { get; set; }

    public string Queue { get; set; } = "";
    public string Agent { get; set; } = "";

    public static long HourOf(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerHour;

    public static DateTime StartOf(long hour) => DateTime.UnixEpoch.AddTicks(hour * TimeSpan.TicksPerHour);
}

/// <summary>The call tally of one hour and one queue, all agents together: what the figures without an agent filter read
/// (a few rows an hour instead of one per agent). Kept in step with <see cref="CallKpiRollup"/> by the same upsert.</summary>
public sealed class CallKpiQueueRollup : CallTally, INotAudited
{
    public long Hour { get; set; }
    public string Queue { get; set; } = "";
}

/// <summary>Which thresholds the stored rollups were counted with; a change triggers a rebuild.</summary>
public sealed class CallKpiRollupState : INotAudited
{
    public int Id { get; set; } = 1;
    public required string Thresholds { get; set; }
    public DateTime RebuiltAt { get; set; }
    public long Calls { get; set; }
}

internal sealed class CallKpiRollupConfiguration : IEntityTypeConfiguration<CallKpiRollup>, IEntityTypeConfiguration<CallKpiRollupState>,
    IEntityTypeConfiguration<CallKpiQueueRollup>
{
    public void Configure(EntityTypeBuilder<CallKpiQueueRollup> builder)
    {
        builder.ToTable(CallKpiRollups.QueueTable);
        builder.HasKey(r => new { r.Hour, r.Queue });
        builder.Property(r => r.Queue).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<CallKpiRollup> builder)
    {
        builder.ToTable(CallKpiRollups.Table);
        builder.HasKey(r => new { r.Hour, r.Queue, r.Agent });
        builder.Property(r => r.Queue).HasMaxLength(64);
        builder.Property(r => r.Agent).HasMaxLength(64);
        builder.HasIndex(r => new { r.Agent, r.Hour });
        builder.HasIndex(r => new { r.Queue, r.Hour });
    }

    public void Configure(EntityTypeBuilder<CallKpiRollupState> builder)
    {
        builder.ToTable("CallKpiRollupState");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Thresholds).HasMaxLength(200);
    }
}

/// <summary>
/// Keeps the hourly call rollups equal to the call records. Every save that adds, changes or removes a call record also
/// adds the difference of the call's tally (new − old) to its hour/queue/agent row, with one atomic
/// <c>INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x</c> in the same transaction — so the rollups commit or roll
/// back with the call, and concurrent writers (several instances) never lose an increment.
/// </summary>
internal sealed class CallKpiRollupInterceptor(IOptions<CallTargets> targets, IOptions<KpiOptions> options)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly List<Dictionary<CallKpiRollups.Key, CallTally>> batches = [];
    private readonly Dictionary<string, (long? From, long? To)> moves = new(StringComparer.Ordinal);
    private bool lastSaveAddedBatch;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => DropFailedSave();

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        DropFailedSave();
        return Task.CompletedTask;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (batches.Count > 0)
        {
            using var command = CallKpiRollups.UpsertCommand(transaction, Merge());
            command.ExecuteNonQuery();
        }

        if (moves.Count > 0)
        {
            CallSurveyRollups.MoveAsync(transaction, TakeMoves(), CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (batches.Count > 0)
        {
            await using var command = CallKpiRollups.UpsertCommand(transaction, Merge());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (moves.Count > 0)
        {
            await CallSurveyRollups.MoveAsync(transaction, TakeMoves(), cancellationToken);
        }

        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Reset();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Reset();
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Reset();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Reset();
        return Task.CompletedTask;
    }

    private void Reset()
    {
        batches.Clear();
        moves.Clear();
    }

    private Dictionary<string, (long? From, long? To)> TakeMoves()
    {
        var taken = moves.Where(m => m.Value.From != m.Value.To).ToDictionary(StringComparer.Ordinal);
        moves.Clear();
        return taken;
    }

    private void Collect(DbContext? context)
    {
        lastSaveAddedBatch = false;
        if (context is null)
        {
            return;
        }

        var batch = new Dictionary<CallKpiRollups.Key, CallTally>();
        foreach (var entry in context.ChangeTracker.Entries<CallRecord>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                var original = (CallRecord)entry.OriginalValues.ToObject();
                CallKpiRollups.Accumulate(batch, CallFacts.Of(original), -1, targets.Value, options.Value);
                // Answered surveys of the call are counted at its offer hour: follow the call when that hour changes.
                var from = original.OfferedAt is { } o ? CallKpiRollup.HourOf(o) : (long?)null;
                var to = entry.State == EntityState.Deleted || entry.Entity.OfferedAt is not { } n ? (long?)null : CallKpiRollup.HourOf(n);
                if (from != to || moves.ContainsKey(entry.Entity.Id))
                {
                    moves[entry.Entity.Id] = (moves.TryGetValue(entry.Entity.Id, out var earlier) ? earlier.From : from, to);
                    context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
                }
            }

            if (entry.State is EntityState.Modified or EntityState.Added)
            {
                CallKpiRollups.Accumulate(batch, CallFacts.Of(entry.Entity), 1, targets.Value, options.Value);
            }
        }

        foreach (var unchanged in batch.Where(kv => kv.Value.IsZero).Select(kv => kv.Key).ToList())
        {
            batch.Remove(unchanged);
        }

        if (batch.Count > 0)
        {
            batches.Add(batch);
            lastSaveAddedBatch = true;
            // Even a single-statement save must run in a transaction, or there is no commit to add the rollup to.
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private void DropFailedSave()
    {
        if (lastSaveAddedBatch && batches.Count > 0)
        {
            batches.RemoveAt(batches.Count - 1);
        }

        lastSaveAddedBatch = false;
    }

    private Dictionary<CallKpiRollups.Key, CallTally> Merge()
    {
        var merged = new Dictionary<CallKpiRollups.Key, CallTally>();
        foreach (var (key, tally) in batches.SelectMany(b => b))
        {
            if (!merged.TryGetValue(key, out var sum))
            {
                merged[key] = sum = new CallTally();
            }

            sum.Add(tally);
        }

        batches.Clear();
        return merged;
    }
}

/// <summary>Reads and rebuilds the hourly call rollups.</summary>
public static class CallKpiRollups
{
    public const string Table = "CallKpiRollups";
    public const string QueueTable = "CallKpiQueueRollups";

    public readonly record struct Key(long Hour, string Queue, string Agent);

    public static void Accumulate(Dictionary<Key, CallTally> into, CallFacts call, int sign, CallTargets targets, KpiOptions options)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(call);
        if (call.OfferedAt is not { } offered)
        {
            return;
        }

        var key = new Key(CallKpiRollup.HourOf(offered), call.Queue ?? "", call.Agent ?? "");
        if (!into.TryGetValue(key, out var sum))
        {
            into[key] = sum = new CallTally();
        }

        sum.Add(CallTally.Of(call, targets, options), sign);
    }

    /// <summary>One command adding every delta to its row (created when missing); same SQL on SQLite and PostgreSQL.</summary>
    internal static DbCommand UpsertCommand(DbTransaction transaction, IReadOnlyDictionary<Key, CallTally> deltas)
    {
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder();
        var columns = string.Join(", ", CallTally.Counters.Select(c => Quote(c.Name)));
        var updates = string.Join(", ", CallTally.Counters.Select(c => $"{Quote(c.Name)} = {Quote(Table)}.{Quote(c.Name)} + excluded.{Quote(c.Name)}"));
        var i = 0;
        foreach (var (key, tally) in deltas)
        {
            var values = new List<string> { Parameter(command, $"h{i}", key.Hour), Parameter(command, $"q{i}", key.Queue), Parameter(command, $"a{i}", key.Agent) };
            values.AddRange(CallTally.Counters.Select((c, n) => Parameter(command, $"c{i}_{n}", c.Get(tally))));
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Quote(Table)} (\"Hour\", \"Queue\", \"Agent\", {columns}) VALUES ({string.Join(", ", values)}) ")
                .Append(CultureInfo.InvariantCulture, $"ON CONFLICT (\"Hour\", \"Queue\", \"Agent\") DO UPDATE SET {updates};");
            i++;
        }

        var queueUpdates = string.Join(", ", CallTally.Counters.Select(c => $"{Quote(c.Name)} = {Quote(QueueTable)}.{Quote(c.Name)} + excluded.{Quote(c.Name)}"));
        foreach (var group in deltas.GroupBy(d => (d.Key.Hour, d.Key.Queue)))
        {
            var sum = new CallTally();
            foreach (var (_, tally) in group)
            {
                sum.Add(tally);
            }

            var values = new List<string> { Parameter(command, $"h{i}", group.Key.Hour), Parameter(command, $"q{i}", group.Key.Queue) };
            values.AddRange(CallTally.Counters.Select((c, n) => Parameter(command, $"c{i}_{n}", c.Get(sum))));
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Quote(QueueTable)} (\"Hour\", \"Queue\", {columns}) VALUES ({string.Join(", ", values)}) ")
                .Append(CultureInfo.InvariantCulture, $"ON CONFLICT (\"Hour\", \"Queue\") DO UPDATE SET {queueUpdates};");
            i++;
        }

#pragma warning disable CA2100 // built only from our own column names; every value is a parameter
        command.CommandText = sql.ToString();
#pragma warning restore CA2100
        return command;
    }

    /// <summary>The thresholds the rollups depend on, as stored beside them.</summary>
    public static string Thresholds(CallTargets targets, KpiOptions options)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        return FormattableString.Invariant($"v2;connect={targets.ConnectWithinSeconds};rings={targets.AnswerWithinSeconds};sl={options.ServiceLevelSeconds};short={options.ShortAbandonSeconds}");
    }

    /// <summary>Rebuilds the rollups from the call records when they were counted with other thresholds (or never).</summary>
    public static async Task<bool> RebuildIfNeededAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var targets = scope.ServiceProvider.GetRequiredService<IOptions<CallTargets>>().Value;
        var options = scope.ServiceProvider.GetRequiredService<IOptions<KpiOptions>>().Value;
        var wanted = Thresholds(targets, options);
        var state = await db.Set<CallKpiRollupState>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (state?.Thresholds == wanted)
        {
            return false;
        }

        await RebuildAsync(db, targets, options, scope.ServiceProvider.GetRequiredService<TimeProvider>(), cancellationToken);
        return true;
    }

    /// <summary>
    /// Recounts every rollup from the call records in one transaction. On PostgreSQL the rollup table is locked first: a
    /// writer whose call change is not committed yet waits at its rollup upsert and adds its delta on top of the rebuilt
    /// numbers (which counted the call as it was), so nothing is counted twice or lost. SQLite has one writer at a time anyway.
    /// </summary>
    public static async Task<long> RebuildAsync(KefuDbContext db, CallTargets targets, KpiOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE \"CallKpiRollups\" IN EXCLUSIVE MODE", cancellationToken);
        }

        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE \"CallKpiQueueRollups\" IN EXCLUSIVE MODE", cancellationToken);
        }

        await db.Set<CallKpiRollup>().ExecuteDeleteAsync(cancellationToken);
        await db.Set<CallKpiQueueRollup>().ExecuteDeleteAsync(cancellationToken);
        var sums = new Dictionary<Key, CallTally>();
        var calls = 0L;
        await foreach (var call in db.Set<CallRecord>().AsNoTracking().Where(c => c.OfferedAt != null)
                           .Select(c => new CallFacts(c.OfferedAt, c.QueuedAt, c.RingingAt, c.AnsweredAt, c.EndedAt, c.Queue, c.Agent, c.TalkSeconds,
                               c.HoldSeconds, c.WrapSeconds, c.AnsweredWithinRings, c.SolvedOnFirstContact, c.CallbackRequested))
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            Accumulate(sums, call, 1, targets, options);
            calls++;
        }

        foreach (var chunk in sums.GroupBy(kv => (kv.Key.Hour, kv.Key.Queue)).Chunk(2000))
        {
            foreach (var group in chunk)
            {
                var row = new CallKpiQueueRollup { Hour = group.Key.Hour, Queue = group.Key.Queue };
                foreach (var (_, tally) in group)
                {
                    row.Add(tally);
                }

                db.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        foreach (var chunk in sums.Chunk(2000))
        {
            foreach (var (key, tally) in chunk)
            {
                var row = new CallKpiRollup { Hour = key.Hour, Queue = key.Queue, Agent = key.Agent };
                row.Add(tally);
                db.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE \"CallSurveyRollups\" IN EXCLUSIVE MODE", cancellationToken);
        }

        await CallSurveyRollups.RebuildAsync(db, cancellationToken);
        await db.Set<CallKpiRollupState>().Where(s => s.Id == 1).ExecuteDeleteAsync(cancellationToken);
        db.Add(new CallKpiRollupState { Thresholds = Thresholds(targets, options), RebuiltAt = clock.GetUtcNow().UtcDateTime, Calls = calls });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return calls;
    }

    /// <summary>The sum of the rollups in [fromHour, toHour), optionally of one queue and/or agent, grouped by
    /// <paramref name="groupBy"/> (null: one group with key "").</summary>
    public static Task<IReadOnlyList<(string Key, CallTally Tally)>> SumAsync(KefuDbContext db, long fromHour, long toHour, string? queue, string? agent,
        RollupGroup? groupBy, CancellationToken cancellationToken) =>
        SumAsync(db, fromHour, toHour, queue, agent is null ? null : [agent], groupBy, cancellationToken);

    /// <summary>As above, for the calls of any of <paramref name="agents"/> (a team); null: every agent.</summary>
    public static async Task<IReadOnlyList<(string Key, CallTally Tally)>> SumAsync(KefuDbContext db, long fromHour, long toHour, string? queue,
        IReadOnlyCollection<string>? agents, RollupGroup? groupBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var key = groupBy switch
            {
                RollupGroup.ChinaDay => "((\"Hour\" + 8) / 24)",
                RollupGroup.ChinaHourOfDay => "((\"Hour\" + 8) % 24)",
                RollupGroup.Queue => "\"Queue\"",
                RollupGroup.Agent => "\"Agent\"",
                _ => "''",
            };
            var where = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\"Hour\" >= {Parameter(command, "f", fromHour)} AND \"Hour\" < {Parameter(command, "t", toHour)}");
            if (queue is not null)
            {
                where.Append(CultureInfo.InvariantCulture, $" AND \"Queue\" = {Parameter(command, "q", queue)}");
            }

            if (agents is not null)
            {
                var names = agents.Count == 0 ? "NULL" : string.Join(", ", agents.Select((a, i) => Parameter(command, $"a{i}", a)));
                where.Append(CultureInfo.InvariantCulture, $" AND \"Agent\" IN ({names})");
            }

            var sums = string.Join(", ", CallTally.Counters.Select(c => $"COALESCE(SUM({Quote(c.Name)}), 0)"));
            var group = groupBy is null ? "" : $" GROUP BY {key}";
            // Without an agent filter or grouping, the queue-level rows hold the same sums in far fewer rows.
            var table = agents is null && groupBy != RollupGroup.Agent ? QueueTable : Table;
#pragma warning disable CA2100 // built only from our own column names; every value is a parameter
            command.CommandText = $"SELECT {key}, {sums} FROM {Quote(table)} WHERE {where}{group}";
#pragma warning restore CA2100
            var rows = new List<(string, CallTally)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var tally = new CallTally();
                for (var n = 0; n < CallTally.Counters.Count; n++)
                {
                    CallTally.Counters[n].Set(tally, Convert.ToInt64(reader.GetValue(n + 1), CultureInfo.InvariantCulture));
                }

                rows.Add((Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? "", tally));
            }

            return rows;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>The same figures counted the naive way, over the raw call records (for checks and the benchmark).</summary>
    public static Task<CallTally> NaiveSumAsync(KefuDbContext db, DateTime from, DateTime to, string? queue, string? agent, CallTargets targets,
        KpiOptions options, CancellationToken cancellationToken) =>
        NaiveSumAsync(db, from, to, queue, agent is null ? null : [agent], targets, options, cancellationToken);

    /// <summary>As above, for the calls of any of <paramref name="agents"/> (a team); null: every agent.</summary>
    public static async Task<CallTally> NaiveSumAsync(KefuDbContext db, DateTime from, DateTime to, string? queue, IReadOnlyCollection<string>? agents,
        CallTargets targets, KpiOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Set<CallRecord>().AsNoTracking().Where(c => c.OfferedAt >= from && c.OfferedAt < to);
        if (queue is not null)
        {
            query = query.Where(c => (c.Queue ?? "") == queue);
        }

        if (agents is not null)
        {
            query = query.Where(c => agents.Contains(c.Agent ?? ""));
        }

        var sum = new CallTally();
        await foreach (var call in query.Select(c => new CallFacts(c.OfferedAt, c.QueuedAt, c.RingingAt, c.AnsweredAt, c.EndedAt, c.Queue, c.Agent,
                           c.TalkSeconds, c.HoldSeconds, c.WrapSeconds, c.AnsweredWithinRings, c.SolvedOnFirstContact, c.CallbackRequested))
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            sum.Add(CallTally.Of(call, targets, options));
        }

        return sum;
    }

}

/// <summary>How rollup sums are grouped.</summary>
public enum RollupGroup
{
    ChinaDay = 1,
    ChinaHourOfDay = 2,
    Queue = 3,
    Agent = 4,
}
