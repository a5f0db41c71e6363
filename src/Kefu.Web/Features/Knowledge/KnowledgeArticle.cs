using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Knowledge;

/// <summary>Where an article is in its life (SPEC §2 "knowledge base answers for routine questions").</summary>
public enum ArticleStatus
{
    /// <summary>Never published; its first version is being written.</summary>
    Draft = 1,

    /// <summary>Never published; its first version waits for a QA, supervisor or admin to approve it.</summary>
    PendingApproval = 2,

    /// <summary>A version is published and searchable by agents (a newer version may be in the works).</summary>
    Published = 3,

    /// <summary>Taken out of use: not searchable, not suggested; its history stays.</summary>
    Archived = 4,
}

/// <summary>Where one version of an article is.</summary>
public enum ArticleVersionState
{
    /// <summary>Being written (or sent back by a reviewer).</summary>
    Draft = 1,

    /// <summary>Submitted; waits for approval by someone other than its authors.</summary>
    PendingApproval = 2,

    /// <summary>The version agents read.</summary>
    Published = 3,

    /// <summary>Was published; a newer version replaced it.</summary>
    Superseded = 4,
}

/// <summary>What an author writes: the content of one version.</summary>
/// <param name="Title">Short title, what an agent scans in a result list.</param>
/// <param name="Body">Plain text with simple markdown (## headings, - and 1. lists, **bold**); never rendered as HTML.</param>
/// <param name="CategoryId">The category, if any.</param>
/// <param name="Tags">Keywords and the customer's own words for the topic (e.g. "钱什么时候到账"), comma-separated.</param>
public sealed record ArticleContent(string Title, string Body, Guid? CategoryId, string? Tags);

/// <summary>
/// A knowledge-base article (知识库文章). Every change goes through versions: an edit of a published article starts a
/// new draft version while the published one stays what agents read; a QA, supervisor or admin who did not write the
/// draft approves it, which publishes it and supersedes the old one. The whole history is kept.
/// </summary>
public sealed class KnowledgeArticle : IVersioned, ITimestamped
{
    public Guid Id { get; set; }

    /// <summary>The category of the published version (or of the first draft before anything is published).</summary>
    public Guid? CategoryId { get; set; }

    public ArticleStatus Status { get; set; } = ArticleStatus.Draft;

    /// <summary>The version agents read; null until the first approval.</summary>
    public Guid? PublishedVersionId { get; set; }

    /// <summary>The version being written or waiting for approval; null when there is none.</summary>
    public Guid? DraftVersionId { get; set; }

    public required string CreatedBy { get; set; }

    public List<ArticleVersion> Versions { get; set; } = [];

    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The published version, if any (needs <see cref="Versions"/> loaded).</summary>
    public ArticleVersion? Published => Versions.FirstOrDefault(v => v.Id == PublishedVersionId);

    /// <summary>The working draft, if any (needs <see cref="Versions"/> loaded).</summary>
    public ArticleVersion? Draft => Versions.FirstOrDefault(v => v.Id == DraftVersionId);

    /// <summary>A new article with its first version as a draft.</summary>
    public static KnowledgeArticle Create(ArticleContent content, Actor author, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(author);
        var article = new KnowledgeArticle { Id = Ids.New(), CategoryId = content.CategoryId, CreatedBy = author.Name };
        var first = ArticleVersion.Start(article.Id, 1, content, author, now);
        article.Versions.Add(first);
        article.DraftVersionId = first.Id;
        return article;
    }

    /// <summary>
    /// Applies an edit. A draft (or a version waiting for approval, which goes back to draft) is changed in place; a
    /// published article without a draft gets a new draft version, and the published one stays searchable until that
    /// draft is approved. Returns the version that holds the edit.
    /// </summary>
    public ArticleVersion Edit(ArticleContent content, Actor editor, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(editor);
        EnsureNotArchived();
        if (Draft is { } draft)
        {
            draft.Apply(content, editor, now);
            draft.State = ArticleVersionState.Draft;
            draft.SubmittedBy = null;
            draft.SubmittedAt = null;
            if (PublishedVersionId is null)
            {
                Status = ArticleStatus.Draft;
                CategoryId = content.CategoryId;
            }

            return draft;
        }

        var next = ArticleVersion.Start(Id, Versions.Max(v => v.Number) + 1, content, editor, now);
        Versions.Add(next);
        DraftVersionId = next.Id;
        return next;
    }

    /// <summary>Sends the draft for approval.</summary>
    public ArticleVersion Submit(Actor actor, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        EnsureNotArchived();
        var draft = Draft ?? throw new ConflictException("The article has no draft to submit.", ["knowledge-no-draft"]);
        if (draft.State != ArticleVersionState.Draft)
        {
            throw new ConflictException("The draft was submitted already.", ["knowledge-already-submitted"]);
        }

        draft.State = ArticleVersionState.PendingApproval;
        draft.SubmittedBy = actor.Name;
        draft.SubmittedAt = now;
        draft.RejectionNote = null;
        if (PublishedVersionId is null)
        {
            Status = ArticleStatus.PendingApproval;
        }

        return draft;
    }

