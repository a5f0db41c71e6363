using Kefu.Web.Data;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// A complaint (投诉) and its six-step handling (seed 000). One accountable owner ("让客户只找你"), a record per
/// step, and a timeline of everything that happened. Every change goes through a method here, which appends to
/// the timeline and touches the row so that concurrent changes are detected by its version.
/// </summary>
public sealed class Complaint : IVersioned, ITimestamped
{
    public Guid Id { get; set; }

    /// <summary>Case number given to the customer, e.g. TS-20261123-3F2A9C.</summary>
    public required string Number { get; set; }

    /// <summary>Secret of the customer's tracking link (/track/{number}?t=…); random, shown only to the customer.</summary>
    public string TrackingToken { get; set; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    public Guid CustomerId { get; set; }
    public ComplaintChannel Channel { get; set; }
    public Guid CategoryId { get; set; }
    public ComplaintSeverity Severity { get; set; }
    public ComplaintUrgency Urgency { get; set; }

    /// <summary>What the customer complains about, in their words (PII masked).</summary>
    public required string Summary { get; set; }

    public ComplaintStep Step { get; set; } = ComplaintStep.PreAssessment;
    public Guid OwnerId { get; set; }
    public Guid? OwnerDepartmentId { get; set; }

    /// <summary>Set when the same customer complained in the same category within the repeat window, or on reopening.</summary>
    public bool IsRepeat { get; set; }
    public Guid? RepeatOfId { get; set; }
    public bool IsEscalated { get; set; }
    public int ReopenCount { get; set; }
    public DateTime? ClosedAt { get; set; }

    // ---- Step 1 投诉预判 ----
    public string? CoreProblem { get; set; }
    public string? ContactGoal { get; set; }
    public string? KnownPitfalls { get; set; }
    public bool SeniorAdviceSought { get; set; }
    public string? SeniorAdviceNote { get; set; }

    // ---- Step 2 查询事实 (external) ----
    /// <summary>"我是谁、本次沟通的目的" was said at the start of the contact.</summary>
    public bool IntroductionGiven { get; set; }
    public string? EventTime { get; set; }
    public string? EventPlace { get; set; }
    public string? PeopleInvolved { get; set; }
    public string? EventCause { get; set; }
    public string? CustomerImpact { get; set; }
    public string? EvidenceNotes { get; set; }
    public string? EmotionNotes { get; set; }

    /// <summary>诉求: what the customer wants solved.</summary>
    public List<string> Demands { get; set; } = [];

    /// <summary>When the demands were repeated back to the customer and confirmed (first-contact wrap-up).</summary>
    public DateTime? DemandsConfirmedAt { get; set; }

    /// <summary>The reply time promised to the customer, e.g. within 24 h.</summary>
    public DateTime? PromisedReplyAt { get; set; }
    public string? ReplyContact { get; set; }

    // ---- Step 2 查询事实 (internal) ----
    /// <summary>The short "problem / check / result" summary every party confirms.</summary>
    public string? FactSummary { get; set; }
    public List<InternalInquiry> Inquiries { get; set; } = [];
    public List<Disagreement> Disagreements { get; set; } = [];

    // ---- Step 3 内部判责 ----
    public List<ResponsibilityFinding> Findings { get; set; } = [];
    public string? RootCause { get; set; }
    public ResponsibilityVerdict? Verdict { get; set; }

    // ---- Step 4 确认方案 ----
    public PlanKind? PlanKind { get; set; }
    public string? PlanDescription { get; set; }

    /// <summary>If liable: what we owe the customer.</summary>
    public string? PlanObligations { get; set; }

    /// <summary>底线方案: the most we will offer.</summary>
    public string? PlanBottomLine { get; set; }
    public decimal? PlanAmount { get; set; }
    public string PlanCurrency { get; set; } = "CNY";
    public Guid? PlanExecutorId { get; set; }
    public DateTime? PlanDeadline { get; set; }
    public string? PlanExpectedEffect { get; set; }
    public ApprovalState PlanApproval { get; set; }
    public Guid? PlanApprovedById { get; set; }
    public string? PlanApprovalReason { get; set; }

    // ---- Step 5 沟通执行 ----
    public DateTime? ExplainedOnCallAt { get; set; }
    public DateTime? CustomerConfirmedDoneAt { get; set; }
    public DateTime? PaymentReceivedAt { get; set; }

    // ---- Step 6 总结反思 ----
    public string? ReviewCause { get; set; }
    public string? ReviewCompanyRisk { get; set; }
    public string? ReviewImprovements { get; set; }

    public List<ComplaintEvent> Timeline { get; set; } = [];
    public List<ComplaintDeadline> Deadlines { get; set; } = [];

    /// <summary>Set while the complaint waits on the customer (documents, a callback window): SLA clocks pause.</summary>
    public DateTime? WaitingOnCustomerSince { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>特殊投诉: high severity, escalated or repeat — step 6 review is then required (seed 000).</summary>
    public bool IsSpecial => Severity >= ComplaintSeverity.High || IsEscalated || IsRepeat;

    /// <summary>Whether the plan needs a Supervisor's approval under <paramref name="rules"/>.</summary>
    public bool PlanNeedsApproval(ComplaintRules rules) =>
        PlanKind is Complaints.PlanKind.Refund or Complaints.PlanKind.Compensation && (PlanAmount ?? 0) > rules.ApprovalThreshold;

    /// <summary>Appends to the timeline (PII masked) and marks the complaint changed so its version is renewed.</summary>
    public ComplaintEvent Record(string kind, string text, Access.Actor actor, DateTime at)
    {
        var entry = new ComplaintEvent
        {
            Id = Ids.New(),
            ComplaintId = Id,
            At = at,
            Kind = kind,
            Text = PiiDetector.Mask(text),
            ActorId = actor.Id,
            ActorName = actor.DisplayName ?? actor.Name,
        };
        Timeline.Add(entry);
        UpdatedAt = at;
        return entry;
    }

    public void EnsureOpen()
    {
        if (Step == ComplaintStep.Closed)
        {
            throw new ConflictException("The complaint is closed; reopen it with a reason to change it.");
        }
    }

    /// <summary>Step records may be filled for the current step and earlier ones, never ahead (pitfall: a plan before the facts).</summary>
    public void EnsureStepReached(ComplaintStep step)
    {
        EnsureOpen();
        if (Step < step)
        {
            throw new ConflictException($"The complaint is at step {Step}; {step} cannot be recorded before the earlier steps' gates are met.",
                [$"step-not-reached:{step}"]);
        }
    }
}

/// <summary>Key facts sent to a department (提炼后的关键事实), its feedback, and its "no objection" to the fact summary.</summary>
public sealed class InternalInquiry
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public Guid DepartmentId { get; set; }
    public required string KeyFacts { get; set; }
    public string? Feedback { get; set; }
    public DateTime? FeedbackAt { get; set; }
    public DateTime? NoObjectionAt { get; set; }
    public string? ConfirmedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A difference between the customer's account and a department's (90 % of cases have one, seed 000).</summary>
public sealed class Disagreement
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public Guid? InquiryId { get; set; }
    public required string Description { get; set; }
    public DisagreementValidity Validity { get; set; }
}

/// <summary>One itemized finding of step 3: whose side, what, which department/person, and the policy it rests on.</summary>
public sealed class ResponsibilityFinding
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public FindingSide Side { get; set; }
    public required string Description { get; set; }
    public Guid? DepartmentId { get; set; }
    public string? PersonName { get; set; }

