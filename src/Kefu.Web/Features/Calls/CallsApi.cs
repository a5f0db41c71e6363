using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>Call records: every timestamp and duration, transfers, recording, transcript, and the agent's wrap-up.</summary>
public static class CallsApi
{
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/calls").WithTags("Calls").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListCalls")
            .WithSummary("Call records, newest first; filters: agent, queue, outcome, status, customerId, from, to (UTC); paged.");
        group.MapGet("/{callId}", Get).WithName("GetCall")
            .WithSummary("One call record with its timestamps, durations in seconds, holds, transfers, recording and transcript.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{callId}/disposition", Disposition).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("SetCallDisposition")
            .WithSummary("The agent's wrap-up: solvedOnFirstContact and an objective note (PII masked); optional If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPut("/{callId}/identity-check", IdentityCheck).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("SetCallIdentityCheck")
            .WithSummary("Records the identity check (seed 003 §3.1): result and which facts were confirmed — phone, order, email. No values are stored.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{callId}/links", Links).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("LinkCall")
            .WithSummary("Links the call to a customer and/or a complaint.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{callId}/actions", SoftPhone).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("CallSoftPhoneAction")
            .WithSummary("Soft-phone actions from the agent desktop when no PBX reports them: answer, hold, resume, hangup, transfer (target, reason). Each becomes a CTI event.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public sealed record HoldView(DateTime HeldAt, DateTime? ResumedAt);

    public sealed record TransferView(DateTime At, CallTransferKind Kind, string Target, string Reason, string? From);

    public sealed record SegmentView(string Speaker, double StartSeconds, double EndSeconds, string Text);

    public sealed record CallSummary(string Id, string? From, CallStatus Status, CallOutcome? Outcome, string? Queue, string? Agent, string? IvrPath,
        DateTime? OfferedAt, DateTime? AnsweredAt, DateTime? EndedAt, int? WaitSeconds, int? TalkSeconds, bool? AnsweredWithinRings,
        bool? ReachedAgentInTarget, bool? SolvedOnFirstContact, Guid? CustomerId, Guid? ComplaintId);

    public sealed record CallView(
        string Id, string? From, string? To, CallStatus Status, CallOutcome? Outcome, string? IvrPath, string? Queue, string? Agent, string? RingingAgent,
        DateTime? OfferedAt, DateTime? IvrAt, DateTime? QueuedAt, DateTime? RingingAt, DateTime? AnsweredAt, DateTime? EndedAt, DateTime? WrapUpEndedAt,
        CallParty? EndedBy, int? RingSeconds, int? WaitSeconds, int? TalkSeconds, int HoldSeconds, int? WrapSeconds, int RingNoAnswerCount,
        bool? ReachedAgentInTarget, bool? AnsweredWithinRings, bool CallbackRequested, string? RecordingUri, int? RecordingSeconds,
        Guid? CustomerId, Guid? ComplaintId, bool? SolvedOnFirstContact, string? Note, string? DispositionBy, DateTime? DispositionAt,
        IdentityCheckResult? IdentityCheck, string? IdentityCheckedWith, bool EmotionalCaller, string? AlternativesOffered,
        IReadOnlyList<HoldView> Holds, IReadOnlyList<TransferView> Transfers, IReadOnlyList<SegmentView> Transcript, Guid Version);

    public sealed record DispositionInput(bool? SolvedOnFirstContact, string? Note, bool? EmotionalCaller, string? AlternativesOffered);

    public sealed record IdentityCheckInput(IdentityCheckResult? Result, IReadOnlyList<string>? CheckedWith);

    public sealed record LinksInput(Guid? CustomerId, Guid? ComplaintId);

    public sealed record SoftPhoneInput(string? Action, string? Target, string? Reason);

    internal static async Task<Ok<Page<CallSummary>>> List(string? agent, string? queue, CallOutcome? outcome, CallStatus? status, Guid? customerId,
        DateTime? from, DateTime? to, int? page, int? pageSize, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var calls = db.Set<CallRecord>().AsNoTracking();
        if (agent is not null)
        {
            calls = calls.Where(c => c.Agent == agent);
        }

        if (queue is not null)
        {
            calls = calls.Where(c => c.Queue == queue);
        }

        if (outcome is { } o)
        {
            calls = calls.Where(c => c.Outcome == o);
        }

        if (status is { } s)
        {
            calls = calls.Where(c => c.Status == s);
        }

        if (customerId is { } customer)
        {
            calls = calls.Where(c => c.CustomerId == customer);
        }

        if (from is { } f)
        {
            calls = calls.Where(c => c.OfferedAt >= f);
        }

        if (to is { } t)
        {
            calls = calls.Where(c => c.OfferedAt < t);
        }

        var total = await calls.CountAsync(cancellationToken);
        var rows = await calls.OrderByDescending(c => c.OfferedAt).ThenBy(c => c.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        var items = rows.ConvertAll(c => new CallSummary(c.Id, c.From is null ? null : PhoneNumbers.ForViewer(c.From, user), c.Status, c.Outcome, c.Queue, c.Agent, c.IvrPath,
            c.OfferedAt, c.AnsweredAt, c.EndedAt, c.WaitSeconds, c.TalkSeconds, c.AnsweredWithinRings, c.ReachedAgentInTarget, c.SolvedOnFirstContact, c.CustomerId, c.ComplaintId));
        return TypedResults.Ok(new Page<CallSummary>(items, total, paging.Page, paging.PageSize));
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> Get(string callId, ClaimsPrincipal user, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var view = await LoadAsync(db, callId, user, cancellationToken);
        if (view is null)
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETags.Format(view.Version);
        return TypedResults.Ok(view);
    }

    /// <summary>The full view of a call, or null.</summary>
    public static async Task<CallView?> LoadAsync(KefuDbContext db, string callId, ClaimsPrincipal? viewer, CancellationToken cancellationToken)
    {
        var c = await db.Set<CallRecord>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == callId, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var holdEvents = await db.Set<CtiEvent>().AsNoTracking()
            .Where(e => e.CallId == callId && (e.Type == CtiEventTypes.Held || e.Type == CtiEventTypes.Resumed)).ToListAsync(cancellationToken);
        var holds = new List<HoldView>();
        DateTime? heldAt = null;
        foreach (var e in CallProjection.Order(holdEvents))
        {
            if (e.Type == CtiEventTypes.Held)
            {
                heldAt ??= e.At;
            }
            else if (heldAt is { } start)
            {
                holds.Add(new HoldView(start, e.At));
                heldAt = null;
            }
        }

        if (heldAt is { } open)
        {
            holds.Add(new HoldView(open, null));
        }

        var transfers = await db.Set<CallTransfer>().AsNoTracking().Where(t => t.CallId == callId).OrderBy(t => t.At)
            .Select(t => new TransferView(t.At, t.Kind, t.Target, t.Reason, t.From)).ToListAsync(cancellationToken);
        var transcript = (await db.Set<TranscriptSegment>().AsNoTracking().Where(t => t.CallId == callId).ToListAsync(cancellationToken))
            .OrderBy(t => t.StartSeconds).Select(t => new SegmentView(t.Speaker == TranscriptSpeaker.Agent ? "agent" : "customer", t.StartSeconds, t.EndSeconds, t.Text)).ToList();
        var from = c.From is null ? null : viewer is null ? PhoneNumbers.Mask(c.From) : PhoneNumbers.ForViewer(c.From, viewer);
        return new CallView(c.Id, from, c.To, c.Status, c.Outcome, c.IvrPath, c.Queue, c.Agent, c.RingingAgent,
            c.OfferedAt, c.IvrAt, c.QueuedAt, c.RingingAt, c.AnsweredAt, c.EndedAt, c.WrapUpEndedAt, c.EndedBy, c.RingSeconds, c.WaitSeconds,
            c.TalkSeconds, c.HoldSeconds, c.WrapSeconds, c.RingNoAnswerCount, c.ReachedAgentInTarget, c.AnsweredWithinRings, c.CallbackRequested,
            c.RecordingUri, c.RecordingSeconds, c.CustomerId, c.ComplaintId, c.SolvedOnFirstContact, c.Note, c.DispositionBy, c.DispositionAt,
            c.IdentityCheck, c.IdentityCheckedWith, c.EmotionalCaller, c.AlternativesOffered, holds, transfers, transcript, c.Version);
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> Disposition(string callId, DispositionInput input, HttpRequest request, ClaimsPrincipal user,
        KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("note", input.Note, 4000).MaxLength("alternativesOffered", input.AlternativesOffered, 500);
        if (input.SolvedOnFirstContact is null)
        {
            errors.Add("solvedOnFirstContact", "is required: true when the caller's need was solved on this call");
        }

        errors.ThrowIfAny();
        var actor = CurrentActor.From(user);
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await WriteAsync(db, callId, request, async call =>
        {
            call.SolvedOnFirstContact = input.SolvedOnFirstContact;
            call.Note = string.IsNullOrWhiteSpace(input.Note) ? null : PiiDetector.Mask(input.Note.Trim());
            call.EmotionalCaller = input.EmotionalCaller ?? call.EmotionalCaller;
            call.AlternativesOffered = string.IsNullOrWhiteSpace(input.AlternativesOffered) ? call.AlternativesOffered : PiiDetector.Mask(input.AlternativesOffered.Trim());
            call.DispositionBy = actor.Name;
            call.DispositionAt = now;
            if (call.CustomerId is { } customerId && call.Note is { } note)
            {
                var reference = "call:" + call.Id;
                var contact = await db.ContactRecords.SingleOrDefaultAsync(r => r.CustomerId == customerId && r.Reference == reference, cancellationToken);
                if (contact is null)
                {
                    db.ContactRecords.Add(new ContactRecord
                    {
                        Id = Ids.New(), CustomerId = customerId, At = call.AnsweredAt ?? call.OfferedAt ?? now, Channel = ContactChannel.Phone,
                        Direction = ContactDirection.Inbound, Summary = note, AgentId = actor.Id, AgentName = actor.DisplayName ?? actor.Name, Reference = reference,
                    });
                }
                else
                {
                    contact.Summary = note;
                }
            }
        }, cancellationToken);
        if (!found)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await LoadAsync(db, callId, user, cancellationToken))!);
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> IdentityCheck(string callId, IdentityCheckInput input, HttpRequest request, ClaimsPrincipal user,
        KefuDbContext db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (input.Result is null)
        {
            errors.Add("result", "is required: Verified, NotVerified or NotNeeded");
        }

        var allowed = new[] { "phone", "order", "email" };
        var checkedWith = (input.CheckedWith ?? []).Select(s => s.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (checkedWith.Any(c => !allowed.Contains(c, StringComparer.Ordinal)))
        {
            errors.Add("checkedWith", "may only name phone, order and email: identity is never checked with an ID number, a bank card or a password");
        }

        if (input.Result == IdentityCheckResult.Verified && !checkedWith.Contains("phone", StringComparer.Ordinal))
        {
            errors.Add("checkedWith", "a verified identity needs the registered phone number (and the last order or e-mail)");
        }

        errors.ThrowIfAny();
        var found = await WriteAsync(db, callId, request, call =>
        {
            call.IdentityCheck = input.Result;
            call.IdentityCheckedWith = checkedWith.Count == 0 ? null : string.Join(',', checkedWith);
            return Task.CompletedTask;
        }, cancellationToken);
        if (!found)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await LoadAsync(db, callId, user, cancellationToken))!);
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> Links(string callId, LinksInput input, HttpRequest request, ClaimsPrincipal user,
        KefuDbContext db, CancellationToken cancellationToken)
    {
        var found = await WriteAsync(db, callId, request, async call =>
        {
            var errors = new FieldErrors();
            if (input.CustomerId is { } customerId && !await db.Customers.AnyAsync(c => c.Id == customerId, cancellationToken))
            {
                errors.Add("customerId", "must name an existing customer");
            }

            if (input.ComplaintId is { } complaintId)
            {
                var complaint = await db.Complaints.AsNoTracking().Where(c => c.Id == complaintId).Select(c => new { c.CustomerId }).SingleOrDefaultAsync(cancellationToken);
                if (complaint is null)
                {
                    errors.Add("complaintId", "must name an existing complaint");
                }
                else if ((input.CustomerId ?? call.CustomerId) is { } owner && owner != complaint.CustomerId)
                {
                    errors.Add("complaintId", "belongs to another customer than the call");
                }
                else
                {
                    call.CustomerId ??= complaint.CustomerId;
                }
            }

            errors.ThrowIfAny();
            call.CustomerId = input.CustomerId ?? call.CustomerId;
            call.ComplaintId = input.ComplaintId ?? call.ComplaintId;
        }, cancellationToken);
        if (!found)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await LoadAsync(db, callId, user, cancellationToken))!);
    }

    internal static async Task<Results<Ok<CtiApi.CtiResponse>, NotFound>> SoftPhone(string callId, SoftPhoneInput input, ClaimsPrincipal user,
        KefuDbContext db, CallCenter center, CancellationToken cancellationToken)
    {
        if (!await db.Set<CallRecord>().AnyAsync(c => c.Id == callId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var result = await center.SoftPhoneAsync(callId, user.Identity?.Name ?? "", input.Action, input.Target, input.Reason, cancellationToken);
        return TypedResults.Ok(new CtiApi.CtiResponse(result.Accepted, result.Duplicates, result.Actions));
    }

    /// <summary>
    /// Applies an agent's change to a call record. Telephony events update the same row all the time (a wrap-up end
    /// lands while the agent types the note): without If-Match a lost race is retried on the fresh row, because the
    /// agent's fields and the event fields do not overlap; with If-Match a changed version is refused (412).
    /// </summary>
    private static async Task<bool> WriteAsync(KefuDbContext db, string callId, HttpRequest request, Func<CallRecord, Task> change, CancellationToken cancellationToken)
    {
        var expected = request.Headers.IfMatch.Count > 0 ? ETags.RequireIfMatch(request) : (Guid?)null;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var call = await db.Set<CallRecord>().SingleOrDefaultAsync(c => c.Id == callId, cancellationToken);
            if (call is null)
            {
                return false;
            }

            if (expected is { } version && version != call.Version)
            {
                throw new StaleVersionException("Call", call.Version);
            }

            await change(call);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateConcurrencyException) when (expected is null && attempt < 5)
            {
                // retried on the current row
            }
        }
    }
}
