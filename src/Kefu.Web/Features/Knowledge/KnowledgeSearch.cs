using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Quality;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Knowledge;

/// <summary>
/// The search of this app instance: an in-memory <see cref="KnowledgeIndex"/> rebuilt from the store whenever the
/// store's <see cref="KnowledgeRevision"/> stamp differs from the one the index was built at. Checking costs one
/// primary-key read per search; every instance on the same database sees every change at its next search.
/// </summary>
public sealed class KnowledgeSearch(ILogger<KnowledgeSearch> log) : IDisposable
{
    private readonly SemaphoreSlim rebuilding = new(1, 1);
    private (Guid Stamp, KnowledgeIndex Index)? current;

    /// <summary>How many times this instance rebuilt its index (for tests and metrics).</summary>
    public int Rebuilds { get; private set; }

    /// <summary>Renews the revision stamp; call before the SaveChanges that changes articles or categories, so both commit together.</summary>
    public static async Task TouchAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var revision = await db.Set<KnowledgeRevision>().SingleOrDefaultAsync(r => r.Id == KnowledgeRevision.SingletonId, cancellationToken);
        if (revision is null)
        {
            db.Add(new KnowledgeRevision { Id = KnowledgeRevision.SingletonId, Stamp = Guid.NewGuid() });
        }
        else
        {
            revision.Stamp = Guid.NewGuid();
        }
    }

    /// <summary>Searches articles: published versions only, unless <paramref name="includeDrafts"/> (editors).</summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(KefuDbContext db, string query, bool includeDrafts, Guid? categoryId, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var index = await IndexAsync(db, cancellationToken);
        var categories = categoryId is { } c ? await KnowledgeCategories.WithDescendantsAsync(db, c, cancellationToken) : null;
        return index.Search(query ?? "", includeDrafts, categories, top);
    }

    /// <summary>The index as of the store's current revision, rebuilt first when the store changed.</summary>
    public async Task<KnowledgeIndex> IndexAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stamp = await StampAsync(db, cancellationToken);
        if (current is { } known && known.Stamp == stamp)
        {
            return known.Index;
        }

        await rebuilding.WaitAsync(cancellationToken);
        try
        {
            if (current is { } again && again.Stamp == stamp)
            {
                return again.Index;
            }

            // The stamp is read before the rows: a change committed in between renews the stamp again, so the next
            // search rebuilds once more instead of trusting an index that missed it.
            var index = KnowledgeIndex.Build(await LoadAsync(db, cancellationToken));
            // The old index is not disposed: a search still running on it keeps its reader; the GC takes it after.
            current = (stamp, index);
            Rebuilds++;
            log.LogInformation("Knowledge index rebuilt: {Count} versions", index.Count);
            return index;
        }
        finally
        {
            rebuilding.Release();
        }
    }

    /// <summary>Articles suggested for a call: its IVR queue and menu path, what the caller said so far (customer
    /// segments of the transcript, latest first), and the agent's note. Published articles only.</summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SuggestForCallAsync(KefuDbContext db, string callId, string? extraText, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var call = await db.Set<CallRecord>().AsNoTracking().Where(c => c.Id == callId).Select(c => new { c.Queue, c.IvrPath, c.Note }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new Infrastructure.NotFoundException("Call", callId);
        var queueName = call.Queue is null ? null
            : await db.Set<CallQueue>().AsNoTracking().Where(q => q.Id == call.Queue).Select(q => q.Name).SingleOrDefaultAsync(cancellationToken);
        var transcript = await QualityApi.TranscriptOfAsync(db, callId, cancellationToken);
        var said = transcript.Where(s => s.Speaker == TranscriptSpeaker.Customer).Select(s => s.Text).Reverse().Take(12).Reverse();
        var text = string.Join("\n", new[] { queueName, extraText, string.Equals(extraText, call.Note, StringComparison.Ordinal) ? null : call.Note }.Concat(said).Where(t => !string.IsNullOrWhiteSpace(t)));
        return await SuggestAsync(db, text, top, cancellationToken);
    }

    /// <summary>Articles suggested for a complaint: its category, summary, core problem and cause as recorded so far.</summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SuggestForComplaintAsync(KefuDbContext db, Guid complaintId, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var complaint = await db.Complaints.AsNoTracking().Where(c => c.Id == complaintId)
            .Select(c => new { c.Summary, c.CoreProblem, c.EventCause, Category = db.ComplaintCategories.Where(k => k.Id == c.CategoryId).Select(k => k.Name).FirstOrDefault() })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new Infrastructure.NotFoundException("Complaint", complaintId);
        var text = string.Join("\n", new[] { complaint.Category, complaint.Summary, complaint.CoreProblem, complaint.EventCause }.Where(t => !string.IsNullOrWhiteSpace(t)));
        return await SuggestAsync(db, text, top, cancellationToken);
    }

    /// <summary>Articles suggested for a free text.</summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SuggestAsync(KefuDbContext db, string text, int top, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        // A long transcript is cut to its last 1,500 characters: what was said last matters most.
        var query = text.Length > 1500 ? text[^1500..] : text;
        return await SearchAsync(db, query, includeDrafts: false, categoryId: null, top, cancellationToken);
    }

    private static async Task<Guid> StampAsync(KefuDbContext db, CancellationToken cancellationToken) =>
        await db.Set<KnowledgeRevision>().AsNoTracking().Where(r => r.Id == KnowledgeRevision.SingletonId).Select(r => r.Stamp).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Every published version, and every working draft (for editors), of articles that are not archived.</summary>
    private static async Task<List<IndexedArticle>> LoadAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        var categories = await db.Set<KnowledgeCategory>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var rows = await (
                from a in db.Set<KnowledgeArticle>().AsNoTracking()
                where a.Status != ArticleStatus.Archived
                from v in db.Set<ArticleVersion>().AsNoTracking()
                where v.ArticleId == a.Id && (v.Id == a.PublishedVersionId || v.Id == a.DraftVersionId)
                select new { v.ArticleId, v.Id, v.Number, v.Title, v.Body, v.Tags, v.CategoryId, Published = v.Id == a.PublishedVersionId })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(r => new IndexedArticle(r.ArticleId, r.Id, r.Number, r.Title, r.Body, r.Tags, r.CategoryId,
            r.CategoryId is { } c ? categories.GetValueOrDefault(c) : null, r.Published));
    }

    public void Dispose()
    {
        current?.Index.Dispose();
        rebuilding.Dispose();
    }
}
