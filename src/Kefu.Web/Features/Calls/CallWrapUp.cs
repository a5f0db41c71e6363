using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// The agent's wrap-up of a call (seed 003 §2.3, §2.6, §3.1): the identity check, the objective note with the
/// first-contact result, and the links to the customer and a complaint. The API (<see cref="CallsApi"/>) and the agent
/// desktop both call these, so both enforce the same rules. Each returns false when the call does not exist.
/// </summary>
public static class CallWrapUp
{
    /// <summary>The facts an identity check may rest on (seed 003 §3.1, minimum necessary): never an ID number, a bank card or a password.</summary>
    public static readonly IReadOnlyList<string> IdentityFacts = ["phone", "order", "email"];

    /// <summary>
    /// Records the disposition: <c>solvedOnFirstContact</c> (required) and an objective note (PII masked), optionally the
    /// emotional-caller mark and the alternatives offered when a request could not be met. A note on a call with a known
    /// customer is also kept as the customer's phone contact record.
    /// </summary>
    public static async Task<bool> SetDispositionAsync(KefuDbContext db, string callId, CallsApi.DispositionInput input, Actor actor, TimeProvider clock,
        Guid? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new FieldErrors().MaxLength("note", input.Note, 4000).MaxLength("alternativesOffered", input.AlternativesOffered, 500);
        if (input.SolvedOnFirstContact is null)
        {
            errors.Add("solvedOnFirstContact", "is required: true when the caller's need was solved on this call");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        return await WriteAsync(db, callId, expectedVersion, async call =>
        {
            call.SolvedOnFirstContact = input.SolvedOnFirstContact;
            call.Note = string.IsNullOrWhiteSpace(input.Note) ? null : PiiDetector.Mask(input.Note.Trim());
            call.EmotionalCaller = input.EmotionalCaller ?? call.EmotionalCaller;
            call.AlternativesOffered = string.IsNullOrWhiteSpace(input.AlternativesOffered) ? call.AlternativesOffered : PiiDetector.Mask(input.AlternativesOffered.Trim());
            call.SurveyConsent = input.SurveyConsent ?? call.SurveyConsent;
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
    }

    /// <summary>
    /// Records the identity check: the result and which facts matched (phone, order, email). No values are stored, and
    /// a Verified result needs the registered phone number.
    /// </summary>
    public static async Task<bool> SetIdentityCheckAsync(KefuDbContext db, string callId, CallsApi.IdentityCheckInput input, Guid? expectedVersion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        if (input.Result is null)
        {
            errors.Add("result", "is required: Verified, NotVerified or NotNeeded");
        }

        var checkedWith = (input.CheckedWith ?? []).Select(s => s.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (checkedWith.Any(c => !IdentityFacts.Contains(c, StringComparer.Ordinal)))
        {
            errors.Add("checkedWith", "may only name phone, order and email: identity is never checked with an ID number, a bank card or a password");
        }

        if (input.Result == IdentityCheckResult.Verified && !checkedWith.Contains("phone", StringComparer.Ordinal))
        {
            errors.Add("checkedWith", "a verified identity needs the registered phone number (and the last order or e-mail)");
        }

        errors.ThrowIfAny();
        return await WriteAsync(db, callId, expectedVersion, call =>
        {
            call.IdentityCheck = input.Result;
            call.IdentityCheckedWith = checkedWith.Count == 0 ? null : string.Join(',', checkedWith);
            return Task.CompletedTask;
        }, cancellationToken);
    }

    /// <summary>Links the call to a customer and/or a complaint; a complaint must belong to the call's customer.</summary>
    public static async Task<bool> LinkAsync(KefuDbContext db, string callId, CallsApi.LinksInput input, Guid? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        return await WriteAsync(db, callId, expectedVersion, async call =>
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
    }

    /// <summary>
    /// Applies an agent's change to a call record. Telephony events update the same row all the time (a wrap-up end
    /// lands while the agent types the note): without an expected version a lost race is retried on the fresh row,
    /// because the agent's fields and the event fields do not overlap; with one, a changed version is refused (412).
    /// </summary>
    private static async Task<bool> WriteAsync(KefuDbContext db, string callId, Guid? expectedVersion, Func<CallRecord, Task> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var call = await db.Set<CallRecord>().SingleOrDefaultAsync(c => c.Id == callId, cancellationToken);
            if (call is null)
            {
                return false;
            }

            if (expectedVersion is { } version && version != call.Version)
            {
                throw new StaleVersionException("Call", call.Version);
            }

            await change(call);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateConcurrencyException) when (expectedVersion is null && attempt < 5)
            {
                // retried on the current row
            }
        }
    }
}
