using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
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
        IdentityCheckResult? IdentityCheck, string? IdentityCheckedWith, bool EmotionalCaller, string? AlternativesOffered, Guid? FaultNoticeId,
        IReadOnlyList<HoldView> Holds, IReadOnlyList<TransferView> Transfers, IReadOnlyList<SegmentView> Transcript, Guid Version, bool? SurveyConsent = null);

    public sealed record DispositionInput(bool? SolvedOnFirstContact, string? Note, bool? EmotionalCaller, string? AlternativesOffered, bool? SurveyConsent = null);

    public sealed record IdentityCheckInput(IdentityCheckResult? Result, IReadOnlyList<string>? CheckedWith);

    public sealed record LinksInput(Guid? CustomerId, Guid? ComplaintId);

    public sealed record SoftPhoneInput(string? Action, string? Target, string? Reason);

    /// <summary>Filters of the call list; <c>From</c>/<c>To</c> bound the offer time (UTC, end exclusive).</summary>
    public sealed record CallFilter(string? Agent, string? Queue, CallOutcome? Outcome, CallStatus? Status, Guid? CustomerId, DateTime? From, DateTime? To);

    internal static async Task<Ok<Page<CallSummary>>> List(string? agent, string? queue, CallOutcome? outcome, CallStatus? status, Guid? customerId,
        DateTime? from, DateTime? to, int? page, int? pageSize, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SearchAsync(db, new CallFilter(agent, queue, outcome, status, customerId, from, to), PageRequest.From(page, pageSize), user, cancellationToken));

    /// <summary>Call records, newest first; the caller's number as <paramref name="viewer"/> may see it.</summary>
    public static async Task<Page<CallSummary>> SearchAsync(KefuDbContext db, CallFilter filter, PageRequest paging, ClaimsPrincipal viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(viewer);
        var calls = db.Set<CallRecord>().AsNoTracking();
        if (filter.Agent is { } agent)
        {
            calls = calls.Where(c => c.Agent == agent);
        }

        if (filter.Queue is { } queue)
        {
            calls = calls.Where(c => c.Queue == queue);
        }

        if (filter.Outcome is { } o)
        {
            calls = calls.Where(c => c.Outcome == o);
        }

        if (filter.Status is { } s)
        {
            calls = calls.Where(c => c.Status == s);
        }

        if (filter.CustomerId is { } customer)
        {
            calls = calls.Where(c => c.CustomerId == customer);
        }

        if (filter.From is { } f)
        {
            calls = calls.Where(c => c.OfferedAt >= f);
        }

        if (filter.To is { } t)
        {
            calls = calls.Where(c => c.OfferedAt < t);
        }

        var total = await calls.CountAsync(cancellationToken);
        var rows = await calls.OrderByDescending(c => c.OfferedAt).ThenBy(c => c.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        var items = rows.ConvertAll(c => new CallSummary(c.Id, c.From is null ? null : PhoneNumbers.ForViewer(c.From, viewer), c.Status, c.Outcome, c.Queue, c.Agent, c.IvrPath,
            c.OfferedAt, c.AnsweredAt, c.EndedAt, c.WaitSeconds, c.TalkSeconds, c.AnsweredWithinRings, c.ReachedAgentInTarget, c.SolvedOnFirstContact, c.CustomerId, c.ComplaintId));
        return new Page<CallSummary>(items, total, paging.Page, paging.PageSize);
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
            .OrderBy(t => t.StartSeconds).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => new SegmentView(t.Speaker == TranscriptSpeaker.Agent ? "agent" : "customer", t.StartSeconds, t.EndSeconds, t.Text)).ToList();
        var from = c.From is null ? null : viewer is null ? PhoneNumbers.Mask(c.From) : PhoneNumbers.ForViewer(c.From, viewer);
        return new CallView(c.Id, from, c.To, c.Status, c.Outcome, c.IvrPath, c.Queue, c.Agent, c.RingingAgent,
            c.OfferedAt, c.IvrAt, c.QueuedAt, c.RingingAt, c.AnsweredAt, c.EndedAt, c.WrapUpEndedAt, c.EndedBy, c.RingSeconds, c.WaitSeconds,
            c.TalkSeconds, c.HoldSeconds, c.WrapSeconds, c.RingNoAnswerCount, c.ReachedAgentInTarget, c.AnsweredWithinRings, c.CallbackRequested,
            c.RecordingUri, c.RecordingSeconds, c.CustomerId, c.ComplaintId, c.SolvedOnFirstContact, c.Note, c.DispositionBy, c.DispositionAt,
            c.IdentityCheck, c.IdentityCheckedWith, c.EmotionalCaller, c.AlternativesOffered, c.FaultNoticeId, holds, transfers, transcript, c.Version, c.SurveyConsent);
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> Disposition(string callId, DispositionInput input, HttpRequest request, ClaimsPrincipal user,
        KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await CallWrapUp.SetDispositionAsync(db, callId, input, CurrentActor.From(user), clock, IfMatch(request), cancellationToken))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await LoadAsync(db, callId, user, cancellationToken))!);
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> IdentityCheck(string callId, IdentityCheckInput input, HttpRequest request, ClaimsPrincipal user,
        KefuDbContext db, CancellationToken cancellationToken)
    {
        if (!await CallWrapUp.SetIdentityCheckAsync(db, callId, input, IfMatch(request), cancellationToken))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok((await LoadAsync(db, callId, user, cancellationToken))!);
    }

    internal static async Task<Results<Ok<CallView>, NotFound>> Links(string callId, LinksInput input, HttpRequest request, ClaimsPrincipal user,
        KefuDbContext db, CancellationToken cancellationToken)
    {
        if (!await CallWrapUp.LinkAsync(db, callId, input, IfMatch(request), cancellationToken))
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

        var result = await center.SoftPhoneAsync(callId, user.Identity?.Name ?? "",
            user.IsInRole(KefuRoles.Supervisor) || user.IsInRole(KefuRoles.Admin), input.Action, input.Target, input.Reason, cancellationToken);
        return TypedResults.Ok(new CtiApi.CtiResponse(result.Accepted, result.Duplicates, result.Actions));
    }

    /// <summary>
    /// The version an agent's write is based on: optional on the wrap-up endpoints. Without If-Match a write that loses a
    /// race with a telephony event is retried on the fresh row (see <see cref="CallWrapUp"/>); with it, a changed call is 412.
    /// </summary>
    private static Guid? IfMatch(HttpRequest request) => request.Headers.IfMatch.Count > 0 ? ETags.RequireIfMatch(request) : null;
}