    /// <summary>The business rule or service promise the finding rests on.</summary>
    public string? PolicyBasis { get; set; }
}

/// <summary>One line of the complaint's timeline.</summary>
public sealed class ComplaintEvent
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public DateTime At { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
}

/// <summary>An owner change: from whom, to whom (person and department), why and when (seed 003 §3.3).</summary>
public sealed class ComplaintTransfer
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public DateTime At { get; set; }
    public Guid FromUserId { get; set; }
    public Guid ToUserId { get; set; }
    public Guid? ToDepartmentId { get; set; }
    public required string Reason { get; set; }
    public Guid? ByUserId { get; set; }
}

/// <summary>Complaint policy values an operator configures (<c>Kefu:Complaints:*</c>).</summary>
public sealed class ComplaintRules
{
    /// <summary>Refunds and compensation above this amount (CNY) need a Supervisor's approval.</summary>
    public decimal ApprovalThreshold { get; set; } = 500m;

    /// <summary>A new complaint of the same customer in the same category within this many days is a repeat.</summary>
    public int RepeatWindowDays { get; set; } = 30;

    /// <summary>User name of the owner of complaints from the public form; empty = the first active Supervisor.</summary>
    public string? IntakeOwner { get; set; }

    /// <summary>Public form submissions allowed per client address per 10 minutes.</summary>
    public int PublicSubmissionsPer10Minutes { get; set; } = 5;
}
