using Kefu.Web.Data;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>Loading and saving a complaint with the checks every use case shares.</summary>
public static class ComplaintStore
{
    public static async Task<Complaint> LoadAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken) =>
        await db.Complaints
            .Include(c => c.Inquiries).Include(c => c.Disagreements).Include(c => c.Findings).Include(c => c.Timeline).Include(c => c.Deadlines)
            .AsSplitQuery()
            .SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
        ?? throw new NotFoundException("Complaint", id);

    /// <summary>Loads the complaint and, when the client sent a version (If-Match), checks it is still current.</summary>
    public static async Task<Complaint> LoadForWriteAsync(KefuDbContext db, Guid id, Guid? expectedVersion, CancellationToken cancellationToken)
    {
        var complaint = await LoadAsync(db, id, cancellationToken);
        if (expectedVersion is { } expected)
        {
            if (complaint.Version != expected)
            {
                throw new StaleVersionException("Complaint", complaint.Version);
            }

            db.Entry(complaint).Property(c => c.Version).OriginalValue = expected;
        }

        return complaint;
    }

    /// <summary>Saves; a concurrent change of the same complaint (its version moved on) becomes a 412 with the current version.</summary>
    public static async Task SaveAsync(KefuDbContext db, Complaint complaint, CancellationToken cancellationToken)
    {
        db.Entry(complaint).State = db.Entry(complaint).State == EntityState.Added ? EntityState.Added : EntityState.Modified;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Complaints.AsNoTracking().Where(c => c.Id == complaint.Id).Select(c => c.Version).SingleOrDefaultAsync(cancellationToken);
            throw new StaleVersionException("Complaint", current);
        }
    }

    /// <summary>Free text for a complaint field: trimmed, length-checked, PII masked (seed 003 §3.1).</summary>
    public static string? Text(FieldErrors errors, string field, string? value, int maxLength = 4000)
    {
        errors.MaxLength(field, value, maxLength);
        return string.IsNullOrWhiteSpace(value) ? null : PiiDetector.Mask(value.Trim());
    }
}
