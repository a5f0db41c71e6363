using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Complaints with a deadline past due and not met (the supervisor's "已超时" count and list view). A paused SLA clock
/// (the case waits on the customer) is not overdue, as in the DeadlineSweeper.
/// The list API and the Excel export reach the same set through <see cref="SearchComplaints.Filter.OverdueAt"/>.
/// </summary>
public static class OverdueComplaints
{
    public static IQueryable<Guid> Ids(KefuDbContext db, DateTime nowUtc) =>
        db.ComplaintDeadlines.AsNoTracking()
            .Where(d => d.MetAt == null && d.CancelledAt == null && d.DueAt <= nowUtc)
            .Join(db.Complaints, d => d.ComplaintId, c => c.Id, (d, c) => new { d.Kind, c.Id, c.WaitingOnCustomerSince })
            .Where(x => x.WaitingOnCustomerSince == null || (x.Kind != DeadlineKind.FirstResponse && x.Kind != DeadlineKind.Resolution))
            .Select(x => x.Id)
            .Distinct();
}