    /// <summary>Publishes the submitted draft. Whoever wrote or submitted it may not approve it (four-eyes rule).</summary>
    public ArticleVersion Approve(Actor approver, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(approver);
        EnsureNotArchived();
        var draft = PendingDraft();
        if (draft.WrittenBy(approver.Name))
        {
            throw new ForbiddenException("An author cannot approve their own version: another QA, supervisor or admin must approve it.");
        }

        if (Published is { } old)
        {
            old.State = ArticleVersionState.Superseded;
        }

        draft.State = ArticleVersionState.Published;
        draft.DecidedBy = approver.Name;
        draft.DecidedAt = now;
        PublishedVersionId = draft.Id;
        DraftVersionId = null;
        CategoryId = draft.CategoryId;
        Status = ArticleStatus.Published;
        return draft;
    }

    /// <summary>Sends the submitted draft back to its authors with a reason.</summary>
    public ArticleVersion Reject(Actor reviewer, string reason, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        EnsureNotArchived();
        var draft = PendingDraft();
        draft.State = ArticleVersionState.Draft;
        draft.RejectionNote = reason;
        draft.DecidedBy = reviewer.Name;
        draft.DecidedAt = now;
        if (PublishedVersionId is null)
        {
            Status = ArticleStatus.Draft;
        }

        return draft;
    }

    /// <summary>Takes the article out of use: no longer searched or suggested.</summary>
    public void Archive()
    {
        EnsureNotArchived();
        Status = ArticleStatus.Archived;
    }

    /// <summary>Brings an archived article back as it was (published if it had a published version).</summary>
    public void Restore()
    {
        if (Status != ArticleStatus.Archived)
        {
            throw new ConflictException("The article is not archived.", ["knowledge-not-archived"]);
        }

        Status = PublishedVersionId is not null ? ArticleStatus.Published
            : Draft?.State == ArticleVersionState.PendingApproval ? ArticleStatus.PendingApproval
            : ArticleStatus.Draft;
    }

    private ArticleVersion PendingDraft()
    {
        var draft = Draft;
        if (draft is null || draft.State != ArticleVersionState.PendingApproval)
        {
            throw new ConflictException("No version of the article waits for approval: submit the draft first.", ["knowledge-not-submitted"]);
        }

        return draft;
    }

    private void EnsureNotArchived()
    {
        if (Status == ArticleStatus.Archived)
        {
            throw new ConflictException("The article is archived: restore it first.", ["knowledge-archived"]);
        }
    }
}

/// <summary>One version of an article's content, kept for the history once superseded.</summary>
public sealed class ArticleVersion : ITimestamped
{
    public Guid Id { get; set; }
    public Guid ArticleId { get; set; }

    /// <summary>1, 2, 3 … in the order the versions were started.</summary>
    public int Number { get; set; }

    public required string Title { get; set; }
    public required string Body { get; set; }
    public Guid? CategoryId { get; set; }
    public string? Tags { get; set; }
    public ArticleVersionState State { get; set; } = ArticleVersionState.Draft;

    /// <summary>Who started the version.</summary>
    public required string Author { get; set; }

    /// <summary>Who changed it last (the author when nobody else did).</summary>
    public required string EditedBy { get; set; }

    public string? SubmittedBy { get; set; }
    public DateTime? SubmittedAt { get; set; }

    /// <summary>Who approved (published) or sent it back, and when.</summary>
    public string? DecidedBy { get; set; }

    public DateTime? DecidedAt { get; set; }

    /// <summary>Why a reviewer sent it back.</summary>
    public string? RejectionNote { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Whether this user wrote, changed or submitted the version.</summary>
    public bool WrittenBy(string userName) =>
        string.Equals(Author, userName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(EditedBy, userName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(SubmittedBy, userName, StringComparison.OrdinalIgnoreCase);

    internal static ArticleVersion Start(Guid articleId, int number, ArticleContent content, Actor author, DateTime now) => new()
    {
        Id = Ids.New(),
        ArticleId = articleId,
        Number = number,
        Title = content.Title,
        Body = content.Body,
        CategoryId = content.CategoryId,
        Tags = content.Tags,
        Author = author.Name,
        EditedBy = author.Name,
        CreatedAt = now,
        UpdatedAt = now,
    };

    internal void Apply(ArticleContent content, Actor editor, DateTime now)
    {
        Title = content.Title;
        Body = content.Body;
        CategoryId = content.CategoryId;
        Tags = content.Tags;
        EditedBy = editor.Name;
        UpdatedAt = now;
    }
}
