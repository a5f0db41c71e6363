using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Step 2, inside the company: send the extracted key facts to a department (not the whole call), record its
/// feedback, mark each disagreement valid or negligible, and collect each party's "no objection" to the summary.
/// </summary>
public static class InternalInquiries
{
    public sealed record Send(Guid? DepartmentId, string? KeyFacts);

    public sealed record Feedback(string? Text);

    /// <summary>The party's "no objection" to the fact summary; <c>confirmedBy</c> names who said so.</summary>
    public sealed record Confirm(string? ConfirmedBy);

    public sealed record NewDisagreement(string? Description, DisagreementValidity? Validity, Guid? InquiryId);

    public static async Task<InternalInquiry> SendAsync(KefuDbContext db, Guid id, Send input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.FactFinding);
        var errors = new FieldErrors().Required("keyFacts", input.KeyFacts, 4000);
        if (input.DepartmentId is null)
        {
            errors.Add("departmentId", "is required");
        }

        errors.ThrowIfAny();
        var department = await db.Departments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == input.DepartmentId, cancellationToken)
            ?? throw FieldValidationException.For("departmentId", "must name an existing department");
        var now = clock.GetUtcNow().UtcDateTime;
        var inquiry = new InternalInquiry
        {
            Id = Ids.New(),
            ComplaintId = complaint.Id,
            DepartmentId = department.Id,
            KeyFacts = ComplaintStore.Text(errors, "keyFacts", input.KeyFacts)!,
            CreatedAt = now,
        };
        complaint.Inquiries.Add(inquiry);
        complaint.Record("inquiry", $"向{department.Name}发送核实要点：{inquiry.KeyFacts}", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return inquiry;
    }

    public static async Task<InternalInquiry> RecordFeedbackAsync(KefuDbContext db, Guid id, Guid inquiryId, Feedback input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (complaint, inquiry) = await LoadAsync(db, id, inquiryId, cancellationToken);
        var errors = new FieldErrors().Required("text", input.Text, 4000);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        inquiry.Feedback = ComplaintStore.Text(errors, "text", input.Text);
        inquiry.FeedbackAt = now;

        // New feedback may change the facts: the party must confirm the summary again.
        inquiry.NoObjectionAt = null;
        complaint.Record("inquiry-feedback", "部门反馈：" + inquiry.Feedback, actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return inquiry;
    }

    public static async Task<InternalInquiry> ConfirmNoObjectionAsync(KefuDbContext db, Guid id, Guid inquiryId, Confirm input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (complaint, inquiry) = await LoadAsync(db, id, inquiryId, cancellationToken);
        if (string.IsNullOrWhiteSpace(complaint.FactSummary))
        {
            throw new ConflictException("Write the fact summary (问题 / 核查 / 结果) first: the parties confirm that summary.", ["fact-summary"]);
        }

        var errors = new FieldErrors().MaxLength("confirmedBy", input.ConfirmedBy, 100).NoPii("confirmedBy", input.ConfirmedBy);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        inquiry.NoObjectionAt = now;
        inquiry.ConfirmedBy = string.IsNullOrWhiteSpace(input.ConfirmedBy) ? actor.DisplayName ?? actor.Name : input.ConfirmedBy.Trim();
        complaint.Record("no-objection", $"{inquiry.ConfirmedBy} 确认对事实简述无异议", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return inquiry;
    }

    public static async Task<Disagreement> AddDisagreementAsync(KefuDbContext db, Guid id, NewDisagreement input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.FactFinding);
        var errors = new FieldErrors().Required("description", input.Description, 2000);
        if (input.Validity is not { } validity || !Enum.IsDefined(validity))
        {
            errors.Add("validity", "is required: Valid or Negligible");
        }

        if (input.InquiryId is { } inquiryId && complaint.Inquiries.TrueForAll(i => i.Id != inquiryId))
        {
            errors.Add("inquiryId", "must name an inquiry of this complaint");
        }

        errors.ThrowIfAny();
        var disagreement = new Disagreement
        {
            Id = Ids.New(),
            ComplaintId = complaint.Id,
            InquiryId = input.InquiryId,
            Description = ComplaintStore.Text(errors, "description", input.Description, 2000)!,
            Validity = input.Validity!.Value,
        };
        complaint.Disagreements.Add(disagreement);
        var label = disagreement.Validity == DisagreementValidity.Valid ? "有效分歧" : "可忽略分歧";
        complaint.Record("disagreement", $"{label}：{disagreement.Description}", actor, clock.GetUtcNow().UtcDateTime);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return disagreement;
    }

    private static async Task<(Complaint, InternalInquiry)> LoadAsync(KefuDbContext db, Guid id, Guid inquiryId, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.FactFinding);
        var inquiry = complaint.Inquiries.Find(i => i.Id == inquiryId) ?? throw new NotFoundException("Inquiry", inquiryId);
        return (complaint, inquiry);
    }
}
