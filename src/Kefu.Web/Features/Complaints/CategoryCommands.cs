using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>Editing the complaint category tree, shared by the API and the admin page.</summary>
public static class CategoryCommands
{
    public static async Task<ComplaintCategory> CreateAsync(KefuDbContext db, ComplaintsApi.CategoryInput input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("code", input.Code, 32).Required("name", input.Name, 64).NoPii("name", input.Name);
        if (input.Code is { } raw && !raw.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors.Add("code", "may contain only letters, digits, '_' and '-'");
        }

        errors.ThrowIfAny();
        var code = input.Code!.Trim().ToUpperInvariant();
        if (await db.ComplaintCategories.AnyAsync(c => c.Code == code, cancellationToken))
        {
            errors.Add("code", "must be unique: another category has this code");
        }

        if (input.ParentId is { } parent && !await db.ComplaintCategories.AnyAsync(c => c.Id == parent, cancellationToken))
        {
            errors.Add("parentId", "must name an existing category");
        }

        errors.ThrowIfAny();
        var count = await db.ComplaintCategories.CountAsync(cancellationToken);
        var category = new ComplaintCategory { Id = Ids.New(), Code = code, Name = input.Name!.Trim(), ParentId = input.ParentId, SortOrder = count + 1 };
        db.ComplaintCategories.Add(category);
        await db.SaveChangesAsync(cancellationToken);
        return category;
    }

    /// <summary>Retires or restores a category (complaints keep theirs; new complaints cannot pick a retired one).</summary>
    public static async Task<ComplaintCategory> SetActiveAsync(KefuDbContext db, Guid id, Guid expectedVersion, bool active, CancellationToken cancellationToken)
    {
        var category = await db.ComplaintCategories.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Category", id);
        if (category.Version != expectedVersion)
        {
            throw new StaleVersionException("Category", category.Version);
        }

        db.Entry(category).Property(c => c.Version).OriginalValue = expectedVersion;
        category.IsActive = active;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException("Category", await db.ComplaintCategories.AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).SingleAsync(cancellationToken));
        }

        return category;
    }
}
