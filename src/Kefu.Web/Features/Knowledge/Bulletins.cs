using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Knowledge;

/// <summary>The daily bulletin use cases (今日重点提醒), shared by the API, the bulletin page and the agent desktop.</summary>
public static class Bulletins
{
    /// <summary>A bulletin may be planned at most this far ahead and last at most this long.</summary>
    public const int MaxDays = 366;

    public sealed record BulletinInput(string? Title, string? Body, BulletinPriority? Priority, DateOnly? ValidFrom, DateOnly? ValidTo);

    /// <summary>A bulletin with its read count and whether the asking user read it.</summary>
    public sealed record BulletinView(Guid Id, string Title, string? Body, BulletinPriority Priority, DateOnly ValidFrom, DateOnly ValidTo, string PublishedBy,
        int ReadCount, bool ReadByMe, Guid Version, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record ReadView(string UserName, string? DisplayName, DateTime ReadAt);

    /// <summary>Bulletins shown today (China calendar day), most urgent first.</summary>
    public static Task<List<BulletinView>> TodayAsync(KefuDbContext db, string userName, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = ChinaDay.Today(clock);
        return ListAsync(db, userName, today, today, cancellationToken);
    }

    /// <summary>Bulletins overlapping [from, to] (all when both are null), most urgent and newest first.</summary>
    public static async Task<List<BulletinView>> ListAsync(KefuDbContext db, string userName, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var bulletins = db.Set<Bulletin>().AsNoTracking();
        if (from is { } f)
        {
            bulletins = bulletins.Where(b => b.ValidTo >= f);
        }

        if (to is { } t)
        {
            bulletins = bulletins.Where(b => b.ValidFrom <= t);
        }

        var rows = await bulletins.Select(b => new
        {
            Bulletin = b,
            Reads = db.Set<BulletinRead>().Count(r => r.BulletinId == b.Id),
            Mine = db.Set<BulletinRead>().Any(r => r.BulletinId == b.Id && r.UserName == userName),
        }).ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.Bulletin.Priority).ThenByDescending(r => r.Bulletin.ValidFrom).ThenByDescending(r => r.Bulletin.CreatedAt)
            .Select(r => View(r.Bulletin, r.Reads, r.Mine)).ToList();
    }

