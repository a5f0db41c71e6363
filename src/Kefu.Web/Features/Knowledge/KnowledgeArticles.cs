using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Knowledge;

/// <summary>The article use cases, shared by the API and the knowledge pages: validation, the state machine of
/// <see cref="KnowledgeArticle"/>, optimistic concurrency on the article's version and the search revision stamp.</summary>
public static class KnowledgeArticles
{
    /// <summary>What a client sends to create or edit an article.</summary>
    public sealed record ArticleInput(string? Title, string? Body, Guid? CategoryId, string? Tags);

    /// <summary>Why a reviewer sends a draft back.</summary>
    public sealed record RejectInput(string? Reason);

    public sealed record VersionView(Guid Id, int Number, string Title, string Body, Guid? CategoryId, IReadOnlyList<string> Tags, ArticleVersionState State,
        string Author, string EditedBy, string? SubmittedBy, DateTime? SubmittedAt, string? DecidedBy, DateTime? DecidedAt, string? RejectionNote,
        DateTime CreatedAt, DateTime UpdatedAt)
    {
        public static VersionView From(ArticleVersion v) => new(v.Id, v.Number, v.Title, v.Body, v.CategoryId, SplitTags(v.Tags), v.State, v.Author, v.EditedBy,
            v.SubmittedBy, v.SubmittedAt, v.DecidedBy, v.DecidedAt, v.RejectionNote, v.CreatedAt, v.UpdatedAt);

        /// <summary>Whether this user wrote, changed or submitted the version (and so may not approve it).</summary>
        public bool WrittenBy(string userName) =>
            string.Equals(Author, userName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(EditedBy, userName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(SubmittedBy, userName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An article: the published version agents read and the working draft, if any.</summary>
    public sealed record ArticleView(Guid Id, ArticleStatus Status, Guid? CategoryId, string Title, VersionView? Published, VersionView? Draft,
        int VersionCount, string CreatedBy, Guid Version, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public static ArticleView From(KnowledgeArticle a)
        {
            var published = a.Published;
            var draft = a.Draft;
            return new ArticleView(a.Id, a.Status, a.CategoryId, (published ?? draft ?? a.Versions.OrderByDescending(v => v.Number).First()).Title,
                published is null ? null : VersionView.From(published), draft is null ? null : VersionView.From(draft), a.Versions.Count, a.CreatedBy,
                a.Version, a.CreatedAt, a.UpdatedAt);
        }
    }

    /// <summary>A row of an article list.</summary>
    public sealed record ArticleSummary(Guid Id, string Title, ArticleStatus Status, Guid? CategoryId, ArticleVersionState? DraftState, DateTime UpdatedAt);

    public static IReadOnlyList<string> SplitTags(string? tags) =>
        string.IsNullOrWhiteSpace(tags) ? [] : tags.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static async Task<KnowledgeArticle> LoadAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Set<KnowledgeArticle>().Include(a => a.Versions).AsSplitQuery();
        return await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new NotFoundException("Knowledge article", id);
    }

    /// <summary>Articles, newest change first, optionally of one status or category (with its sub-categories).</summary>
    public static async Task<List<ArticleSummary>> ListAsync(KefuDbContext db, ArticleStatus? status, Guid? categoryId, bool pendingOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var articles = db.Set<KnowledgeArticle>().AsNoTracking();
        if (status is { } s)
        {
            articles = articles.Where(a => a.Status == s);
        }

        if (categoryId is { } c)
        {
            var ids = await KnowledgeCategories.WithDescendantsAsync(db, c, cancellationToken);
            articles = articles.Where(a => a.CategoryId != null && ids.Contains(a.CategoryId.Value));
        }

        var rows = await articles
            .Select(a => new
            {
                a.Id, a.Status, a.CategoryId, a.UpdatedAt,
                Title = db.Set<ArticleVersion>().Where(v => v.Id == (a.PublishedVersionId ?? a.DraftVersionId)).Select(v => v.Title).FirstOrDefault(),
                DraftState = db.Set<ArticleVersion>().Where(v => v.Id == a.DraftVersionId).Select(v => (ArticleVersionState?)v.State).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows.Where(r => !pendingOnly || r.DraftState == ArticleVersionState.PendingApproval)
            .OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Title, StringComparer.Ordinal)
            .Select(r => new ArticleSummary(r.Id, r.Title ?? "", r.Status, r.CategoryId, r.DraftState, r.UpdatedAt)).ToList();
    }

    public static async Task<KnowledgeArticle> CreateAsync(KefuDbContext db, ArticleInput input, Actor author, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var content = await ValidateAsync(db, input, cancellationToken);
        var article = KnowledgeArticle.Create(content, author, clock.GetUtcNow().UtcDateTime);
        db.Add(article);
        await SaveAsync(db, article, cancellationToken);
        return article;
    }

    public static Task<KnowledgeArticle> EditAsync(KefuDbContext db, Guid id, Guid expectedVersion, ArticleInput input, Actor editor, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(db, id, expectedVersion, async (article, now) =>
        {
            var content = await ValidateAsync(db, input, cancellationToken);
            var draftBefore = article.DraftVersionId;
            var changed = article.Edit(content, editor, now);
            if (draftBefore != changed.Id)
            {
                db.Add(changed); // a new version row; EF Core would otherwise not see it in the loaded collection
            }
        }, clock, cancellationToken);

    public static Task<KnowledgeArticle> SubmitAsync(KefuDbContext db, Guid id, Guid expectedVersion, Actor actor, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(db, id, expectedVersion, (article, now) =>
        {
            article.Submit(actor, now);
            return Task.CompletedTask;
        }, clock, cancellationToken);

    public static Task<KnowledgeArticle> ApproveAsync(KefuDbContext db, Guid id, Guid expectedVersion, Actor approver, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(db, id, expectedVersion, (article, now) =>
        {
            article.Approve(approver, now);
            return Task.CompletedTask;
        }, clock, cancellationToken);

    public static Task<KnowledgeArticle> RejectAsync(KefuDbContext db, Guid id, Guid expectedVersion, RejectInput input, Actor reviewer, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors().Required("reason", input.Reason, 1000).NoPii("reason", input.Reason);
        errors.ThrowIfAny();
        return ChangeAsync(db, id, expectedVersion, (article, now) =>
        {
            article.Reject(reviewer, input.Reason!.Trim(), now);
            return Task.CompletedTask;
        }, clock, cancellationToken);
    }

    public static Task<KnowledgeArticle> ArchiveAsync(KefuDbContext db, Guid id, Guid expectedVersion, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(db, id, expectedVersion, (article, _) =>
        {
            article.Archive();
            return Task.CompletedTask;
        }, clock, cancellationToken);

    public static Task<KnowledgeArticle> RestoreAsync(KefuDbContext db, Guid id, Guid expectedVersion, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(db, id, expectedVersion, (article, _) =>
        {
            article.Restore();
            return Task.CompletedTask;
        }, clock, cancellationToken);

    /// <summary>Loads the article for writing, checks the client's version (412 when stale), applies the change and saves.</summary>
    private static async Task<KnowledgeArticle> ChangeAsync(KefuDbContext db, Guid id, Guid expectedVersion, Func<KnowledgeArticle, DateTime, Task> change,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var article = await LoadAsync(db, id, cancellationToken, tracked: true);
        if (article.Version != expectedVersion)
        {
            throw new StaleVersionException("Knowledge article", article.Version);
        }

        // The store re-checks the version in the UPDATE, so a change racing between our read and save also fails.
        db.Entry(article).Property(a => a.Version).OriginalValue = expectedVersion;
        await change(article, clock.GetUtcNow().UtcDateTime);
        db.Entry(article).State = EntityState.Modified; // renews the ETag even when only a version row changed
        await SaveAsync(db, article, cancellationToken);
        return article;
    }

    private static async Task SaveAsync(KefuDbContext db, KnowledgeArticle article, CancellationToken cancellationToken)
    {
        await KnowledgeSearch.TouchAsync(db, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<KnowledgeArticle>().AsNoTracking().Where(a => a.Id == article.Id).Select(a => a.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Knowledge article", current);
        }
    }

    /// <summary>Field rules: title and body required, lengths, an existing category, no ID/card numbers or passwords (seed 003 §3.1).</summary>
    private static async Task<ArticleContent> ValidateAsync(KefuDbContext db, ArticleInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors()
            .Required("title", input.Title, KnowledgeLimits.Title).NoPii("title", input.Title)
            .Required("body", input.Body, KnowledgeLimits.Body).NoPii("body", input.Body)
            .MaxLength("tags", input.Tags, KnowledgeLimits.Tags);
        if (input.CategoryId is { } categoryId && !await db.Set<KnowledgeCategory>().AnyAsync(c => c.Id == categoryId, cancellationToken))
        {
            errors.Add("categoryId", "must name an existing knowledge category");
        }

        errors.ThrowIfAny();
        var tags = SplitTags(input.Tags);
        return new ArticleContent(input.Title!.Trim(), Infrastructure.RichText.Sanitize(input.Body!.Trim())!, input.CategoryId, tags.Count == 0 ? null : string.Join(", ", tags));
    }
}
