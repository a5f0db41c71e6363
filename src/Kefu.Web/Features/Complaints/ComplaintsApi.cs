using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Complaints;

/// <summary>Complaints under /api/v1/complaints: intake, the six steps with their gates, approvals, transfers, closure.</summary>
public static class ComplaintsApi
{
    public static IEndpointRouteBuilder MapComplaintsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/complaints").WithTags("Complaints").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        var write = KefuPolicies.ComplaintWrite;

        group.MapGet("/", List).WithName("ListComplaints")
            .WithSummary("Complaints, most recently changed first; filter by step, mine, ownerId, customerId, severity, channel, categoryId, open, pendingApproval, repeat, overdue, query.")
            .ProducesValidationProblem();
        group.MapPost("/", Create).RequireAuthorization(write).WithName("CreateComplaint")
            .WithSummary("Register a complaint (customerId, channel, category, severity, urgency, summary, ownerId). Starts at PreAssessment; a same-category complaint of the customer within 30 days is flagged as repeat.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", Get).WithName("GetComplaint")
            .WithSummary("The complaint with its step records, the current step's gates as a checklist, and its timeline. ETag carries the version.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/advance", Advance).RequireAuthorization(write).WithName("AdvanceComplaint")
            .WithSummary("Move to the next step. 409 with `unmetGates` (stable codes such as demands-confirmed, parties-no-objection, payment-received) when the current step's exit gates are not met.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPut("/{id:guid}/pre-assessment", PutPreAssessment).RequireAuthorization(write).WithName("RecordPreAssessment")
            .WithSummary("Step 1 投诉预判: core problem, contact goal, known pitfalls, senior advice. Requires If-Match.");
        group.MapPut("/{id:guid}/facts", PutFacts).RequireAuthorization(write).WithName("RecordFacts")
            .WithSummary("Step 2 查询事实: time, place, people, cause, impact, evidence, emotion, demands (demandsConfirmed), promised reply time, fact summary. Requires If-Match.");
        group.MapPost("/{id:guid}/inquiries", SendInquiry).RequireAuthorization(write).WithName("SendInquiry")
            .WithSummary("Step 2: send the extracted key facts to a department.");
        group.MapPost("/{id:guid}/inquiries/{inquiryId:guid}/feedback", InquiryFeedback).RequireAuthorization(write).WithName("RecordInquiryFeedback")
            .WithSummary("Step 2: the department's feedback (clears its earlier no-objection).");
        group.MapPost("/{id:guid}/inquiries/{inquiryId:guid}/no-objection", NoObjection).RequireAuthorization(write).WithName("ConfirmNoObjection")
            .WithSummary("Step 2: the department confirms it has no objection to the fact summary.");
        group.MapPost("/{id:guid}/disagreements", AddDisagreement).RequireAuthorization(write).WithName("RecordDisagreement")
            .WithSummary("Step 2: a disagreement between accounts, marked Valid or Negligible (可忽略分歧).");
        group.MapPut("/{id:guid}/responsibility", PutResponsibility).RequireAuthorization(write).WithName("RecordResponsibility")
            .WithSummary("Step 3 内部判责: itemized findings (Customer/Company side, department, person, policy), root cause, verdict. Requires If-Match.");
        group.MapPut("/{id:guid}/plan", PutPlan).RequireAuthorization(write).WithName("RecordPlan")
            .WithSummary("Step 4 确认方案: kind, description, obligations, bottom line, amount, executor, deadline, expected effect. Large refunds/compensation wait for approval. Requires If-Match.");
        group.MapPost("/{id:guid}/approval", DecideApproval).RequireAuthorization(KefuPolicies.Supervisor).WithName("DecidePlanApproval")
            .WithSummary("Supervisor approves or rejects (with reason) a plan waiting for approval.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/confirmations", Confirm).RequireAuthorization(write).WithName("RecordExecutionConfirmation")
            .WithSummary("Step 5: ExplainedOnCall, CustomerConfirmedDone or PaymentReceived — what the plan's closure rule waits for.");
        group.MapPost("/{id:guid}/communications", Communicate).RequireAuthorization(write).WithName("LogCommunication")
            .WithSummary("Add an entry to the communication log (PII masked).");
        group.MapPut("/{id:guid}/review", PutReview).RequireAuthorization(write).WithName("RecordReview")
            .WithSummary("Step 6 总结反思: cause, company risk, improvement suggestions (required for special complaints). Requires If-Match.");
        group.MapPost("/{id:guid}/transfer", Transfer).RequireAuthorization(write).WithName("TransferComplaint")
            .WithSummary("Change the accountable owner; toUserId and a reason are required, the target's department is recorded.");
        group.MapPost("/{id:guid}/escalate", Escalate).RequireAuthorization(write).WithName("EscalateComplaint")
            .WithSummary("Mark the complaint escalated (makes the step 6 review required).");
        group.MapPost("/{id:guid}/reopen", Reopen).RequireAuthorization(write).WithName("ReopenComplaint")
            .WithSummary("Reopen a closed complaint with a reason; counts as a repeat complaint and returns to FactFinding.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:guid}/callbacks", PromiseCallback).RequireAuthorization(write).WithName("PromiseCallback")
            .WithSummary("Promise a callback (dueAt, or withinHours such as 2 or 24; bounded by Kefu:Sla:MaxCallbackHours). Tracked and escalated when missed.")
            .ProducesValidationProblem();
        group.MapPost("/{id:guid}/callbacks/{deadlineId:guid}/done", CompleteCallback).RequireAuthorization(write).WithName("CompleteCallback")
            .WithSummary("Record that the promised callback was made.");
        group.MapPost("/{id:guid}/waiting", WaitOnCustomer).RequireAuthorization(write).WithName("WaitOnCustomer")
            .WithSummary("Start waiting on the customer (reason required): SLA clocks pause; promises to the customer keep running.");
        group.MapPost("/{id:guid}/resume", Resume).RequireAuthorization(write).WithName("ResumeComplaint")
            .WithSummary("Stop waiting on the customer: SLA deadlines move by the business time spent waiting.");
        group.MapPost("/{id:guid}/return-visits", RecordReturnVisit).RequireAuthorization(write).WithName("RecordReturnVisit")
            .WithSummary("回访 after closure: reached, resolved, satisfaction 1–5, the customer's answer.").ProducesValidationProblem();

        group.MapPost("/{id:guid}/attachments", AddAttachments).RequireAuthorization(write).WithName("AddComplaintAttachments")
            .WithSummary("Upload evidence (multipart/form-data, field `files`): images (JPEG, PNG, GIF, WebP) or PDF, type judged from content, at most 10 MB each.")
            .Accepts<IFormFileCollection>("multipart/form-data").ProducesValidationProblem();
        group.MapGet("/{id:guid}/attachments", ListAttachments).WithName("ListComplaintAttachments").WithSummary("The complaint's evidence files.");
        group.MapGet("/{id:guid}/attachments/{attachmentId:guid}", DownloadAttachment).WithName("DownloadComplaintAttachment")
            .WithSummary("Download one evidence file (served as an attachment with nosniff).").ProducesProblem(StatusCodes.Status404NotFound);

        var categories = routes.MapGroup("/api/v1/complaint-categories").WithTags("Complaints").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        categories.MapGet("/", ListCategories).WithName("ListComplaintCategories").WithSummary("The category tree (flat, with parentId).");
        categories.MapPost("/", CreateCategory).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("CreateComplaintCategory")
            .WithSummary("Add a category (code, name, parentId).").ProducesValidationProblem();
        return routes;
    }

