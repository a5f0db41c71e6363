using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>Moving a complaint along: advance through the gates, approve plans, confirm execution, transfer, escalate, reopen.</summary>
public static class ComplaintActions
{
    public sealed record ApprovalDecision(bool? Approve, string? Reason);

    public sealed record Confirmation(ExecutionConfirmation? Kind, string? Note);

    public sealed record Communication(string? Text);

    /// <summary>A change of owner: the new owner (person), optionally their department, and the reason — required.</summary>
    public sealed record Transfer(Guid? ToUserId, Guid? ToDepartmentId, string? Reason);

    public sealed record Reason(string? Text);

    /// <summary>Moves to the next step if every exit gate of the current one is met; else 409 naming the unmet gates.</summary>
    public static async Task<Complaint> AdvanceAsync(KefuDbContext db, Guid id, Guid? expectedVersion, Actor actor, ComplaintRules rules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, expectedVersion, cancellationToken);
        complaint.EnsureOpen();
        var unmet = ComplaintGates.Unmet(complaint, rules);
        if (unmet.Count > 0)
        {
            throw new GatesNotMetException(complaint.Step, unmet);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var from = complaint.Step;
        complaint.Step = ComplaintGates.Next(from);
        if (complaint.Step == ComplaintStep.Closed)
        {
            complaint.ClosedAt = now;
        }

        complaint.Record("advanced", $"{StepName(from)} → {StepName(complaint.Step)}", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>A Supervisor approves or rejects a plan that needs approval; a rejection needs a reason.</summary>
    public static async Task<Complaint> DecideApprovalAsync(KefuDbContext db, Guid id, ApprovalDecision input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("reason", input.Reason, 1000);
        if (input.Approve is null)
        {
            errors.Add("approve", "is required: true to approve, false to reject");
        }
        else if (input.Approve == false && string.IsNullOrWhiteSpace(input.Reason))
        {
            errors.Add("reason", "is required when rejecting a plan");
        }

        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        if (complaint.PlanApproval != ApprovalState.Pending)
        {
            throw new ConflictException("This complaint has no plan waiting for approval.", ["no-pending-approval"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        complaint.PlanApproval = input.Approve == true ? ApprovalState.Approved : ApprovalState.Rejected;
        complaint.PlanApprovedById = actor.Id;
        complaint.PlanApprovalReason = ComplaintStore.Text(errors, "reason", input.Reason, 1000);
        complaint.Record(input.Approve == true ? "plan-approved" : "plan-rejected",
            (input.Approve == true ? "主管批准方案" : "主管驳回方案") + (complaint.PlanApprovalReason is { } r ? "：" + r : ""), actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>Step 5: records the confirmation a closure rule waits for.</summary>
    public static async Task<Complaint> ConfirmAsync(KefuDbContext db, Guid id, Confirmation input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("kind", "is required: one of " + string.Join(", ", Enum.GetNames<ExecutionConfirmation>()));
        }

        var note = ComplaintStore.Text(errors, "note", input.Note, 1000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureStepReached(ComplaintStep.Execution);
        var fits = (input.Kind, complaint.PlanKind) switch
        {
            (ExecutionConfirmation.ExplainedOnCall, PlanKind.ExplanationOnly) => true,
            (ExecutionConfirmation.PaymentReceived, PlanKind.Refund or PlanKind.Compensation) => true,
            (ExecutionConfirmation.CustomerConfirmedDone, PlanKind.OfflineWork or PlanKind.Coupon or PlanKind.CompensatoryCare) => true,
            _ => false,
        };
        if (!fits)
        {
            throw FieldValidationException.For("kind", $"{input.Kind} does not close a {complaint.PlanKind} plan");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var text = input.Kind switch
        {
            ExecutionConfirmation.ExplainedOnCall => "已电话解释，客户接受",
            ExecutionConfirmation.PaymentReceived => "客户确认已收到款项",
            _ => "客户确认已处理完毕",
        };
        switch (input.Kind)
        {
            case ExecutionConfirmation.ExplainedOnCall: complaint.ExplainedOnCallAt = now; break;
            case ExecutionConfirmation.PaymentReceived: complaint.PaymentReceivedAt = now; break;
            default: complaint.CustomerConfirmedDoneAt = now; break;
        }

        complaint.Record("confirmation", text + (note is null ? "" : "：" + note), actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>Adds an entry to the communication log (step 5, or any time after intake).</summary>
    public static async Task<Complaint> CommunicateAsync(KefuDbContext db, Guid id, Communication input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("text", input.Text, 4000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        complaint.Record("communication", ComplaintStore.Text(errors, "text", input.Text)!, actor, clock.GetUtcNow().UtcDateTime);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>
    /// Changes the accountable owner. A reason is required (pitfall "推诿": passing the buck), and the transfer
    /// is recorded with time, target person and department, as seed 003 §3.3 asks.
    /// </summary>
    public static async Task<Complaint> TransferAsync(KefuDbContext db, Guid id, Transfer input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("reason", input.Reason, 1000);
        if (input.ToUserId is null)
        {
            errors.Add("toUserId", "is required");
        }

        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        var target = await db.Users.AsNoTracking().Include(u => u.Department).SingleOrDefaultAsync(u => u.Id == input.ToUserId && u.IsActive, cancellationToken)
            ?? throw FieldValidationException.For("toUserId", "must name an active staff member");
        if (target.Id == complaint.OwnerId)
        {
            throw FieldValidationException.For("toUserId", "is already the owner");
        }

        var departmentId = input.ToDepartmentId ?? target.DepartmentId;
        var departmentName = departmentId is null ? null : await db.Departments.AsNoTracking().Where(d => d.Id == departmentId).Select(d => d.Name).SingleOrDefaultAsync(cancellationToken)
            ?? throw FieldValidationException.For("toDepartmentId", "must name an existing department");
        var now = clock.GetUtcNow().UtcDateTime;
        var reason = ComplaintStore.Text(errors, "reason", input.Reason, 1000)!;
        db.ComplaintTransfers.Add(new ComplaintTransfer
        {
            Id = Ids.New(),
            ComplaintId = complaint.Id,
            At = now,
            FromUserId = complaint.OwnerId,
            ToUserId = target.Id,
            ToDepartmentId = departmentId,
            Reason = reason,
            ByUserId = actor.Id,
        });
        complaint.OwnerId = target.Id;
        complaint.OwnerDepartmentId = departmentId;
        var workNumber = string.IsNullOrEmpty(target.WorkNumber) ? "" : $"（工号 {target.WorkNumber}）";
        complaint.Record("transfer", $"转交给{departmentName}{target.DisplayName}{workNumber}，原因：{reason}", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>Marks the complaint escalated (a special complaint: review becomes required).</summary>
    public static async Task<Complaint> EscalateAsync(KefuDbContext db, Guid id, Reason input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("text", input.Text, 1000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        complaint.IsEscalated = true;
        complaint.Record("escalated", "升级处理：" + ComplaintStore.Text(errors, "text", input.Text, 1000), actor, clock.GetUtcNow().UtcDateTime);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>Reopens a closed complaint with a reason; it counts as a repeat complaint and goes back to fact-finding.</summary>
    public static async Task<Complaint> ReopenAsync(KefuDbContext db, Guid id, Reason input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("text", input.Text, 1000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        if (complaint.Step != ComplaintStep.Closed)
        {
            throw new ConflictException("Only a closed complaint can be reopened.", ["not-closed"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        complaint.Step = ComplaintStep.FactFinding;
        complaint.ClosedAt = null;
        complaint.IsRepeat = true;
        complaint.ReopenCount++;

        // The earlier closure no longer holds: the customer must confirm again.
        complaint.ExplainedOnCallAt = null;
        complaint.CustomerConfirmedDoneAt = null;
        complaint.PaymentReceivedAt = null;
        complaint.DemandsConfirmedAt = null;
        complaint.Record("reopened", "重新打开（计为重复投诉）：" + ComplaintStore.Text(errors, "text", input.Text, 1000), actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static string StepName(ComplaintStep step) => step switch
    {
        ComplaintStep.PreAssessment => "1 投诉预判",
        ComplaintStep.FactFinding => "2 查询事实",
        ComplaintStep.Responsibility => "3 内部判责",
        ComplaintStep.Plan => "4 确认方案",
        ComplaintStep.Execution => "5 沟通执行",
        ComplaintStep.Review => "6 总结反思",
        ComplaintStep.Closed => "已结案",
        _ => step.ToString(),
    };
}

/// <summary>409: the current step's exit gates are not all met; <see cref="UnmetGates"/> holds their stable codes.</summary>
public sealed class GatesNotMetException(ComplaintStep step, IReadOnlyList<string> unmet)
    : DomainException($"Step {step} cannot be left yet: {string.Join(", ", unmet)}.")
{
    public ComplaintStep Step { get; } = step;
    public IReadOnlyList<string> UnmetGates { get; } = unmet;
    public override int StatusCode => StatusCodes.Status409Conflict;
    public override string Title => "Exit gates of the current step are not met.";
}
