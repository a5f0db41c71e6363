using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Knowledge;

/// <summary>Knowledge categories: a small editable tree.</summary>
public static class KnowledgeCategories
{
    public sealed record CategoryInput(string? Name, Guid? ParentId, int? SortOrder);

    public sealed record CategoryView(Guid Id, string Name, Guid? ParentId, int SortOrder, Guid Version)
    {
        public static CategoryView From(KnowledgeCategory c) => new(c.Id, c.Name, c.ParentId, c.SortOrder, c.Version);
    }

    /// <summary>All categories, parents before children, in sort order.</summary>
    public static async Task<List<CategoryView>> ListAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var all = await db.Set<KnowledgeCategory>().AsNoTracking().ToListAsync(cancellationToken);
        var ordered = new List<CategoryView>(all.Count);
        void Add(Guid? parent)
        {
            foreach (var c in all.Where(c => c.ParentId == parent).OrderBy(c => c.SortOrder).ThenBy(c => c.Name, StringComparer.Ordinal))
            {
                ordered.Add(CategoryView.From(c));
                Add(c.Id);
            }
        }

        Add(null);
        return ordered;
    }

    /// <summary>A category and everything below it.</summary>
    public static async Task<HashSet<Guid>> WithDescendantsAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var all = await db.Set<KnowledgeCategory>().AsNoTracking().Select(c => new { c.Id, c.ParentId }).ToListAsync(cancellationToken);
        var result = new HashSet<Guid> { id };
        bool grew;
        do
        {
            grew = false;
            foreach (var c in all.Where(c => c.ParentId is { } p && result.Contains(p)))
            {
                grew |= result.Add(c.Id);
            }
        }
        while (grew);
        return result;
    }

    public static async Task<KnowledgeCategory> CreateAsync(KefuDbContext db, CategoryInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await ValidateAsync(db, null, input, cancellationToken);
        var category = new KnowledgeCategory { Id = Ids.New(), Name = input.Name!.Trim(), ParentId = input.ParentId, SortOrder = input.SortOrder ?? 0 };
        db.Add(category);
        await KnowledgeSearch.TouchAsync(db, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return category;
    }

    public static async Task<KnowledgeCategory> UpdateAsync(KefuDbContext db, Guid id, Guid expectedVersion, CategoryInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var category = await db.Set<KnowledgeCategory>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Knowledge category", id);
        if (category.Version != expectedVersion)
        {
            throw new StaleVersionException("Knowledge category", category.Version);
        }

        await ValidateAsync(db, id, input, cancellationToken);
        db.Entry(category).Property(c => c.Version).OriginalValue = expectedVersion;
        category.Name = input.Name!.Trim();
        category.ParentId = input.ParentId;
        category.SortOrder = input.SortOrder ?? category.SortOrder;
        await KnowledgeSearch.TouchAsync(db, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<KnowledgeCategory>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Knowledge category", current);
        }

        return category;
    }

    /// <summary>Removes an empty category (no articles, versions or sub-categories in it).</summary>
    public static async Task DeleteAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var category = await db.Set<KnowledgeCategory>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException("Knowledge category", id);
        if (await db.Set<KnowledgeCategory>().AnyAsync(c => c.ParentId == id, cancellationToken)
            || await db.Set<ArticleVersion>().AnyAsync(v => v.CategoryId == id, cancellationToken))
        {
            throw new ConflictException("The category still has articles or sub-categories.", ["knowledge-category-in-use"]);
        }

        db.Remove(category);
        await KnowledgeSearch.TouchAsync(db, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task ValidateAsync(KefuDbContext db, Guid? self, CategoryInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors().Required("name", input.Name, KnowledgeLimits.CategoryName);
        if (input.ParentId is { } parent)
        {
            if (!await db.Set<KnowledgeCategory>().AnyAsync(c => c.Id == parent, cancellationToken))
            {
                errors.Add("parentId", "must name an existing knowledge category");
            }
            else if (self is { } id && (await WithDescendantsAsync(db, id, cancellationToken)).Contains(parent))
            {
                errors.Add("parentId", "must not be the category itself or one of its sub-categories");
            }
        }

        if (!string.IsNullOrWhiteSpace(input.Name))
        {
            var name = input.Name.Trim();
            if (await db.Set<KnowledgeCategory>().AnyAsync(c => c.Name == name && c.ParentId == input.ParentId && c.Id != self, cancellationToken))
            {
                errors.Add("name", "must be unique among the categories of the same parent");
            }
        }

        errors.ThrowIfAny();
    }
}
