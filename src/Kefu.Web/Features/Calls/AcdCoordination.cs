using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// The one row that names the current version of the ACD state in the store. Every unit of work of
/// <see cref="CallCenter"/> that writes renews <see cref="Version"/> in the same transaction; an instance whose
/// in-memory ACD was built at another version rebuilds it from the store before it routes (docs/decisions/0003-acd-across-instances.md).
/// </summary>
public sealed class AcdStamp : INotAudited
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public Guid Version { get; set; }

    public DateTime ChangedAt { get; set; }
}

internal sealed class AcdStampConfiguration : IEntityTypeConfiguration<AcdStamp>
{
    public void Configure(EntityTypeBuilder<AcdStamp> builder)
    {
        builder.ToTable("AcdStamps");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
    }
}

/// <summary>
/// Serializes the ACD across instances. On PostgreSQL each unit of work runs in a transaction that first takes the
/// advisory lock <see cref="LockKey"/> (exclusive to change routing, shared to read it), so routing decisions of all
/// instances happen one at a time, each on the state the previous one committed; the lock goes with the transaction
/// (commit, rollback or a dead connection), so a crashed instance never holds it. SQLite is one instance's store: the
/// in-process gate of <see cref="CallCenter"/> is enough there, and the stamp still catches a second process.
/// </summary>
internal static class AcdCoordination
{
    /// <summary>PostgreSQL advisory lock key of the ACD ("KEFU_ACD" in ASCII).</summary>
    public const long LockKey = 0x4B4546555F414344;

    /// <summary>Begins the unit of work's transaction and takes the ACD lock (PostgreSQL); null on SQLite.</summary>
    public static async Task<IDbContextTransaction?> EnterAsync(KefuDbContext db, bool exclusive, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            if (exclusive)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            }
            else
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({LockKey})", cancellationToken);
            }

            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>The version of the ACD state in the store (null before the first change).</summary>
    public static Task<Guid?> ReadAsync(KefuDbContext db, CancellationToken cancellationToken) =>
        db.Set<AcdStamp>().AsNoTracking().Where(s => s.Id == AcdStamp.SingletonId).Select(s => (Guid?)s.Version).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Renews the version, saved with the unit of work's other changes.</summary>
    public static async Task<Guid> RenewAsync(KefuDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var stamp = await db.Set<AcdStamp>().SingleOrDefaultAsync(s => s.Id == AcdStamp.SingletonId, cancellationToken);
        if (stamp is null)
        {
            stamp = new AcdStamp();
            db.Add(stamp);
        }

        stamp.Version = Guid.NewGuid();
        stamp.ChangedAt = now;
        return stamp.Version;
    }
}
