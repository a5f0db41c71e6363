using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Filling in the record of a step. A step's record can be written once the complaint has reached it (never ahead:
/// "a plan before the facts" is pitfall 1 of seed 000) and corrected later while the complaint is open.
/// </summary>
public static class StepRecords
{
    /// <summary>Step 1 投诉预判.</summary>
    public sealed record PreAssessment(string? CoreProblem, string? ContactGoal, string? KnownPitfalls, bool? SeniorAdviceSought, string? SeniorAdviceNote);

    /// <summary>Step 2 查询事实, the customer side and the wrap-up of the first contact; <c>demandsConfirmed</c> stamps the confirmation time.</summary>
    public sealed record Facts(
        bool? IntroductionGiven, string? EventTime, string? EventPlace, string? PeopleInvolved, string? EventCause, string? CustomerImpact,
        string? EvidenceNotes, string? EmotionNotes, IReadOnlyList<string>? Demands, bool? DemandsConfirmed, DateTime? PromisedReplyAt,
        string? ReplyContact, string? FactSummary);

    /// <summary>One itemized finding of step 3.</summary>
    public sealed record Finding(FindingSide? Side, string? Description, Guid? DepartmentId, string? PersonName, string? PolicyBasis);

    /// <summary>Step 3 内部判责: the findings replace the earlier list.</summary>
    public sealed record Responsibility(IReadOnlyList<Finding>? Findings, string? RootCause, ResponsibilityVerdict? Verdict);

    /// <summary>Step 4 确认方案. A refund or compensation above the approval threshold goes to a Supervisor.</summary>
    public sealed record Plan(PlanKind? Kind, string? Description, string? Obligations, string? BottomLine, decimal? Amount, string? Currency,
        Guid? ExecutorId, DateTime? Deadline, string? ExpectedEffect);

    /// <summary>Step 6 总结反思.</summary>
    public sealed record Review(string? Cause, string? CompanyRisk, string? Improvements);

    public static async Task<Complaint> RecordPreAssessmentAsync(KefuDbContext db, Guid id, Guid? expectedVersion, PreAssessment input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, expectedVersion, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.PreAssessment);
        var errors = new FieldErrors();
        complaint.CoreProblem = ComplaintStore.Text(errors, "coreProblem", input.CoreProblem);
        complaint.ContactGoal = ComplaintStore.Text(errors, "contactGoal", input.ContactGoal);
        complaint.KnownPitfalls = ComplaintStore.Text(errors, "knownPitfalls", input.KnownPitfalls);
        complaint.SeniorAdviceSought = input.SeniorAdviceSought ?? false;
        complaint.SeniorAdviceNote = ComplaintStore.Text(errors, "seniorAdviceNote", input.SeniorAdviceNote);
        errors.ThrowIfAny();
        complaint.Record("pre-assessment", $"投诉预判：核心问题“{complaint.CoreProblem}”，沟通目标“{complaint.ContactGoal}”", actor, clock.GetUtcNow().UtcDateTime);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static async Task<Complaint> RecordFactsAsync(KefuDbContext db, Guid id, Guid? expectedVersion, Facts input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, expectedVersion, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.FactFinding);
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        complaint.IntroductionGiven = input.IntroductionGiven ?? complaint.IntroductionGiven;
        complaint.EventTime = ComplaintStore.Text(errors, "eventTime", input.EventTime, 500);
        complaint.EventPlace = ComplaintStore.Text(errors, "eventPlace", input.EventPlace, 500);
        complaint.PeopleInvolved = ComplaintStore.Text(errors, "peopleInvolved", input.PeopleInvolved, 500);
        complaint.EventCause = ComplaintStore.Text(errors, "eventCause", input.EventCause);
        complaint.CustomerImpact = ComplaintStore.Text(errors, "customerImpact", input.CustomerImpact);
        complaint.EvidenceNotes = ComplaintStore.Text(errors, "evidenceNotes", input.EvidenceNotes);
        complaint.EmotionNotes = ComplaintStore.Text(errors, "emotionNotes", input.EmotionNotes);
        complaint.ReplyContact = ComplaintStore.Text(errors, "replyContact", input.ReplyContact, 500);
        complaint.FactSummary = ComplaintStore.Text(errors, "factSummary", input.FactSummary);
        if (input.Demands is { Count: > 20 })
        {
            errors.Add("demands", "must hold at most 20 demands");
        }

