using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Keeps a complaint's deadlines in step with its state (pure: given the state before and after a change).
/// Called for every saved complaint, so no use case can forget a clock.
/// </summary>
public static class ComplaintDeadlines
{
    /// <summary>The fields of a complaint before the change being saved; null for a new complaint.</summary>
    public sealed record Before(ComplaintStep Step, DateTime? PromisedReplyAt, DateTime? WaitingOnCustomerSince);

    /// <summary>Returns the deadlines it added (the caller must add them to the store).</summary>
    public static IReadOnlyList<ComplaintDeadline> Reconcile(Complaint c, Before? before, DateTime now, SlaOptions sla, BusinessCalendar calendar)
    {
        var added = new List<ComplaintDeadline>();
        if (before is null)
        {
            var target = sla.TargetFor(c.Severity, c.Urgency);
            added.Add(New(c, DeadlineKind.FirstResponse, calendar.Add(now, TimeSpan.FromHours(target.FirstResponseHours)), $"首次响应（{target.FirstResponseHours:0.#} 工作小时）", now));
            added.Add(New(c, DeadlineKind.Resolution, calendar.Add(now, TimeSpan.FromHours(target.ResolutionHours)), $"结案时限（{target.ResolutionHours:0.#} 工作小时）", now));
        }

        // First response: the customer was contacted (a logged communication) or step 1 was left.
        if (c.Step > ComplaintStep.PreAssessment || c.Timeline.Exists(e => e.Kind == "communication"))
        {
            Meet(c, DeadlineKind.FirstResponse, now);
        }

        if (c.PromisedReplyAt is { } promised && promised != before?.PromisedReplyAt)
        {
            Cancel(c, DeadlineKind.PromisedReply, now);
            added.Add(New(c, DeadlineKind.PromisedReply, promised, "承诺回复客户的时间", now));
        }

        // Leaving fact-finding means the customer got the reply that was promised.
        if (c.Step > ComplaintStep.FactFinding)
        {
            Meet(c, DeadlineKind.PromisedReply, now);
        }

        if (c.Step == ComplaintStep.Closed && before?.Step != ComplaintStep.Closed)
        {
            Meet(c, DeadlineKind.Resolution, now);
            Meet(c, DeadlineKind.PromisedReply, now);
            Meet(c, DeadlineKind.Callback, now);
            added.Add(New(c, DeadlineKind.ReturnVisit, now.AddDays(sla.ReturnVisitDays), $"结案后 {sla.ReturnVisitDays} 天内回访", now));
        }

        if (before?.Step == ComplaintStep.Closed && c.Step != ComplaintStep.Closed)
        {
            Cancel(c, DeadlineKind.ReturnVisit, now);
            var target = sla.TargetFor(c.Severity, c.Urgency);
            added.Add(New(c, DeadlineKind.Resolution, calendar.Add(now, TimeSpan.FromHours(target.ResolutionHours)), "重新打开后的结案时限", now));
        }

        // Resuming after waiting on the customer: pausing clocks move by the business time spent waiting.
        if (before?.WaitingOnCustomerSince is { } since && c.WaitingOnCustomerSince is null)
        {
            var paused = calendar.Between(since, now);
            foreach (var d in c.Deadlines.Where(d => d.IsOpen && d.Pauses && d.DueAt > since))
            {
                d.DueAt = d.DueAt + paused;
            }
        }

        c.Deadlines.AddRange(added);
        return added;
    }

    private static ComplaintDeadline New(Complaint c, DeadlineKind kind, DateTime dueAt, string description, DateTime now) => new()
    {
        Id = Ids.New(),
        ComplaintId = c.Id,
        Kind = kind,
        DueAt = dueAt,
        Description = description,
        CreatedAt = now,
    };

    private static void Meet(Complaint c, DeadlineKind kind, DateTime now)
    {
        foreach (var d in c.Deadlines.Where(d => d.Kind == kind && d.IsOpen))
        {
            d.MetAt = now;
        }
    }

    private static void Cancel(Complaint c, DeadlineKind kind, DateTime now)
    {
        foreach (var d in c.Deadlines.Where(d => d.Kind == kind && d.IsOpen))
        {
            d.CancelledAt = now;
        }
    }
}
