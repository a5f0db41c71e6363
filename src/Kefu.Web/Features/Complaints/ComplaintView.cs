namespace Kefu.Web.Features.Complaints;

/// <summary>A complaint as the API returns it: the step records, the current step's gates (as a checklist) and the timeline.</summary>
public sealed record ComplaintView(
    Guid Id,
    string Number,
    Guid CustomerId,
    ComplaintChannel Channel,
    Guid CategoryId,
    ComplaintSeverity Severity,
    ComplaintUrgency Urgency,
    string Summary,
    ComplaintStep Step,
    Guid OwnerId,
    Guid? OwnerDepartmentId,
    bool IsRepeat,
    Guid? RepeatOfId,
    bool IsEscalated,
    bool IsSpecial,
    int ReopenCount,
    DateTime? ClosedAt,
    ComplaintView.PreAssessmentRecord PreAssessment,
    ComplaintView.FactsRecord Facts,
    ComplaintView.ResponsibilityRecord Responsibility,
    ComplaintView.PlanRecord Plan,
    ComplaintView.ExecutionRecord Execution,
    ComplaintView.ReviewRecord Review,
    IReadOnlyList<Gate> Gates,
    IReadOnlyList<ComplaintView.TimelineEntry> Timeline,
    Guid Version,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? WaitingOnCustomerSince,
    IReadOnlyList<ComplaintView.DeadlineView> Deadlines)
{
    /// <summary>A tracked due time; <c>state</c> is Open, Met, Overdue (open and past due) or Cancelled.</summary>
    public sealed record DeadlineView(Guid Id, DeadlineKind Kind, string Description, DateTime DueAt, DateTime? MetAt, DateTime? EscalatedAt, string State)
    {
        public static DeadlineView From(ComplaintDeadline d) => new(d.Id, d.Kind, d.Description, d.DueAt, d.MetAt, d.EscalatedAt,
            d.CancelledAt is not null ? "Cancelled" : d.MetAt is not null ? "Met" : d.EscalatedAt is not null ? "Overdue" : "Open");
    }

    public sealed record PreAssessmentRecord(string? CoreProblem, string? ContactGoal, string? KnownPitfalls, bool SeniorAdviceSought, string? SeniorAdviceNote);

    public sealed record FactsRecord(bool IntroductionGiven, string? EventTime, string? EventPlace, string? PeopleInvolved, string? EventCause,
        string? CustomerImpact, string? EvidenceNotes, string? EmotionNotes, IReadOnlyList<string> Demands, DateTime? DemandsConfirmedAt,
        DateTime? PromisedReplyAt, string? ReplyContact, string? FactSummary, IReadOnlyList<InquiryView> Inquiries, IReadOnlyList<DisagreementView> Disagreements);

    public sealed record InquiryView(Guid Id, Guid DepartmentId, string KeyFacts, string? Feedback, DateTime? FeedbackAt, DateTime? NoObjectionAt, string? ConfirmedBy)
    {
        public static InquiryView From(InternalInquiry i) => new(i.Id, i.DepartmentId, i.KeyFacts, i.Feedback, i.FeedbackAt, i.NoObjectionAt, i.ConfirmedBy);
    }

    public sealed record DisagreementView(Guid Id, Guid? InquiryId, string Description, DisagreementValidity Validity)
    {
        public static DisagreementView From(Disagreement d) => new(d.Id, d.InquiryId, d.Description, d.Validity);
    }

    public sealed record ResponsibilityRecord(IReadOnlyList<FindingView> Findings, string? RootCause, ResponsibilityVerdict? Verdict);

    public sealed record FindingView(Guid Id, FindingSide Side, string Description, Guid? DepartmentId, string? PersonName, string? PolicyBasis);

    public sealed record PlanRecord(PlanKind? Kind, string? Description, string? Obligations, string? BottomLine, decimal? Amount, string Currency,
        Guid? ExecutorId, DateTime? Deadline, string? ExpectedEffect, ApprovalState Approval, Guid? ApprovedById, string? ApprovalReason);

    public sealed record ExecutionRecord(DateTime? ExplainedOnCallAt, DateTime? CustomerConfirmedDoneAt, DateTime? PaymentReceivedAt);

    public sealed record ReviewRecord(bool Required, string? Cause, string? CompanyRisk, string? Improvements);

    public sealed record TimelineEntry(DateTime At, string Kind, string Text, string? ActorName);

    public static ComplaintView From(Complaint c, ComplaintRules rules) => new(
        c.Id, c.Number, c.CustomerId, c.Channel, c.CategoryId, c.Severity, c.Urgency, c.Summary, c.Step, c.OwnerId, c.OwnerDepartmentId,
        c.IsRepeat, c.RepeatOfId, c.IsEscalated, c.IsSpecial, c.ReopenCount, c.ClosedAt,
        new PreAssessmentRecord(c.CoreProblem, c.ContactGoal, c.KnownPitfalls, c.SeniorAdviceSought, c.SeniorAdviceNote),
        new FactsRecord(c.IntroductionGiven, c.EventTime, c.EventPlace, c.PeopleInvolved, c.EventCause, c.CustomerImpact, c.EvidenceNotes,
            c.EmotionNotes, c.Demands, c.DemandsConfirmedAt, c.PromisedReplyAt, c.ReplyContact, c.FactSummary,
            c.Inquiries.OrderBy(i => i.CreatedAt).Select(InquiryView.From).ToList(),
            c.Disagreements.Select(DisagreementView.From).ToList()),
        new ResponsibilityRecord(c.Findings.Select(f => new FindingView(f.Id, f.Side, f.Description, f.DepartmentId, f.PersonName, f.PolicyBasis)).ToList(), c.RootCause, c.Verdict),
        new PlanRecord(c.PlanKind, c.PlanDescription, c.PlanObligations, c.PlanBottomLine, c.PlanAmount, c.PlanCurrency, c.PlanExecutorId, c.PlanDeadline,
            c.PlanExpectedEffect, c.PlanApproval, c.PlanApprovedById, c.PlanApprovalReason),
        new ExecutionRecord(c.ExplainedOnCallAt, c.CustomerConfirmedDoneAt, c.PaymentReceivedAt),
        new ReviewRecord(c.IsSpecial, c.ReviewCause, c.ReviewCompanyRisk, c.ReviewImprovements),
        ComplaintGates.For(c, rules),
        c.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TimelineEntry(t.At, t.Kind, t.Text, t.ActorName)).ToList(),
        c.Version, c.CreatedAt, c.UpdatedAt, c.WaitingOnCustomerSince,
        c.Deadlines.OrderBy(d => d.DueAt).Select(DeadlineView.From).ToList());
}

/// <summary>A row of a complaint list.</summary>
public sealed record ComplaintSummary(Guid Id, string Number, Guid CustomerId, string CustomerName, ComplaintChannel Channel, string CategoryName,
    ComplaintSeverity Severity, ComplaintUrgency Urgency, ComplaintStep Step, Guid OwnerId, string OwnerName, bool IsRepeat, bool IsEscalated,
    ApprovalState PlanApproval, DateTime? PromisedReplyAt, DateTime CreatedAt, DateTime UpdatedAt);
