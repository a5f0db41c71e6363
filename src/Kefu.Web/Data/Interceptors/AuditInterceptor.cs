using System.Globalization;
using System.Text.Json;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Audit;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Web.Data.Interceptors;

/// <summary>
/// Writes an <see cref="AuditEntry"/> for every added, modified or deleted entity in the same transaction as the
/// change itself, so there is no write without its audit row. Audit rows themselves can only be added.
/// </summary>
internal sealed class AuditInterceptor(ICurrentActor currentActor, TimeProvider clock) : SaveChangesInterceptor
{
    private static readonly HashSet<string> Secret = new(StringComparer.Ordinal)
    {
        "PasswordHash", "SecurityStamp", "TokenHash", "Xml",
    };

    private static readonly HashSet<string> Noise = new(StringComparer.Ordinal)
    {
        nameof(IVersioned.Version), "ConcurrencyStamp", "NormalizedUserName", "NormalizedEmail", "NormalizedName",
        nameof(ITimestamped.UpdatedAt), "Bytes",
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddEntries(eventData.Context, currentActor.GetAsync().AsTask().GetAwaiter().GetResult());
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AddEntries(eventData.Context, await currentActor.GetAsync());
        return result;
    }

    private void AddEntries(DbContext? context, Actor actor)
    {
        if (context is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var entries = new List<AuditEntry>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEntry)
            {
                if (entry.State is EntityState.Modified or EntityState.Deleted)
                {
                    throw new InvalidOperationException("The audit log is append-only: audit entries cannot be changed or deleted.");
                }

                continue;
            }

            if (entry.Entity is INotAudited)
            {
                continue;
            }

            var action = entry.State switch
            {
                EntityState.Added => AuditAction.Created,
                EntityState.Modified => AuditAction.Updated,
                EntityState.Deleted => AuditAction.Deleted,
                _ => (AuditAction?)null,
            };
            if (action is null)
            {
                continue;
            }

            var changes = Changes(entry, action.Value);
            if (action == AuditAction.Updated && changes.Count == 0)
            {
                continue;
            }

            entries.Add(new AuditEntry
            {
                Id = Ids.New(),
                At = now,
                ActorId = actor.Id,
                ActorName = actor.Name,
                EntityType = entry.Metadata.ClrType.Name,
                EntityId = KeyOf(entry),
                Action = action.Value,
                Changes = JsonSerializer.Serialize(changes, AuditJson.Options),
            });
        }

        context.Set<AuditEntry>().AddRange(entries);
    }

    private static List<FieldChange> Changes(EntityEntry entry, AuditAction action)
    {
        var changes = new List<FieldChange>();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (Noise.Contains(name))
            {
                continue;
            }

            string? before = action == AuditAction.Created ? null : Format(name, property.OriginalValue);
            string? after = action == AuditAction.Deleted ? null : Format(name, property.CurrentValue);
            if (action == AuditAction.Updated && (!property.IsModified || string.Equals(before, after, StringComparison.Ordinal)))
            {
                continue;
            }

            if (action != AuditAction.Updated && before is null && after is null)
            {
                continue;
            }

            changes.Add(new FieldChange(name, before, after));
        }

        return changes;
    }

    private static string? Format(string name, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (Secret.Contains(name))
        {
            return "***";
        }

        return value switch
        {
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }

    private static string KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        if (key is null)
        {
            return "?";
        }

        return string.Join(",", key.Properties.Select(p => Format(p.Name, entry.Property(p.Name).CurrentValue)));
    }
}

internal static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
