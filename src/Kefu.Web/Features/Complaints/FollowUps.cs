using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Complaints;

/// <summary>回访: the return visit after closure — did we reach the customer, is it resolved, how satisfied (1–5).</summary>
public sealed class ReturnVisit
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public DateTime At { get; set; }
    public bool Reached { get; set; }
    public bool? Resolved { get; set; }
    public int? Satisfaction { get; set; }
    public string? Answer { get; set; }
    public Guid? ById { get; set; }
    public string? ByName { get; set; }
}

/// <summary>Promised callbacks, waiting on the customer, and return visits: the follow-up the seeds ask for.</summary>
public static class FollowUps
{
    /// <summary>A callback promise: either <c>dueAt</c> or <c>withinHours</c> (e.g. 2 or 24), bounded by policy; <c>note</c> says what was promised.</summary>
    public sealed record Callback(DateTime? DueAt, double? WithinHours, string? Note);

    /// <summary>The outcome of a return visit; <c>satisfaction</c> 1–5 when the customer was reached.</summary>
    public sealed record Visit(bool? Reached, bool? Resolved, int? Satisfaction, string? Answer);

    public sealed record Reason(string? Text);

    public static async Task<ComplaintDeadline> PromiseCallbackAsync(KefuDbContext db, Guid id, Callback input, Actor actor, SlaOptions sla, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        DateTime? due = input.DueAt?.ToUniversalTime() ?? (input.WithinHours is { } h ? now.AddHours(h) : null);
        if (due is null)
        {
            errors.Add("dueAt", "is required (or withinHours): a callback promise needs a time — avoid unbounded promises");
        }
        else if (due <= now)
        {
            errors.Add(input.DueAt is null ? "withinHours" : "dueAt", "must be in the future");
        }
        else if (due > now.AddHours(sla.MaxCallbackHours))
        {
            errors.Add(input.DueAt is null ? "withinHours" : "dueAt", $"must be within {sla.MaxCallbackHours} hours: promise a time you can keep");
        }

        var note = ComplaintStore.Text(errors, "note", input.Note, 500);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        var deadline = new ComplaintDeadline
        {
            Id = Ids.New(),
            ComplaintId = complaint.Id,
            Kind = DeadlineKind.Callback,
            DueAt = due!.Value,
            Description = note ?? "承诺回电",
            CreatedAt = now,
        };
        complaint.Deadlines.Add(deadline);
        db.Add(deadline);
        complaint.Record("callback-promised", $"承诺于 {ComplaintTime.China(due!.Value)} 前回电：{deadline.Description}", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return deadline;
    }

    public static async Task<Complaint> CompleteCallbackAsync(KefuDbContext db, Guid id, Guid deadlineId, Reason input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var note = ComplaintStore.Text(errors, "text", input.Text, 1000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        var deadline = complaint.Deadlines.Find(d => d.Id == deadlineId && d.Kind == DeadlineKind.Callback) ?? throw new NotFoundException("Callback", deadlineId);
        if (!deadline.IsOpen)
        {
            throw new ConflictException("This callback is already done or cancelled.", ["callback-closed"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        deadline.MetAt = now;
        complaint.Record("callback-done", "已按承诺回电" + (note is null ? "" : "：" + note) + (deadline.DueAt < now ? "（已超时）" : ""), actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    /// <summary>Starts waiting on the customer: SLA clocks (first response, resolution) pause until resumed.</summary>
    public static async Task<Complaint> WaitOnCustomerAsync(KefuDbContext db, Guid id, Reason input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("text", input.Text, 1000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        if (complaint.WaitingOnCustomerSince is not null)
        {
            throw new ConflictException("The complaint is already waiting on the customer.", ["already-waiting"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        complaint.WaitingOnCustomerSince = now;
        complaint.Record("waiting", "等待客户（时限暂停）：" + ComplaintStore.Text(errors, "text", input.Text, 1000), actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static async Task<Complaint> ResumeAsync(KefuDbContext db, Guid id, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        if (complaint.WaitingOnCustomerSince is null)
        {
            throw new ConflictException("The complaint is not waiting on the customer.", ["not-waiting"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        complaint.WaitingOnCustomerSince = null;
        complaint.Record("resumed", "客户已回复，时限恢复计时", actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return complaint;
    }

    public static async Task<ReturnVisit> RecordReturnVisitAsync(KefuDbContext db, Guid id, Visit input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (input.Reached is null)
        {
            errors.Add("reached", "is required: whether the customer was reached");
        }

        if (input.Satisfaction is { } s && s is < 1 or > 5)
        {
            errors.Add("satisfaction", "must be between 1 and 5");
        }

        if (input.Reached == true && input.Satisfaction is null)
        {
            errors.Add("satisfaction", "is required when the customer was reached");
        }

        var answer = ComplaintStore.Text(errors, "answer", input.Answer, 2000);
        errors.ThrowIfAny();
        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        if (complaint.Step != ComplaintStep.Closed)
        {
            throw new ConflictException("A return visit follows the closure of the complaint.", ["return-visit-before-closure"]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var visit = new ReturnVisit
        {
            Id = Ids.New(),
            ComplaintId = complaint.Id,
            At = now,
            Reached = input.Reached!.Value,
            Resolved = input.Resolved,
            Satisfaction = input.Satisfaction,
            Answer = answer,
            ById = actor.Id,
            ByName = actor.DisplayName ?? actor.Name,
        };
        db.Add(visit);
        if (visit.Reached)
        {
            foreach (var d in complaint.Deadlines.Where(d => d.Kind == DeadlineKind.ReturnVisit && d.IsOpen))
            {
                d.MetAt = now;
            }
        }

        var text = visit.Reached
            ? $"回访：问题{(visit.Resolved == true ? "已解决" : visit.Resolved == false ? "未解决" : "情况未知")}，满意度 {visit.Satisfaction}/5" + (answer is null ? "" : "，" + answer)
            : "回访未联系上客户" + (answer is null ? "" : "：" + answer);
        complaint.Record("return-visit", text, actor, now);
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        return visit;
    }
}
