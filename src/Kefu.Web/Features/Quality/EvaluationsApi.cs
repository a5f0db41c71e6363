using System.Security.Claims;
using System.Text.Json;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Quality;

/// <summary>Call evaluations: pre-filled from the script check, scored by a QA reviewer, a liability finding with evidence,
/// one appeal by the agent decided by a Supervisor, and calibration between reviewers.</summary>
public static class EvaluationsApi
{
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/quality/evaluations").WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListEvaluations").WithSummary("Evaluations (callId, agent, reviewer filters); an agent sees only their own submitted ones.");
        group.MapGet("/{id:guid}", Get).WithName("GetEvaluation").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", Start).RequireAuthorization(KefuPolicies.QualityWrite).WithName("StartEvaluation")
            .WithSummary("Start (or reopen) the caller's evaluation of a call; scores are pre-filled from the automatic script check.")
            .ProducesValidationProblem();
        group.MapPut("/{id:guid}", Update).RequireAuthorization(KefuPolicies.QualityWrite).WithName("UpdateEvaluation")
            .WithSummary("Scores (0–100 per criterion), comment and the liability finding (Upheld 定责成立 / NotUpheld 不成立, with evidence). If-Match; drafts only.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/submit", Submit).RequireAuthorization(KefuPolicies.QualityWrite).WithName("SubmitEvaluation")
            .WithSummary("Submit: every criterion scored and a liability finding made; an upheld finding needs evidence. Noted on a linked complaint.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/appeal", Appeal).WithName("AppealEvaluation")
            .WithSummary("The evaluated agent appeals an upheld liability finding, once.").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/decide", Decide).RequireAuthorization(KefuPolicies.Supervisor).WithName("DecideEvaluationAppeal")
            .WithSummary("A Supervisor decides the appeal: FindingStands or Overturned (the finding becomes NotUpheld).").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/api/v1/quality/calibration/{callId}", Calibration).WithTags("Quality").RequireAuthorization(KefuPolicies.QualityWrite)
            .WithName("EvaluationCalibration").WithSummary("The same call scored by several reviewers: each one's scores and the spread per criterion.");
        return routes;
    }

    public sealed record EvaluationView(Guid Id, string CallId, string? Agent, string Reviewer, IReadOnlyList<EvaluationCriterion> Criteria,
        IReadOnlyDictionary<string, int> Scores, double Score, bool AutoFail, int AutomaticFindings, string? RulesUsed, string? Comment, EvaluationStatus Status,
        DateTime? SubmittedAt, LiabilityFinding Liability, string? LiabilityEvidence, string? AppealText, DateTime? AppealedAt, AppealDecision? AppealDecision,
        string? AppealDecidedBy, string? AppealDecisionNote, Guid Version)
    {
        public static EvaluationView From(Evaluation e) => new(e.Id, e.CallId, e.Agent, e.Reviewer, e.Criteria, e.Scores, e.Score, e.AutoFail, e.AutomaticFindings,
            e.RulesUsed, e.Comment, e.Status, e.SubmittedAt, e.Liability, e.LiabilityEvidence, e.AppealText, e.AppealedAt, e.AppealDecision, e.AppealDecidedBy,
            e.AppealDecisionNote, e.Version);
    }

    public sealed record StartInput(string? CallId);

    public sealed record UpdateInput(Dictionary<string, int>? Scores, string? Comment, LiabilityFinding? Liability, string? LiabilityEvidence);

    public sealed record AppealInput(string? Text);

    public sealed record DecideInput(AppealDecision? Decision, string? Note);

    public sealed record CalibrationRow(string Reviewer, double Score, IReadOnlyDictionary<string, int> Scores, LiabilityFinding Liability);

    public sealed record CalibrationView(string CallId, IReadOnlyList<CalibrationRow> Reviews, IReadOnlyDictionary<string, int> SpreadByCriterion, double ScoreSpread, bool LiabilityAgrees);

    internal static async Task<Ok<List<EvaluationView>>> List(string? callId, string? agent, string? reviewer, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var items = db.Set<Evaluation>().AsNoTracking();
        var reviewerRole = user.IsInRole(KefuRoles.QA) || user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin);
        if (!reviewerRole)
        {
            var me = user.Identity?.Name;
            items = items.Where(e => e.Agent == me && e.Status == EvaluationStatus.Submitted);
        }

        if (callId is not null)
        {
            items = items.Where(e => e.CallId == callId);
        }

        if (agent is not null)
        {
            items = items.Where(e => e.Agent == agent);
        }

        if (reviewer is not null)
        {
            items = items.Where(e => e.Reviewer == reviewer);
        }

        var rows = await items.OrderByDescending(e => e.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ConvertAll(EvaluationView.From));
    }

    internal static async Task<Results<Ok<EvaluationView>, NotFound>> Get(Guid id, ClaimsPrincipal user, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var evaluation = await db.Set<Evaluation>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (evaluation is null || !MaySee(user, evaluation))
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETags.Format(evaluation.Version);
        return TypedResults.Ok(EvaluationView.From(evaluation));
    }

    private static bool MaySee(ClaimsPrincipal user, Evaluation e) =>
        user.IsInRole(KefuRoles.QA) || user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin)
        || (string.Equals(e.Agent, user.Identity?.Name, StringComparison.Ordinal) && e.Status == EvaluationStatus.Submitted);

    internal static async Task<Results<Ok<EvaluationView>, Created<EvaluationView>>> Start(StartInput input, ClaimsPrincipal user, KefuDbContext db, ScriptRuleBook book,
        CancellationToken cancellationToken)
    {
        new FieldErrors().Required("callId", input.CallId, 100).ThrowIfAny();
        var reviewer = user.Identity?.Name ?? "";
        var existing = await db.Set<Evaluation>().AsNoTracking().SingleOrDefaultAsync(e => e.CallId == input.CallId && e.Reviewer == reviewer, cancellationToken);
        if (existing is not null)
        {
            return TypedResults.Ok(EvaluationView.From(existing));
        }

        var call = await db.Set<CallRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == input.CallId, cancellationToken)
            ?? throw FieldValidationException.For("callId", "must name an existing call");
        var segments = await QualityApi.TranscriptOfAsync(db, call.Id, cancellationToken);
        var report = (await book.CurrentAsync(cancellationToken)).Check(segments);
        var evaluation = new Evaluation
        {
            Id = Ids.New(),
            CallId = call.Id,
            Agent = call.Agent,
            Reviewer = reviewer,
            CriteriaJson = JsonSerializer.Serialize(EvaluationForm.Default),
            Scores = EvaluationForm.Prefill(report, call),
            RulesUsed = string.Join(';', report.RulesUsed.Select(r => $"{r.Id}@{r.Version}")),
            AutomaticFindings = report.Findings.Count(f => f.Kind != FindingKind.Positive),
            AutoFail = report.AutoFail,
        };
        evaluation.Score = EvaluationForm.Score(evaluation.Criteria, evaluation.Scores, evaluation.AutoFail);
        db.Add(evaluation);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same reviewer started it at the same moment (two tabs, a double click): return theirs.
            db.ChangeTracker.Clear();
            var raced = await db.Set<Evaluation>().AsNoTracking().SingleAsync(e => e.CallId == call.Id && e.Reviewer == reviewer, cancellationToken);
            return TypedResults.Ok(EvaluationView.From(raced));
        }

        return TypedResults.Created($"/api/v1/quality/evaluations/{evaluation.Id}", EvaluationView.From(evaluation));
    }

    internal static async Task<Results<Ok<EvaluationView>, NotFound>> Update(Guid id, UpdateInput input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db,
        CancellationToken cancellationToken)
    {
        var updated = await UpdateAsync(db, id, ETags.RequireIfMatch(request), input, user, cancellationToken);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(updated);
    }

    /// <summary>Changes a draft the caller started; <paramref name="expectedVersion"/> is the version they read (412 when stale).</summary>
    public static async Task<EvaluationView?> UpdateAsync(KefuDbContext db, Guid id, Guid expectedVersion, UpdateInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        var evaluation = await db.Set<Evaluation>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (evaluation is null)
        {
            return null;
        }

        if (expectedVersion != evaluation.Version)
        {
            throw new StaleVersionException("Evaluation", evaluation.Version);
        }

        EnsureReviewerDraft(evaluation, user);
        var errors = new FieldErrors().MaxLength("comment", input.Comment, 4000).MaxLength("liabilityEvidence", input.LiabilityEvidence, 2000);
        var criteria = evaluation.Criteria.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var scores = evaluation.Scores;
        foreach (var (criterion, score) in input.Scores ?? [])
        {
            if (!criteria.Contains(criterion))
            {
                errors.Add($"scores.{criterion}", "is not a criterion of this form: " + string.Join(", ", criteria));
            }
            else if (score is < 0 or > 100)
            {
                errors.Add($"scores.{criterion}", "must be 0–100");
            }
            else
            {
                scores[criterion] = score;
            }
        }

        errors.ThrowIfAny();
        evaluation.Scores = scores;
        evaluation.Comment = input.Comment is null ? evaluation.Comment : PiiDetector.Mask(input.Comment.Trim());
        evaluation.Liability = input.Liability ?? evaluation.Liability;
        evaluation.LiabilityEvidence = input.LiabilityEvidence is null ? evaluation.LiabilityEvidence : PiiDetector.Mask(input.LiabilityEvidence.Trim());
        evaluation.Score = EvaluationForm.Score(evaluation.Criteria, scores, evaluation.AutoFail);
        await db.SaveChangesAsync(cancellationToken);
        return EvaluationView.From(evaluation);
    }

    internal static async Task<Results<Ok<EvaluationView>, NotFound>> Submit(Guid id, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var evaluation = await db.Set<Evaluation>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (evaluation is null)
        {
            return TypedResults.NotFound();
        }

        EnsureReviewerDraft(evaluation, user);
        var errors = new FieldErrors();
        var scores = evaluation.Scores;
        foreach (var criterion in evaluation.Criteria.Where(c => !scores.ContainsKey(c.Id)))
        {
            errors.Add($"scores.{criterion.Id}", "must be scored before submitting");
        }

        if (evaluation.Liability == LiabilityFinding.None)
        {
            errors.Add("liability", "decide the liability finding: Upheld (定责成立) or NotUpheld (不成立)");
        }
        else if (evaluation.Liability == LiabilityFinding.Upheld && string.IsNullOrWhiteSpace(evaluation.LiabilityEvidence))
        {
            errors.Add("liabilityEvidence", "an upheld finding needs its evidence: recording offsets and what was said");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        evaluation.Status = EvaluationStatus.Submitted;
        evaluation.SubmittedAt = now;
        await NoteOnComplaintAsync(db, evaluation, $"质检评分 {evaluation.Score:0.#} 分，{(evaluation.Liability == LiabilityFinding.Upheld ? "定责成立" : "定责不成立")}（坐席 {evaluation.Agent}）"
            + (evaluation.LiabilityEvidence is { } evidence ? $"：{evidence}" : ""), user, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(EvaluationView.From(evaluation));
    }

    internal static async Task<Results<Ok<EvaluationView>, NotFound>> Appeal(Guid id, AppealInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        new FieldErrors().Required("text", input.Text, 2000).ThrowIfAny();
        var evaluation = await db.Set<Evaluation>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (evaluation is null || !MaySee(user, evaluation))
        {
            return TypedResults.NotFound();
        }

        if (!string.Equals(evaluation.Agent, user.Identity?.Name, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the evaluated agent may appeal.");
        }

        if (evaluation.Status != EvaluationStatus.Submitted || evaluation.Liability != LiabilityFinding.Upheld)
        {
            throw new ConflictException("Only an upheld liability finding of a submitted evaluation can be appealed.", ["notAppealable"]);
        }

        if (evaluation.AppealedAt is not null)
        {
            throw new ConflictException("An evaluation can be appealed once.", ["alreadyAppealed"]);
        }

        evaluation.AppealText = PiiDetector.Mask(input.Text!.Trim());
        evaluation.AppealedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(EvaluationView.From(evaluation));
    }

    internal static async Task<Results<Ok<EvaluationView>, NotFound>> Decide(Guid id, DecideInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("note", input.Note, 2000);
        if (input.Decision is null)
        {
            errors.Add("decision", "is required: FindingStands or Overturned");
        }

        errors.ThrowIfAny();
        var evaluation = await db.Set<Evaluation>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (evaluation is null)
        {
            return TypedResults.NotFound();
        }

        if (evaluation.AppealedAt is null || evaluation.AppealDecision is not null)
        {
            throw new ConflictException("There is no open appeal on this evaluation.", ["noOpenAppeal"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        evaluation.AppealDecision = input.Decision;
        evaluation.AppealDecidedBy = user.Identity?.Name;
        evaluation.AppealDecisionNote = input.Note is null ? null : PiiDetector.Mask(input.Note.Trim());
        if (input.Decision == AppealDecision.Overturned)
        {
            evaluation.Liability = LiabilityFinding.NotUpheld;
        }

        await NoteOnComplaintAsync(db, evaluation, input.Decision == AppealDecision.Overturned ? "质检申诉成立，定责撤销" : "质检申诉驳回，定责维持", user, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(EvaluationView.From(evaluation));
    }

    internal static async Task<Ok<CalibrationView>> Calibration(string callId, KefuDbContext db, CancellationToken cancellationToken)
    {
        var rows = (await db.Set<Evaluation>().AsNoTracking().Where(e => e.CallId == callId).OrderBy(e => e.Reviewer).ToListAsync(cancellationToken))
            .ConvertAll(e => new CalibrationRow(e.Reviewer, e.Score, e.Scores, e.Liability));
        var criteria = rows.SelectMany(r => r.Scores.Keys).Distinct(StringComparer.Ordinal);
        var spread = criteria.ToDictionary(c => c, c =>
        {
            var values = rows.Where(r => r.Scores.ContainsKey(c)).Select(r => r.Scores[c]).ToList();
            return values.Count < 2 ? 0 : values.Max() - values.Min();
        }, StringComparer.Ordinal);
        var scoreSpread = rows.Count < 2 ? 0 : Math.Round(rows.Max(r => r.Score) - rows.Min(r => r.Score), 1);
        return TypedResults.Ok(new CalibrationView(callId, rows, spread, scoreSpread, rows.Select(r => r.Liability).Distinct().Count() <= 1));
    }

    private static void EnsureReviewerDraft(Evaluation evaluation, ClaimsPrincipal user)
    {
        if (!string.Equals(evaluation.Reviewer, user.Identity?.Name, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the reviewer who started the evaluation may change it.");
        }

        if (evaluation.Status != EvaluationStatus.Draft)
        {
            throw new ConflictException("The evaluation is submitted and can no longer be changed.", ["evaluationSubmitted"]);
        }
    }

    /// <summary>Where the call is linked to a complaint, the finding goes on the complaint's timeline (its responsibility record).</summary>
    private static async Task NoteOnComplaintAsync(KefuDbContext db, Evaluation evaluation, string text, ClaimsPrincipal user, DateTime now, CancellationToken cancellationToken)
    {
        var complaintId = await db.Set<CallRecord>().AsNoTracking().Where(c => c.Id == evaluation.CallId).Select(c => c.ComplaintId).SingleOrDefaultAsync(cancellationToken);
        if (complaintId is { } id)
        {
            var actor = CurrentActor.From(user);
            db.Add(new ComplaintEvent { Id = Ids.New(), ComplaintId = id, At = now, Kind = "QualityFinding", Text = text, ActorId = actor.Id, ActorName = actor.DisplayName ?? actor.Name });
        }
    }
}