    public static async Task<BulletinView> GetAsync(KefuDbContext db, Guid id, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var bulletin = await db.Set<Bulletin>().AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken) ?? throw new NotFoundException("Bulletin", id);
        var reads = await db.Set<BulletinRead>().CountAsync(r => r.BulletinId == id, cancellationToken);
        var mine = await db.Set<BulletinRead>().AnyAsync(r => r.BulletinId == id && r.UserName == userName, cancellationToken);
        return View(bulletin, reads, mine);
    }

    public static async Task<Bulletin> CreateAsync(KefuDbContext db, BulletinInput input, Actor author, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(author);
        var (from, to) = Validate(input, clock);
        var bulletin = new Bulletin
        {
            Id = Ids.New(),
            Title = input.Title!.Trim(),
            Body = string.IsNullOrWhiteSpace(input.Body) ? null : Infrastructure.RichText.Sanitize(input.Body.Trim()),
            Priority = input.Priority ?? BulletinPriority.Normal,
            ValidFrom = from,
            ValidTo = to,
            PublishedBy = author.DisplayName ?? author.Name,
        };
        db.Add(bulletin);
        await db.SaveChangesAsync(cancellationToken);
        return bulletin;
    }

    public static async Task<Bulletin> UpdateAsync(KefuDbContext db, Guid id, Guid expectedVersion, BulletinInput input, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var bulletin = await db.Set<Bulletin>().SingleOrDefaultAsync(b => b.Id == id, cancellationToken) ?? throw new NotFoundException("Bulletin", id);
        if (bulletin.Version != expectedVersion)
        {
            throw new StaleVersionException("Bulletin", bulletin.Version);
        }

        var (from, to) = Validate(input, clock, bulletin.ValidFrom);
        db.Entry(bulletin).Property(b => b.Version).OriginalValue = expectedVersion;
        bulletin.Title = input.Title!.Trim();
        bulletin.Body = string.IsNullOrWhiteSpace(input.Body) ? null : Infrastructure.RichText.Sanitize(input.Body.Trim());
        bulletin.Priority = input.Priority ?? bulletin.Priority;
        bulletin.ValidFrom = from;
        bulletin.ValidTo = to;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<Bulletin>().AsNoTracking().Where(b => b.Id == id).Select(b => b.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Bulletin", current);
        }

        return bulletin;
    }

    public static async Task DeleteAsync(KefuDbContext db, Guid id, Guid expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var bulletin = await db.Set<Bulletin>().SingleOrDefaultAsync(b => b.Id == id, cancellationToken) ?? throw new NotFoundException("Bulletin", id);
        if (bulletin.Version != expectedVersion)
        {
            throw new StaleVersionException("Bulletin", bulletin.Version);
        }

        db.Remove(bulletin);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Records that the user read the bulletin; reading twice is one read.</summary>
    public static async Task MarkReadAsync(KefuDbContext db, Guid id, string userName, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (!await db.Set<Bulletin>().AnyAsync(b => b.Id == id, cancellationToken))
        {
            throw new NotFoundException("Bulletin", id);
        }

        if (await db.Set<BulletinRead>().AnyAsync(r => r.BulletinId == id && r.UserName == userName, cancellationToken))
        {
            return;
        }

        db.Add(new BulletinRead { Id = Ids.New(), BulletinId = id, UserName = userName, ReadAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same user's second click (another tab) may have won the race: one read is recorded, which is all we want.
            if (!await db.Set<BulletinRead>().AsNoTracking().AnyAsync(r => r.BulletinId == id && r.UserName == userName, cancellationToken))
            {
                throw;
            }
        }
    }

    /// <summary>Who read a bulletin, first reader first.</summary>
    public static async Task<List<ReadView>> ReadersAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.Set<Bulletin>().AnyAsync(b => b.Id == id, cancellationToken))
        {
            throw new NotFoundException("Bulletin", id);
        }

        return await db.Set<BulletinRead>().AsNoTracking().Where(r => r.BulletinId == id).OrderBy(r => r.ReadAt)
            .Select(r => new ReadView(r.UserName, db.Users.Where(u => u.UserName == r.UserName).Select(u => u.DisplayName).FirstOrDefault(), r.ReadAt))
            .ToListAsync(cancellationToken);
    }

    private static BulletinView View(Bulletin b, int reads, bool mine) =>
        new(b.Id, b.Title, b.Body, b.Priority, b.ValidFrom, b.ValidTo, b.PublishedBy, reads, mine, b.Version, b.CreatedAt, b.UpdatedAt);

    /// <summary>Title required; a valid range of China days that does not end in the past. An existing bulletin may keep
    /// a start in the past (<paramref name="keptFrom"/>).</summary>
    private static (DateOnly From, DateOnly To) Validate(BulletinInput input, TimeProvider clock, DateOnly? keptFrom = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var today = ChinaDay.Today(clock);
        var errors = new FieldErrors()
            .Required("title", input.Title, KnowledgeLimits.BulletinTitle).NoPii("title", input.Title)
            .MaxLength("body", input.Body, KnowledgeLimits.BulletinBody).NoPii("body", input.Body);
        if (input.Priority is { } p && !Enum.IsDefined(p))
        {
            errors.Add("priority", "must be Normal, Important or Urgent");
        }

        var from = input.ValidFrom ?? today;
        var to = input.ValidTo ?? from;
        if (from < today && from != keptFrom)
        {
            errors.Add("validFrom", "must not be before today (China time)");
        }

        if (to < from)
        {
            errors.Add("validTo", "must not be before validFrom");
        }
        else if (to.DayNumber - from.DayNumber >= MaxDays)
        {
            errors.Add("validTo", $"must be within {MaxDays} days of validFrom");
        }

        if (from.DayNumber - today.DayNumber > MaxDays)
        {
            errors.Add("validFrom", $"must be within {MaxDays} days from today");
        }

        errors.ThrowIfAny();
        return (from, to);
    }
}