        var demands = (input.Demands ?? []).Select((d, i) => ComplaintStore.Text(errors, $"demands[{i}]", d, 500)).OfType<string>().ToList();
        if (input.PromisedReplyAt is { } promised && promised.ToUniversalTime() != complaint.PromisedReplyAt && promised.ToUniversalTime() <= now)
        {
            errors.Add("promisedReplyAt", "must be in the future: it is the time promised to the customer");
        }

        if (input.DemandsConfirmed == true && demands.Count == 0)
        {
            errors.Add("demandsConfirmed", "needs at least one recorded demand to confirm");
        }

        errors.ThrowIfAny();
        var demandsChanged = !demands.SequenceEqual(complaint.Demands, StringComparer.Ordinal);
        complaint.Demands = demands;
        if (input.DemandsConfirmed == true && (complaint.DemandsConfirmedAt is null || demandsChanged))
        {
            complaint.DemandsConfirmedAt = now;
            complaint.Record("demands-confirmed", "已向客户复述诉求并获确认：" + string.Join("；", demands), actor, now);
        }
        else if (input.DemandsConfirmed == false || demandsChanged)
        {
            // Changed demands were not what the customer confirmed: the confirmation must be repeated.
            complaint.DemandsConfirmedAt = null;
        }

        if (input.PromisedReplyAt is { } reply && complaint.PromisedReplyAt != reply.ToUniversalTime())
        {
            complaint.PromisedReplyAt = reply.ToUniversalTime();
            complaint.Record("reply-promised", $"已承诺于 {ComplaintTime.China(complaint.PromisedReplyAt!.Value)} 前回复客户", actor, now);
        }

        complaint.Record("facts", "更新事实核查记录", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static async Task<Complaint> RecordResponsibilityAsync(KefuDbContext db, Guid id, Guid? expectedVersion, Responsibility input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, expectedVersion, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.Responsibility);
        var errors = new FieldErrors();
        var findings = input.Findings ?? [];
        if (findings.Count > 50)
        {
            errors.Add("findings", "must hold at most 50 findings");
        }

        var departmentIds = await db.Departments.AsNoTracking().Select(d => d.Id).ToListAsync(cancellationToken);
        var rows = new List<ResponsibilityFinding>();
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            var prefix = $"findings[{i}]";
            if (f.Side is not { } side || !Enum.IsDefined(side))
            {
                errors.Add(prefix + ".side", "is required: Customer or Company");
            }

            errors.Required(prefix + ".description", f.Description, 2000);
            errors.MaxLength(prefix + ".personName", f.PersonName, 64).NoPii(prefix + ".personName", f.PersonName);
            if (f.DepartmentId is { } dep && !departmentIds.Contains(dep))
            {
                errors.Add(prefix + ".departmentId", "must name an existing department");
            }

            rows.Add(new ResponsibilityFinding
            {
                Id = Ids.New(),
                ComplaintId = complaint.Id,
                Side = f.Side ?? FindingSide.Customer,
                Description = ComplaintStore.Text(errors, prefix + ".description", f.Description, 2000) ?? "",
                DepartmentId = f.DepartmentId,
                PersonName = f.PersonName?.Trim(),
                PolicyBasis = ComplaintStore.Text(errors, prefix + ".policyBasis", f.PolicyBasis, 1000),
            });
        }

        if (input.Verdict is { } verdict && !Enum.IsDefined(verdict))
        {
            errors.Add("verdict", "must be one of " + string.Join(", ", Enum.GetNames<ResponsibilityVerdict>()));
        }

