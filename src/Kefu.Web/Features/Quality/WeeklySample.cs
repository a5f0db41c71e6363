using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Quality;

/// <summary>A call in a week's QA sample (seed 003 §5.3: 每周随机抽取10%的通话录音), assigned to a reviewer.</summary>
public sealed class QaSampleItem : ITimestamped
{
    public Guid Id { get; set; }

    /// <summary>ISO week, e.g. "2026-W48" (weeks run Monday to Sunday, China time).</summary>
    public required string Week { get; set; }

    public required string CallId { get; set; }

    /// <summary>The agent who answered the call.</summary>
    public string? Agent { get; set; }

    /// <summary>User name of the QA reviewer.</summary>
    public required string Reviewer { get; set; }

    public SampleSource Source { get; set; }

    /// <summary>Why a call was added by hand (e.g. "投诉相关").</summary>
    public string? Reason { get; set; }

    public string? AddedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum SampleSource
{
    /// <summary>Drawn by the weekly random sample.</summary>
    Random = 1,

    /// <summary>Added by a reviewer.</summary>
    Manual = 2,
}

/// <summary>Marks a week whose random sample has been drawn (once, across instances: the week is the key).</summary>
public sealed class QaSampleWeek
{
    public required string Week { get; set; }
    public DateTime DrawnAt { get; set; }
    public string? DrawnBy { get; set; }
    public int Population { get; set; }
    public int Drawn { get; set; }

    /// <summary>The seed of the draw; the same week, calls and reviewers always give the same sample.</summary>
    public int Seed { get; set; }
}

internal sealed class QaSampleConfiguration : IEntityTypeConfiguration<QaSampleItem>, IEntityTypeConfiguration<QaSampleWeek>
{
    public void Configure(EntityTypeBuilder<QaSampleItem> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Week).HasMaxLength(8);
        builder.Property(i => i.CallId).HasMaxLength(100);
        builder.Property(i => i.Agent).HasMaxLength(64);
        builder.Property(i => i.Reviewer).HasMaxLength(64);
        builder.Property(i => i.Source).HasConversion<string>().HasMaxLength(8);
        builder.Property(i => i.Reason).HasMaxLength(200);
        builder.Property(i => i.AddedBy).HasMaxLength(64);
        builder.HasIndex(i => new { i.Week, i.CallId }).IsUnique();
        builder.HasIndex(i => new { i.Reviewer, i.Week });
    }

    public void Configure(EntityTypeBuilder<QaSampleWeek> builder)
    {
        builder.HasKey(w => w.Week);
        builder.Property(w => w.Week).HasMaxLength(8);
        builder.Property(w => w.DrawnBy).HasMaxLength(64);
    }
}

/// <summary>
/// The weekly sample: a reproducible random 10 % of the week's recorded calls, stratified by agent so that every agent
/// who took recorded calls is covered, spread evenly over the QA reviewers.
/// </summary>
public static class WeeklySample
{
    public const double DefaultRate = 0.10;

    public sealed record Candidate(string CallId, string Agent);

    public sealed record Pick(string CallId, string Agent, string Reviewer);

    /// <summary>ISO week of a UTC instant in China time, e.g. "2026-W48".</summary>
    public static string WeekOf(DateTime utc)
    {
        var china = ComplaintTime.ToChina(utc);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(china)}-W{ISOWeek.GetWeekOfYear(china):D2}");
    }

    /// <summary>The UTC bounds [start, end) of an ISO week in China time; null for a malformed week.</summary>
    public static (DateTime Start, DateTime End)? Bounds(string week)
    {
        if (week is not { Length: 8 } || week[4] != '-' || week[5] != 'W'
            || !int.TryParse(week.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(week.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || year is < 2000 or > 2100 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            return null;
        }

        var monday = ISOWeek.ToDateTime(year, number, DayOfWeek.Monday);
        return (ComplaintTime.FromChina(monday), ComplaintTime.FromChina(monday.AddDays(7)));
    }

    /// <summary>A stable seed for a week (not string.GetHashCode, which changes per process).</summary>
    public static int SeedOf(string week) => week.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    /// <summary>
    /// Draws the sample: per agent, ⌈rate × their calls⌉ calls chosen at random (so each agent gets at least one), in a
    /// deterministic order from <paramref name="seed"/>; reviewers are dealt calls in turn so their loads differ by at
    /// most one.
    /// </summary>
    public static IReadOnlyList<Pick> Draw(IEnumerable<Candidate> calls, IReadOnlyList<string> reviewers, int seed, double rate = DefaultRate)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(reviewers);
        if (rate is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The rate is a share between 0 and 1.");
        }

        if (reviewers.Count == 0)
        {
            return [];
        }

        var random = new Random(seed);
        var chosen = new List<Candidate>();
        foreach (var group in calls.GroupBy(c => c.Agent, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var pool = group.OrderBy(c => c.CallId, StringComparer.Ordinal).ToArray();
            random.Shuffle(pool);
            var take = (int)Math.Ceiling(pool.Length * rate - 1e-9);
            chosen.AddRange(pool.Take(Math.Max(1, take)));
        }

        var order = reviewers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var dealt = chosen.ToArray();
        random.Shuffle(dealt);
        return dealt.Select((c, i) => new Pick(c.CallId, c.Agent, order[i % order.Length])).ToList();
    }

    /// <summary>
    /// Draws a week's sample into the store once: the week row is the claim, so with several instances (or a repeated
    /// request) exactly one draw happens. Returns false when the week was drawn already.
    /// </summary>
    public static async Task<bool> DrawWeekAsync(KefuDbContext db, string week, string? by, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var bounds = Bounds(week) ?? throw new Infrastructure.FieldValidationException(new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["week"] = ["must be an ISO week like 2026-W48"],
        });
        if (await db.Set<QaSampleWeek>().AnyAsync(w => w.Week == week, cancellationToken))
        {
            return false;
        }

        var calls = await db.Set<CallRecord>().AsNoTracking()
            .Where(c => c.OfferedAt >= bounds.Start && c.OfferedAt < bounds.End && c.RecordingUri != null && c.Agent != null)
            .Select(c => new Candidate(c.Id, c.Agent!)).ToListAsync(cancellationToken);
        var reviewers = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Access.KefuRoles.QA)))
            .Select(u => u.UserName!).ToListAsync(cancellationToken);
        if (reviewers.Count == 0)
        {
            return false; // nobody to review: leave the week undrawn until a QA reviewer exists
        }

        var seed = SeedOf(week);
        var picks = Draw(calls, reviewers, seed);
        var already = (await db.Set<QaSampleItem>().AsNoTracking().Where(i => i.Week == week).Select(i => i.CallId).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow().UtcDateTime;
        db.Add(new QaSampleWeek { Week = week, DrawnAt = now, DrawnBy = by, Population = calls.Count, Drawn = picks.Count, Seed = seed });
        foreach (var pick in picks.Where(p => !already.Contains(p.CallId)))
        {
            db.Add(new QaSampleItem { Id = Infrastructure.Ids.New(), Week = week, CallId = pick.CallId, Agent = pick.Agent, Reviewer = pick.Reviewer, Source = SampleSource.Random, AddedBy = by });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false; // another instance drew the week at the same moment
        }
    }
}
