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

    /// <summary>The overdue complaints as list rows, the longest unchanged first.</summary>
    public static async Task<Page<ComplaintSummary>> RunAsync(KefuDbContext db, DateTime nowUtc, PageRequest page, CancellationToken cancellationToken)
    {
        var ids = Ids(db, nowUtc);
        var complaints = db.Complaints.AsNoTracking().Where(c => ids.Contains(c.Id));
        var total = await complaints.CountAsync(cancellationToken);
        var rows = await complaints
            .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Skip(page.Skip).Take(page.PageSize)
            .Join(db.Customers, c => c.CustomerId, cu => cu.Id, (c, cu) => new { c, CustomerName = cu.Name })
            .Join(db.ComplaintCategories, x => x.c.CategoryId, k => k.Id, (x, k) => new { x.c, x.CustomerName, CategoryName = k.Name })
            .Join(db.Users, x => x.c.OwnerId, u => u.Id, (x, u) => new ComplaintSummary(x.c.Id, x.c.Number, x.c.CustomerId, x.CustomerName, x.c.Channel,
                x.CategoryName, x.c.Severity, x.c.Urgency, x.c.Step, x.c.OwnerId, u.DisplayName, x.c.IsRepeat, x.c.IsEscalated, x.c.PlanApproval,
                x.c.PromisedReplyAt, x.c.CreatedAt, x.c.UpdatedAt))
            .ToListAsync(cancellationToken);
        return new Page<ComplaintSummary>(rows.OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id).ToList(), total, page.Page, page.PageSize);
    }
}