        var rootCause = ComplaintStore.Text(errors, "rootCause", input.RootCause);
        errors.ThrowIfAny();
        db.RemoveRange(complaint.Findings);
        complaint.Findings.Clear();
        complaint.Findings.AddRange(rows);
        db.AddRange(rows);
        complaint.RootCause = rootCause;
        complaint.Verdict = input.Verdict;
        var company = rows.Count(r => r.Side == FindingSide.Company);
        complaint.Record("responsibility", $"判责：客户方 {rows.Count - company} 条，公司方 {company} 条；结论：{(input.Verdict is { } v ? ComplaintReports.VerdictName(v) : "未定")}", actor, clock.GetUtcNow().UtcDateTime);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static async Task<Complaint> RecordPlanAsync(KefuDbContext db, Guid id, Guid? expectedVersion, Plan input, Actor actor, ComplaintRules rules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, expectedVersion, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.Plan);
        if (complaint.Step > ComplaintStep.Plan)
        {
            throw new ConflictException("The plan is being executed; reopen the complaint to change it.", ["plan-in-execution"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("kind", "is required: one of " + string.Join(", ", Enum.GetNames<PlanKind>()));
        }

        var moneyPlan = input.Kind is PlanKind.Refund or PlanKind.Compensation;
        if (moneyPlan && input.Amount is null)
        {
            errors.Add("amount", "is required for a refund or compensation");
        }

        if (input.Amount is < 0 or > 10_000_000m)
        {
            errors.Add("amount", "must be between 0 and 10000000");
        }

        var currency = string.IsNullOrWhiteSpace(input.Currency) ? "CNY" : input.Currency.Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            errors.Add("currency", "must be a three-letter ISO 4217 code such as CNY");
        }

        if (input.Deadline is { } deadline && deadline.ToUniversalTime() != complaint.PlanDeadline && deadline.ToUniversalTime() <= now)
        {
            errors.Add("deadline", "must be in the future");
        }

        if (input.ExecutorId is { } executor && !await db.Users.AnyAsync(u => u.Id == executor && u.IsActive, cancellationToken))
        {
            errors.Add("executorId", "must name an active staff member");
        }

        var description = ComplaintStore.Text(errors, "description", input.Description);
        var obligations = ComplaintStore.Text(errors, "obligations", input.Obligations);
        var bottomLine = ComplaintStore.Text(errors, "bottomLine", input.BottomLine);
        var effect = ComplaintStore.Text(errors, "expectedEffect", input.ExpectedEffect);
        errors.ThrowIfAny();

        var before = (complaint.PlanKind, complaint.PlanAmount, complaint.PlanCurrency);
        complaint.PlanKind = input.Kind;
        complaint.PlanDescription = description;
        complaint.PlanObligations = obligations;
        complaint.PlanBottomLine = bottomLine;
        complaint.PlanAmount = input.Amount is { } amount ? decimal.Round(amount, 2) : null;
        complaint.PlanCurrency = currency;
        complaint.PlanExecutorId = input.ExecutorId;
        complaint.PlanDeadline = input.Deadline?.ToUniversalTime();
        complaint.PlanExpectedEffect = effect;

        // An approval covers the kind and amount it was given for; a change asks again.
        var needsApproval = complaint.PlanNeedsApproval(rules);
        var changed = before != (complaint.PlanKind, complaint.PlanAmount, complaint.PlanCurrency);
        if (!needsApproval)
        {
            complaint.PlanApproval = ApprovalState.NotRequired;
        }
        else if (changed || complaint.PlanApproval is ApprovalState.NotRequired)
        {
            complaint.PlanApproval = ApprovalState.Pending;
            complaint.PlanApprovedById = null;
            complaint.PlanApprovalReason = null;
        }

        var approvalNote = complaint.PlanApproval == ApprovalState.Pending ? $"（金额超过 {rules.ApprovalThreshold:0.##} 元，待主管审批）" : "";
        complaint.Record("plan", $"方案（{ComplaintReports.PlanName(complaint.PlanKind!.Value)}）：{complaint.PlanDescription}{(complaint.PlanAmount is { } a ? $"，金额 {a:0.00} {currency}" : "")}{approvalNote}", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static async Task<Complaint> RecordReviewAsync(KefuDbContext db, Guid id, Guid? expectedVersion, Review input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, expectedVersion, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.Review);
        var errors = new FieldErrors();
        complaint.ReviewCause = ComplaintStore.Text(errors, "cause", input.Cause);
        complaint.ReviewCompanyRisk = ComplaintStore.Text(errors, "companyRisk", input.CompanyRisk);
        complaint.ReviewImprovements = ComplaintStore.Text(errors, "improvements", input.Improvements);
        errors.ThrowIfAny();
        complaint.Record("review", "总结反思：" + complaint.ReviewCause, actor, clock.GetUtcNow().UtcDateTime);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }
}
