using System.Data.Common;
using System.Globalization;
using System.Text;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;
using static Kefu.Web.Features.Insights.RollupSql;

namespace Kefu.Web.Features.Insights;

/// <summary>
/// Answered call surveys counted per rating, by the hour (UTC) the surveyed call was offered, the queue and the agent the
/// invitation recorded ("" when none). CSAT of any hour-aligned range, queue or agents is a sum of these rows, whatever
/// rating counts as satisfied — the same set <see cref="CallSurveys.NaiveTallyAsync"/> counts over the raw invitations.
/// </summary>
public sealed class CallSurveyRollup : INotAudited
{
    public long Hour { get; set; }
    public string Queue { get; set; } = "";
    public string Agent { get; set; } = "";
    public long Rated1 { get; set; }
    public long Rated2 { get; set; }
    public long Rated3 { get; set; }
    public long Rated4 { get; set; }
    public long Rated5 { get; set; }

    public void Count(int rating, long n)
    {
        switch (rating)
        {
            case 1: Rated1 += n; break;
            case 2: Rated2 += n; break;
            case 3: Rated3 += n; break;
            case 4: Rated4 += n; break;
            case 5: Rated5 += n; break;
            default: throw new ArgumentOutOfRangeException(nameof(rating), rating, "ratings are 1–5");
        }
    }
}

internal sealed class CallSurveyRollupConfiguration : IEntityTypeConfiguration<CallSurveyRollup>
{
    public void Configure(EntityTypeBuilder<CallSurveyRollup> builder)
    {
        builder.ToTable(CallSurveyRollups.Table);
        builder.HasKey(r => new { r.Hour, r.Queue, r.Agent });
        builder.Property(r => r.Queue).HasMaxLength(64);
        builder.Property(r => r.Agent).HasMaxLength(64);
        builder.HasIndex(r => new { r.Agent, r.Hour });
        builder.HasIndex(r => new { r.Queue, r.Hour });
    }
}

/// <summary>Reads, maintains and rebuilds the call survey rollups.</summary>
public static class CallSurveyRollups
{
    public const string Table = "CallSurveyRollups";

    private static readonly string[] Ratings = ["Rated1", "Rated2", "Rated3", "Rated4", "Rated5"];

    public readonly record struct Change(long Hour, string Queue, string Agent, int Rating, int Sign);

