using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Quality;

/// <summary>
/// One version of one script rule, kept for good: an edit adds a version, a removal adds an inactive version. A check
/// records the versions it used, so an old evaluation can always show the rule as it was.
/// </summary>
public sealed class ScriptRuleVersion
{
    public required string RuleId { get; set; }
    public int Version { get; set; }

    /// <summary>The rule (<see cref="ScriptRule"/>) as JSON.</summary>
    public required string Json { get; set; }

    /// <summary>False for the version that removed the rule.</summary>
    public bool IsActive { get; set; } = true;

    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }

    public ScriptRule ToRule() => ScriptRuleJson.DeserializeOne(Json) with { Id = RuleId, Version = Version };
}

internal sealed class ScriptRuleVersionConfiguration : IEntityTypeConfiguration<ScriptRuleVersion>
{
    public void Configure(EntityTypeBuilder<ScriptRuleVersion> builder)
    {
        builder.HasKey(r => new { r.RuleId, r.Version });
        builder.Property(r => r.RuleId).HasMaxLength(60);
        builder.Property(r => r.Json).HasMaxLength(20000);
        builder.Property(r => r.CreatedBy).HasMaxLength(64);
    }
}

/// <summary>
/// The current script rules from the store, compiled once into a <see cref="TranscriptCheck"/> and recompiled when a
/// QA edit lands (on any instance: each use compares a cheap stamp of the table).
/// </summary>
public sealed class ScriptRuleBook(IServiceScopeFactory scopes) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    // One immutable snapshot, swapped whole, so a reader never pairs a checker with another load's rule list.
    private Snapshot? _current;

    private sealed record Snapshot((int Count, DateTime Latest) Stamp, TranscriptCheck Check, IReadOnlyList<ScriptRule> Rules);

    public void Dispose() => _gate.Dispose();

    /// <summary>The checker for the current rules.</summary>
    public async Task<TranscriptCheck> CurrentAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Check;

    /// <summary>The current (active, latest-version) rules.</summary>
    public async Task<IReadOnlyList<ScriptRule>> RulesAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Rules;

    private async Task<(TranscriptCheck Check, IReadOnlyList<ScriptRule> Rules)> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var versions = db.Set<ScriptRuleVersion>().AsNoTracking();
        var count = await versions.CountAsync(cancellationToken);
        var latest = count == 0 ? DateTime.MinValue : await versions.MaxAsync(v => v.CreatedAt, cancellationToken);
        if (Volatile.Read(ref _current) is { } cached && cached.Stamp == (count, latest))
        {
            return (cached.Check, cached.Rules);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && again.Stamp == (count, latest))
            {
                return (again.Check, again.Rules);
            }

            var rules = Current(await versions.ToListAsync(cancellationToken));
            var snapshot = new Snapshot((count, latest), new TranscriptCheck(rules), rules);
            Volatile.Write(ref _current, snapshot);
            return (snapshot.Check, snapshot.Rules);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The latest version of each rule, if that version is active.</summary>
    public static IReadOnlyList<ScriptRule> Current(IEnumerable<ScriptRuleVersion> versions) =>
        versions.GroupBy(v => v.RuleId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(v => v.Version)!)
            .Where(v => v.IsActive)
            .OrderBy(v => v.RuleId, StringComparer.Ordinal)
            .Select(v => v.ToRule())
            .ToList();

    /// <summary>Seeds the default rules into an empty store (a new installation).</summary>
    public static async Task EnsureDefaultsAsync(KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (await db.Set<ScriptRuleVersion>().AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var rule in DefaultScriptRules.All)
        {
            db.Add(new ScriptRuleVersion { RuleId = rule.Id, Version = rule.Version, Json = ScriptRuleJson.SerializeOne(rule), CreatedBy = "system", CreatedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