    private static ComplaintRules Rules(IOptions<ComplaintRules> options) => options.Value;

    private static Ok<ComplaintView> View(HttpResponse response, Complaint complaint, IOptions<ComplaintRules> rules)
    {
        response.Headers.ETag = ETags.Format(complaint.Version);
        return TypedResults.Ok(ComplaintView.From(complaint, Rules(rules)));
    }

    /// <summary>If-Match when the client sent one (actions), null otherwise.</summary>
    private static Guid? OptionalIfMatch(HttpRequest request) =>
        string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString()) ? null : ETags.RequireIfMatch(request);

    internal static async Task<Ok<Page<ComplaintSummary>>> List(
        ComplaintStep? step, bool? mine, Guid? ownerId, Guid? customerId, ComplaintSeverity? severity, ComplaintChannel? channel, Guid? categoryId,
        bool? open, bool? pendingApproval, bool? repeat, bool? overdue, string? query, int? page, int? pageSize, ClaimsPrincipal user, KefuDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var owner = mine == true ? CurrentActor.From(user).Id : ownerId;
        var filter = new SearchComplaints.Filter(step, owner, customerId, severity, channel, categoryId, open, pendingApproval, repeat, query,
            overdue == true ? clock.GetUtcNow().UtcDateTime : null);
        return TypedResults.Ok(await SearchComplaints.RunAsync(db, filter, PageRequest.From(page, pageSize), cancellationToken));
    }

    internal static async Task<Created<ComplaintView>> Create(CreateComplaint.Request request, ClaimsPrincipal user, KefuDbContext db,
        IOptions<ComplaintRules> rules, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var complaint = await CreateComplaint.HandleAsync(db, request, CurrentActor.From(user), Rules(rules), clock, cancellationToken);
        response.Headers.ETag = ETags.Format(complaint.Version);
        return TypedResults.Created($"/api/v1/complaints/{complaint.Id}", ComplaintView.From(complaint, Rules(rules)));
    }

    internal static async Task<Ok<ComplaintView>> Get(Guid id, KefuDbContext db, IOptions<ComplaintRules> rules, HttpResponse response, CancellationToken cancellationToken) =>
        View(response, await ComplaintStore.LoadAsync(db, id, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Advance(Guid id, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(request.HttpContext.Response, await ComplaintActions.AdvanceAsync(db, id, OptionalIfMatch(request), CurrentActor.From(user), Rules(rules), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> PutPreAssessment(Guid id, StepRecords.PreAssessment input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(request.HttpContext.Response, await StepRecords.RecordPreAssessmentAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> PutFacts(Guid id, StepRecords.Facts input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(request.HttpContext.Response, await StepRecords.RecordFactsAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> PutResponsibility(Guid id, StepRecords.Responsibility input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(request.HttpContext.Response, await StepRecords.RecordResponsibilityAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> PutPlan(Guid id, StepRecords.Plan input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(request.HttpContext.Response, await StepRecords.RecordPlanAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), Rules(rules), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> PutReview(Guid id, StepRecords.Review input, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(request.HttpContext.Response, await StepRecords.RecordReviewAsync(db, id, ETags.RequireIfMatch(request), input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Created<ComplaintView.InquiryView>> SendInquiry(Guid id, InternalInquiries.Send input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var i = await InternalInquiries.SendAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{id}", ComplaintView.InquiryView.From(i));
    }

    internal static async Task<Ok<ComplaintView.InquiryView>> InquiryFeedback(Guid id, Guid inquiryId, InternalInquiries.Feedback input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var i = await InternalInquiries.RecordFeedbackAsync(db, id, inquiryId, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Ok(ComplaintView.InquiryView.From(i));
    }

    internal static async Task<Ok<ComplaintView.InquiryView>> NoObjection(Guid id, Guid inquiryId, InternalInquiries.Confirm? input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var i = await InternalInquiries.ConfirmNoObjectionAsync(db, id, inquiryId, input ?? new InternalInquiries.Confirm(null), CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Ok(ComplaintView.InquiryView.From(i));
    }

    internal static async Task<Created<ComplaintView.DisagreementView>> AddDisagreement(Guid id, InternalInquiries.NewDisagreement input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var d = await InternalInquiries.AddDisagreementAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{id}", ComplaintView.DisagreementView.From(d));
    }

    internal static async Task<Ok<ComplaintView>> DecideApproval(Guid id, ComplaintActions.ApprovalDecision input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await ComplaintActions.DecideApprovalAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Confirm(Guid id, ComplaintActions.Confirmation input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await ComplaintActions.ConfirmAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Communicate(Guid id, ComplaintActions.Communication input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await ComplaintActions.CommunicateAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Transfer(Guid id, ComplaintActions.Transfer input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await ComplaintActions.TransferAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Escalate(Guid id, ComplaintActions.Reason input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await ComplaintActions.EscalateAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Reopen(Guid id, ComplaintActions.Reason input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await ComplaintActions.ReopenAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Created<ComplaintView.DeadlineView>> PromiseCallback(Guid id, FollowUps.Callback input, ClaimsPrincipal user, KefuDbContext db, IOptions<SlaOptions> sla, TimeProvider clock, CancellationToken cancellationToken)
    {
        var d = await FollowUps.PromiseCallbackAsync(db, id, input, CurrentActor.From(user), sla.Value, clock, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{id}", ComplaintView.DeadlineView.From(d));
    }

    internal static async Task<Ok<ComplaintView>> CompleteCallback(Guid id, Guid deadlineId, FollowUps.Reason? input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await FollowUps.CompleteCallbackAsync(db, id, deadlineId, input ?? new FollowUps.Reason(null), CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> WaitOnCustomer(Guid id, FollowUps.Reason input, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await FollowUps.WaitOnCustomerAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Ok<ComplaintView>> Resume(Guid id, HttpResponse response, ClaimsPrincipal user, KefuDbContext db, IOptions<ComplaintRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        View(response, await FollowUps.ResumeAsync(db, id, CurrentActor.From(user), clock, cancellationToken), rules);

    internal static async Task<Created<ReturnVisit>> RecordReturnVisit(Guid id, FollowUps.Visit input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var visit = await FollowUps.RecordReturnVisitAsync(db, id, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{id}", visit);
    }

    public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long Size, string Sha256, DateTime UploadedAt, string? UploadedBy, string Source)
    {
        public static AttachmentView From(ComplaintAttachment a) => new(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedAt, a.UploadedBy, a.Source);
    }

    internal static async Task<Created<List<AttachmentView>>> AddAttachments(Guid id, HttpRequest request, ClaimsPrincipal user, KefuDbContext db,
        IOptions<AttachmentOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw FieldValidationException.For("files", "send the files as multipart/form-data");
        }

        // Read here rather than bound: binding IFormFile would demand an antiforgery token from API clients.
        var form = await request.ReadFormAsync(cancellationToken);
        var uploads = form.Files.Select(f => new Attachments.Upload(f.FileName, f.Length, f.OpenReadStream)).ToList();
        var rows = await Attachments.AddAsync(db, id, uploads, CurrentActor.From(user), options.Value, clock, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{id}/attachments", rows.Select(AttachmentView.From).ToList());
    }

    internal static async Task<Ok<List<AttachmentView>>> ListAttachments(Guid id, KefuDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Complaints.AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException("Complaint", id);
        }

        var rows = await db.Set<ComplaintAttachment>().AsNoTracking().Where(a => a.ComplaintId == id).OrderBy(a => a.UploadedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(AttachmentView.From).ToList());
    }

    internal static async Task<FileContentHttpResult> DownloadAttachment(Guid id, Guid attachmentId, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var row = await db.Set<ComplaintAttachment>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId && a.ComplaintId == id, cancellationToken)
            ?? throw new NotFoundException("Attachment", attachmentId);
        var content = await db.Set<AttachmentContent>().AsNoTracking().SingleAsync(c => c.Id == attachmentId, cancellationToken);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.File(content.Bytes, row.ContentType, row.FileName);
    }

    public sealed record CategoryView(Guid Id, Guid? ParentId, string Code, string Name, bool IsActive, int SortOrder);

    public sealed record CategoryInput(string? Code, string? Name, Guid? ParentId);

    internal static async Task<Ok<List<CategoryView>>> ListCategories(KefuDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.ComplaintCategories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(c => new CategoryView(c.Id, c.ParentId, c.Code, c.Name, c.IsActive, c.SortOrder)).ToList());
    }

    internal static async Task<Created<CategoryView>> CreateCategory(CategoryInput input, KefuDbContext db, CancellationToken cancellationToken)
    {
        var category = await CategoryCommands.CreateAsync(db, input, cancellationToken);
        return TypedResults.Created($"/api/v1/complaint-categories/{category.Id}", new CategoryView(category.Id, category.ParentId, category.Code, category.Name, category.IsActive, category.SortOrder));
    }
}
