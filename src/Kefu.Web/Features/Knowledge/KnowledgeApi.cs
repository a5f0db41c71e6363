using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kefu.Web.Features.Knowledge;

/// <summary>Who may do what in the knowledge base: every staff member reads and proposes; QA, supervisors and admins
/// (editors) approve, archive, keep the categories and publish bulletins.</summary>
public static class KnowledgePolicies
{
    public const string Editor = "KnowledgeEditor";

    public static IServiceCollection AddKnowledge(this IServiceCollection services)
    {
        services.AddSingleton<KnowledgeSearch>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Editor, p => p.RequireRole(KefuRoles.QA, KefuRoles.Supervisor, KefuRoles.Admin));
        return services;
    }

    /// <summary>Whether the user is a knowledge editor.</summary>
    public static async Task<bool> IsEditorAsync(IAuthorizationService authorization, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return (await authorization.AuthorizeAsync(user, Editor)).Succeeded;
    }
}

/// <summary>Knowledge base: articles with versions and approval, categories, search, suggestions, daily bulletins.</summary>
public static class KnowledgeApi
{
    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/knowledge").WithTags("Knowledge").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/search", Search).WithName("SearchKnowledge")
            .WithSummary("Search articles (Chinese bigrams, Traditional and full-width folded; title counts most). q required; category includes sub-categories; drafts=true for editors includes working drafts.");
        group.MapGet("/suggestions", Suggestions).WithName("SuggestKnowledge")
            .WithSummary("Top published articles for a call (IVR queue, caller's transcript so far, note), a complaint (category, summary, core problem) or a free text. Give callId, complaintId or text.");

        group.MapGet("/articles", ListArticles).WithName("ListKnowledgeArticles").WithSummary("Articles, newest change first; filter by status, categoryId (with sub-categories) or pending=true (drafts waiting for approval).");
        group.MapGet("/articles/{id:guid}", GetArticle).WithName("GetKnowledgeArticle").WithSummary("An article: its published version and its working draft. ETag for If-Match.");
        group.MapPost("/articles", CreateArticle).WithName("CreateKnowledgeArticle").WithSummary("Propose an article: title, body, categoryId?, tags? (comma-separated). Starts as draft version 1.")
            .ProducesValidationProblem();
        group.MapPut("/articles/{id:guid}", EditArticle).WithName("EditKnowledgeArticle")
            .WithSummary("Edit an article. A published article gets a new draft version and stays published as it was until the draft is approved. Requires If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/articles/{id:guid}/submit", Submit).WithName("SubmitKnowledgeArticle").WithSummary("Send the draft for approval. Requires If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/articles/{id:guid}/approve", Approve).RequireAuthorization(KnowledgePolicies.Editor).WithName("ApproveKnowledgeArticle")
            .WithSummary("Publish the submitted draft (QA, supervisor or admin who did not write or submit it). Requires If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/articles/{id:guid}/reject", Reject).RequireAuthorization(KnowledgePolicies.Editor).WithName("RejectKnowledgeArticle")
            .WithSummary("Send the submitted draft back with a reason. Requires If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/articles/{id:guid}/archive", Archive).RequireAuthorization(KnowledgePolicies.Editor).WithName("ArchiveKnowledgeArticle")
            .WithSummary("Take an article out of use (no longer searched or suggested). Requires If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/articles/{id:guid}/restore", Restore).RequireAuthorization(KnowledgePolicies.Editor).WithName("RestoreKnowledgeArticle")
            .WithSummary("Bring an archived article back. Requires If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/articles/{id:guid}/versions", Versions).WithName("ListKnowledgeArticleVersions").WithSummary("Every version of an article, newest first.");
        group.MapGet("/articles/{id:guid}/versions/{number:int}", VersionByNumber).WithName("GetKnowledgeArticleVersion").WithSummary("One version of an article.");

        group.MapGet("/categories", Categories).WithName("ListKnowledgeCategories").WithSummary("Categories, parents before their children.");
        group.MapPost("/categories", CreateCategory).RequireAuthorization(KnowledgePolicies.Editor).WithName("CreateKnowledgeCategory")
            .WithSummary("Add a category (name, parentId?, sortOrder?).").ProducesValidationProblem();
        group.MapPut("/categories/{id:guid}", UpdateCategory).RequireAuthorization(KnowledgePolicies.Editor).WithName("UpdateKnowledgeCategory")
            .WithSummary("Rename or move a category. Requires If-Match.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/categories/{id:guid}", DeleteCategory).RequireAuthorization(KnowledgePolicies.Editor).WithName("DeleteKnowledgeCategory")
            .WithSummary("Remove an empty category.").ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/bulletins/today", BulletinsToday).WithName("TodaysBulletins").WithSummary("今日重点提醒: bulletins valid today (China time), most urgent first, with readByMe.");
        group.MapGet("/bulletins", ListBulletins).WithName("ListBulletins").WithSummary("Bulletins overlapping from..to (China calendar days; all when omitted), with read counts.");
        group.MapGet("/bulletins/{id:guid}", GetBulletin).WithName("GetBulletin").WithSummary("A bulletin. ETag for If-Match.");
        group.MapPost("/bulletins", CreateBulletin).RequireAuthorization(KnowledgePolicies.Editor).WithName("CreateBulletin")
            .WithSummary("Publish a bulletin: title, body?, priority (Normal, Important, Urgent), validFrom, validTo (China calendar days, inclusive).").ProducesValidationProblem();
        group.MapPut("/bulletins/{id:guid}", UpdateBulletin).RequireAuthorization(KnowledgePolicies.Editor).WithName("UpdateBulletin")
            .WithSummary("Change a bulletin. Requires If-Match.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/bulletins/{id:guid}", DeleteBulletin).RequireAuthorization(KnowledgePolicies.Editor).WithName("DeleteBulletin")
            .WithSummary("Withdraw a bulletin. Requires If-Match.").ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/bulletins/{id:guid}/read", MarkRead).WithName("MarkBulletinRead").WithSummary("Record that the signed-in user read the bulletin (idempotent).");
        group.MapGet("/bulletins/{id:guid}/reads", Readers).RequireAuthorization(KnowledgePolicies.Editor).WithName("BulletinReaders").WithSummary("Who read a bulletin, and when.");
        return routes;
    }

    public sealed record HitView(Guid ArticleId, Guid VersionId, int VersionNumber, string Title, Guid? CategoryId, string? CategoryName, bool Published, float Score, string Snippet)
    {
        public static HitView From(KnowledgeHit h) => new(h.ArticleId, h.VersionId, h.Number, h.Title, h.CategoryId, h.CategoryName, h.Published, h.Score, h.Snippet);
    }

    // ------------------------------------------------------------------ search

    internal static async Task<Ok<List<HitView>>> Search(string? q, Guid? category, bool? drafts, int? top, ClaimsPrincipal user,
        IAuthorizationService authorization, KefuDbContext db, KnowledgeSearch search, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("q", q, 500);
        if (top is < 1 or > 50)
        {
            errors.Add("top", "must be between 1 and 50");
        }

        errors.ThrowIfAny();
        // Agents find published articles only; an editor may ask for drafts too.
        var includeDrafts = drafts == true && await KnowledgePolicies.IsEditorAsync(authorization, user);
        var hits = await search.SearchAsync(db, q!, includeDrafts, category, top ?? 10, cancellationToken);
        return TypedResults.Ok(hits.Select(HitView.From).ToList());
    }

    internal static async Task<Ok<List<HitView>>> Suggestions(string? callId, Guid? complaintId, string? text, int? top, KefuDbContext db, KnowledgeSearch search, CancellationToken cancellationToken)
    {
        var count = top is >= 1 and <= 10 ? top.Value : 5;
        if (callId is null && complaintId is null && string.IsNullOrWhiteSpace(text))
        {
            throw FieldValidationException.For("callId", "give callId, complaintId or text");
        }

        if (text is { Length: > 4000 })
        {
            throw FieldValidationException.For("text", "must be at most 4000 characters");
        }

        IReadOnlyList<KnowledgeHit> hits = callId is not null
            ? await search.SuggestForCallAsync(db, callId, text, count, cancellationToken)
            : complaintId is { } c
                ? await search.SuggestForComplaintAsync(db, c, count, cancellationToken)
                : await search.SuggestAsync(db, text!, count, cancellationToken);
        return TypedResults.Ok(hits.Select(HitView.From).ToList());
    }

    // ------------------------------------------------------------------ articles

    internal static async Task<Ok<List<KnowledgeArticles.ArticleSummary>>> ListArticles(ArticleStatus? status, Guid? categoryId, bool? pending, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await KnowledgeArticles.ListAsync(db, status, categoryId, pending == true, cancellationToken));

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> GetArticle(Guid id, HttpResponse response, KefuDbContext db, CancellationToken cancellationToken) =>
        Tagged(response, await KnowledgeArticles.LoadAsync(db, id, cancellationToken));

    internal static async Task<Created<KnowledgeArticles.ArticleView>> CreateArticle(KnowledgeArticles.ArticleInput input, ClaimsPrincipal user, HttpResponse response,
        KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var article = await KnowledgeArticles.CreateAsync(db, input, CurrentActor.From(user), clock, cancellationToken);
        response.Headers.ETag = ETags.Format(article.Version);
        return TypedResults.Created($"/api/v1/knowledge/articles/{article.Id}", KnowledgeArticles.ArticleView.From(article));
    }

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> EditArticle(Guid id, KnowledgeArticles.ArticleInput input, ClaimsPrincipal user, HttpRequest request,
        KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Tagged(request.HttpContext.Response,
            await KnowledgeArticles.EditAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), clock, cancellationToken));

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> Submit(Guid id, ClaimsPrincipal user, HttpRequest request, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Tagged(request.HttpContext.Response, await KnowledgeArticles.SubmitAsync(db, id, ETags.RequireIfMatch(request), CurrentActor.From(user), clock, cancellationToken));

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> Approve(Guid id, ClaimsPrincipal user, HttpRequest request, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Tagged(request.HttpContext.Response, await KnowledgeArticles.ApproveAsync(db, id, ETags.RequireIfMatch(request), CurrentActor.From(user), clock, cancellationToken));

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> Reject(Guid id, KnowledgeArticles.RejectInput input, ClaimsPrincipal user, HttpRequest request, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken) =>
        Tagged(request.HttpContext.Response, await KnowledgeArticles.RejectAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), clock, cancellationToken));

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> Archive(Guid id, HttpRequest request, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Tagged(request.HttpContext.Response, await KnowledgeArticles.ArchiveAsync(db, id, ETags.RequireIfMatch(request), clock, cancellationToken));

    internal static async Task<Ok<KnowledgeArticles.ArticleView>> Restore(Guid id, HttpRequest request, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Tagged(request.HttpContext.Response, await KnowledgeArticles.RestoreAsync(db, id, ETags.RequireIfMatch(request), clock, cancellationToken));

    internal static async Task<Ok<List<KnowledgeArticles.VersionView>>> Versions(Guid id, KefuDbContext db, CancellationToken cancellationToken)
    {
        var article = await KnowledgeArticles.LoadAsync(db, id, cancellationToken);
        return TypedResults.Ok(article.Versions.OrderByDescending(v => v.Number).Select(KnowledgeArticles.VersionView.From).ToList());
    }

    internal static async Task<Ok<KnowledgeArticles.VersionView>> VersionByNumber(Guid id, int number, KefuDbContext db, CancellationToken cancellationToken)
    {
        var article = await KnowledgeArticles.LoadAsync(db, id, cancellationToken);
        var version = article.Versions.SingleOrDefault(v => v.Number == number) ?? throw new NotFoundException("Article version", $"{id}/{number}");
        return TypedResults.Ok(KnowledgeArticles.VersionView.From(version));
    }

    private static Ok<KnowledgeArticles.ArticleView> Tagged(HttpResponse response, KnowledgeArticle article)
    {
        response.Headers.ETag = ETags.Format(article.Version);
        return TypedResults.Ok(KnowledgeArticles.ArticleView.From(article));
    }

    // ------------------------------------------------------------------ categories

    internal static async Task<Ok<List<KnowledgeCategories.CategoryView>>> Categories(KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await KnowledgeCategories.ListAsync(db, cancellationToken));

    internal static async Task<Created<KnowledgeCategories.CategoryView>> CreateCategory(KnowledgeCategories.CategoryInput input, KefuDbContext db, CancellationToken cancellationToken)
    {
        var category = await KnowledgeCategories.CreateAsync(db, input, cancellationToken);
        return TypedResults.Created($"/api/v1/knowledge/categories/{category.Id}", KnowledgeCategories.CategoryView.From(category));
    }

    internal static async Task<Ok<KnowledgeCategories.CategoryView>> UpdateCategory(Guid id, KnowledgeCategories.CategoryInput input, HttpRequest request, KefuDbContext db, CancellationToken cancellationToken)
    {
        var category = await KnowledgeCategories.UpdateAsync(db, id, ETags.RequireIfMatch(request), input, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(category.Version);
        return TypedResults.Ok(KnowledgeCategories.CategoryView.From(category));
    }

    internal static async Task<NoContent> DeleteCategory(Guid id, KefuDbContext db, CancellationToken cancellationToken)
    {
        await KnowledgeCategories.DeleteAsync(db, id, cancellationToken);
        return TypedResults.NoContent();
    }

    // ------------------------------------------------------------------ bulletins

    internal static async Task<Ok<List<Bulletins.BulletinView>>> BulletinsToday(ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Bulletins.TodayAsync(db, CurrentActor.From(user).Name, clock, cancellationToken));

    internal static async Task<Ok<List<Bulletins.BulletinView>>> ListBulletins(DateOnly? from, DateOnly? to, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Bulletins.ListAsync(db, CurrentActor.From(user).Name, from, to, cancellationToken));

    internal static async Task<Ok<Bulletins.BulletinView>> GetBulletin(Guid id, ClaimsPrincipal user, HttpResponse response, KefuDbContext db, CancellationToken cancellationToken)
    {
        var view = await Bulletins.GetAsync(db, id, CurrentActor.From(user).Name, cancellationToken);
        response.Headers.ETag = ETags.Format(view.Version);
        return TypedResults.Ok(view);
    }

    internal static async Task<Created<Bulletins.BulletinView>> CreateBulletin(Bulletins.BulletinInput input, ClaimsPrincipal user, HttpResponse response, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = CurrentActor.From(user);
        var bulletin = await Bulletins.CreateAsync(db, input, actor, clock, cancellationToken);
        response.Headers.ETag = ETags.Format(bulletin.Version);
        return TypedResults.Created($"/api/v1/knowledge/bulletins/{bulletin.Id}", await Bulletins.GetAsync(db, bulletin.Id, actor.Name, cancellationToken));
    }

    internal static async Task<Ok<Bulletins.BulletinView>> UpdateBulletin(Guid id, Bulletins.BulletinInput input, ClaimsPrincipal user, HttpRequest request, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var bulletin = await Bulletins.UpdateAsync(db, id, ETags.RequireIfMatch(request), input, clock, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(bulletin.Version);
        return TypedResults.Ok(await Bulletins.GetAsync(db, id, CurrentActor.From(user).Name, cancellationToken));
    }

    internal static async Task<NoContent> DeleteBulletin(Guid id, HttpRequest request, KefuDbContext db, CancellationToken cancellationToken)
    {
        await Bulletins.DeleteAsync(db, id, ETags.RequireIfMatch(request), cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> MarkRead(Guid id, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await Bulletins.MarkReadAsync(db, id, CurrentActor.From(user).Name, clock, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<List<Bulletins.ReadView>>> Readers(Guid id, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Bulletins.ReadersAsync(db, id, cancellationToken));
}
