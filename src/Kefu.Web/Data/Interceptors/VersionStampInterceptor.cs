using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Web.Data.Interceptors;

/// <summary>Renews <see cref="IVersioned.Version"/> and stamps <see cref="ITimestamped"/> times on every added or modified entity.</summary>
internal sealed class VersionStampInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            if (entry.Entity is IVersioned versioned)
            {
                versioned.Version = Guid.NewGuid();
            }

            if (entry.Entity is ITimestamped timestamped)
            {
                if (entry.State == EntityState.Added)
                {
                    timestamped.CreatedAt = now;
                }

                timestamped.UpdatedAt = now;
            }
        }
    }
}