    /// <summary>Adds the changes (±1 per answer) in the given transaction, one atomic upsert per row.</summary>
    public static async Task ApplyAsync(DbTransaction transaction, IReadOnlyCollection<Change> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(changes);
        var rows = new Dictionary<(long, string, string), CallSurveyRollup>();
        foreach (var c in changes)
        {
            if (!rows.TryGetValue((c.Hour, c.Queue, c.Agent), out var row))
            {
                rows[(c.Hour, c.Queue, c.Agent)] = row = new CallSurveyRollup { Hour = c.Hour, Queue = c.Queue, Agent = c.Agent };
            }

            row.Count(c.Rating, c.Sign);
        }

        if (rows.Count == 0)
        {
            return;
        }

        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder();
        var columns = string.Join(", ", Ratings.Select(Quote));
        var updates = string.Join(", ", Ratings.Select(r => $"{Quote(r)} = {Quote(Table)}.{Quote(r)} + excluded.{Quote(r)}"));
        var i = 0;
        foreach (var row in rows.Values)
        {
            var values = new[]
            {
                Parameter(command, $"h{i}", row.Hour), Parameter(command, $"q{i}", row.Queue), Parameter(command, $"a{i}", row.Agent),
                Parameter(command, $"r{i}_1", row.Rated1), Parameter(command, $"r{i}_2", row.Rated2), Parameter(command, $"r{i}_3", row.Rated3),
                Parameter(command, $"r{i}_4", row.Rated4), Parameter(command, $"r{i}_5", row.Rated5),
            };
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Quote(Table)} (\"Hour\", \"Queue\", \"Agent\", {columns}) VALUES ({string.Join(", ", values)}) ")
                .Append(CultureInfo.InvariantCulture, $"ON CONFLICT (\"Hour\", \"Queue\", \"Agent\") DO UPDATE SET {updates};");
            i++;
        }

#pragma warning disable CA2100 // built only from our own column names; every value is a parameter
        command.CommandText = sql.ToString();
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Counts a survey answer just recorded (in <paramref name="db"/>'s current transaction) at the hour its call was offered.
    /// Nothing to count when the invitation is not about a call or the call has no offer time.
    /// </summary>
    public static async Task CountAnswerAsync(KefuDbContext db, SurveyInvitation invitation, int rating, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(invitation);
        if (invitation.Kind != SurveyKinds.Call || invitation.CallId is null)
        {
            return;
        }

        var offered = await db.Set<CallRecord>().AsNoTracking().Where(c => c.Id == invitation.CallId).Select(c => c.OfferedAt).FirstOrDefaultAsync(cancellationToken);
        if (offered is not { } at)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Counting a survey answer needs a transaction.");
        await ApplyAsync(transaction, [new Change(CallKpiRollup.HourOf(at), invitation.Queue ?? "", invitation.Agent ?? "", rating, 1)], cancellationToken);
    }

    /// <summary>Moves the answered surveys of calls whose offer hour changed (old hour −1, new hour +1); run in the call's transaction.</summary>
    internal static async Task MoveAsync(DbTransaction transaction, IReadOnlyDictionary<string, (long? From, long? To)> moved, CancellationToken cancellationToken)
    {
        if (moved.Count == 0)
        {
            return;
        }

        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has no connection.");
        var changes = new List<Change>();
        foreach (var chunk in moved.Keys.Chunk(200))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var ids = string.Join(", ", chunk.Select((id, i) => Parameter(command, "c" + i, id)));
#pragma warning disable CA2100 // built only from parameter names
            command.CommandText = $"SELECT \"CallId\", \"Queue\", \"Agent\", \"Rating\" FROM \"SurveyInvitation\" WHERE \"Kind\" = 'call' AND \"AnsweredAt\" IS NOT NULL "
                + $"AND \"Rating\" IS NOT NULL AND \"CallId\" IN ({ids})";
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (from, to) = moved[reader.GetString(0)];
                var queue = await reader.IsDBNullAsync(1, cancellationToken) ? "" : reader.GetString(1);
                var agent = await reader.IsDBNullAsync(2, cancellationToken) ? "" : reader.GetString(2);
                var rating = Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture);
                if (from is { } f)
                {
                    changes.Add(new Change(f, queue, agent, rating, -1));
                }

                if (to is { } t)
                {
                    changes.Add(new Change(t, queue, agent, rating, 1));
                }
            }
        }

        await ApplyAsync(transaction, changes, cancellationToken);
    }

    /// <summary>Answers and satisfied answers in [fromHour, toHour), optionally of a queue and/or agents, from the rollups.</summary>
    public static async Task<SurveyTally> SumAsync(KefuDbContext db, long fromHour, long toHour, string? queue, IReadOnlyCollection<string>? agents,
        int satisfiedMinRating, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Set<CallSurveyRollup>().AsNoTracking().Where(r => r.Hour >= fromHour && r.Hour < toHour);
        if (queue is not null)
        {
            query = query.Where(r => r.Queue == queue);
        }

        if (agents is not null)
        {
            query = query.Where(r => agents.Contains(r.Agent));
        }

        var sums = await query.GroupBy(_ => 1).Select(g => new
        {
            R1 = g.Sum(r => r.Rated1), R2 = g.Sum(r => r.Rated2), R3 = g.Sum(r => r.Rated3), R4 = g.Sum(r => r.Rated4), R5 = g.Sum(r => r.Rated5),
        }).SingleOrDefaultAsync(cancellationToken);
        if (sums is null)
        {
            return SurveyTally.None;
        }

        long[] byRating = [sums.R1, sums.R2, sums.R3, sums.R4, sums.R5];
        return new SurveyTally(byRating.Sum(), byRating.Where((_, i) => i + 1 >= satisfiedMinRating).Sum());
    }

    /// <summary>Recounts the survey rollups from the answered call surveys (inside the call rollups' rebuild transaction).</summary>
    public static async Task<long> RebuildAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Set<CallSurveyRollup>().ExecuteDeleteAsync(cancellationToken);
        var rows = new Dictionary<(long, string, string), CallSurveyRollup>();
        var answers = 0L;
        await foreach (var a in db.Set<SurveyInvitation>().AsNoTracking()
                           .Where(i => i.Kind == SurveyKinds.Call && i.AnsweredAt != null && i.Rating != null)
                           .Join(db.Set<CallRecord>().AsNoTracking().Where(c => c.OfferedAt != null), i => i.CallId, c => c.Id,
                               (i, c) => new { c.OfferedAt, i.Queue, i.Agent, Rating = i.Rating!.Value })
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var key = (CallKpiRollup.HourOf(a.OfferedAt!.Value), a.Queue ?? "", a.Agent ?? "");
            if (!rows.TryGetValue(key, out var row))
            {
                rows[key] = row = new CallSurveyRollup { Hour = key.Item1, Queue = key.Item2, Agent = key.Item3 };
            }

            row.Count(a.Rating, 1);
            answers++;
        }

        foreach (var chunk in rows.Values.Chunk(2000))
        {
            db.AddRange(chunk);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return answers;
    }
}
