using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>Complaint lists: my complaints, the team queue, the approval inbox — with filters.</summary>
public static class SearchComplaints
{
    /// <summary>
    /// Filters; all optional. <c>pendingApproval</c> lists plans waiting for a Supervisor; <c>overdueAt</c> keeps the
    /// complaints with a deadline past due at that instant (see <see cref="OverdueComplaints"/>).
    /// </summary>
    public sealed record Filter(ComplaintStep? Step, Guid? OwnerId, Guid? CustomerId, ComplaintSeverity? Severity, ComplaintChannel? Channel,
        Guid? CategoryId, bool? Open, bool? PendingApproval, bool? Repeat, string? Query, DateTime? OverdueAt = null);

    public static async Task<Page<ComplaintSummary>> RunAsync(KefuDbContext db, Filter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var complaints = db.Complaints.AsNoTracking();
        if (filter.Step is { } step)
        {
            complaints = complaints.Where(c => c.Step == step);
        }

        if (filter.Open == true)
        {
            complaints = complaints.Where(c => c.Step != ComplaintStep.Closed);
        }

        if (filter.OwnerId is { } owner)
        {
            complaints = complaints.Where(c => c.OwnerId == owner);
        }

        if (filter.CustomerId is { } customer)
        {
            complaints = complaints.Where(c => c.CustomerId == customer);
        }

        if (filter.Severity is { } severity)
        {
            complaints = complaints.Where(c => c.Severity == severity);
        }

        if (filter.Channel is { } channel)
        {
            complaints = complaints.Where(c => c.Channel == channel);
        }

        if (filter.CategoryId is { } category)
        {
            complaints = complaints.Where(c => c.CategoryId == category);
        }

        if (filter.PendingApproval == true)
        {
            complaints = complaints.Where(c => c.PlanApproval == ApprovalState.Pending && c.Step != ComplaintStep.Closed);
        }

        if (filter.OverdueAt is { } at)
        {
            var overdue = OverdueComplaints.Ids(db, at);
            complaints = complaints.Where(c => overdue.Contains(c.Id));
        }

        if (filter.Repeat == true)
        {
            complaints = complaints.Where(c => c.IsRepeat);
        }

        if (!string.IsNullOrWhiteSpace(filter.Query))
        {
            var text = filter.Query.Trim();
            complaints = complaints.Where(c => c.Number.Contains(text.ToUpper()) || c.Summary.Contains(text));
        }

        var total = await complaints.CountAsync(cancellationToken);
        var rows = await complaints
            .OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Skip(page.Skip).Take(page.PageSize)
            .Join(db.Customers, c => c.CustomerId, cu => cu.Id, (c, cu) => new { c, CustomerName = cu.Name })
            .Join(db.ComplaintCategories, x => x.c.CategoryId, k => k.Id, (x, k) => new { x.c, x.CustomerName, CategoryName = k.Name })
            .Join(db.Users, x => x.c.OwnerId, u => u.Id, (x, u) => new ComplaintSummary(x.c.Id, x.c.Number, x.c.CustomerId, x.CustomerName, x.c.Channel,
                x.CategoryName, x.c.Severity, x.c.Urgency, x.c.Step, x.c.OwnerId, u.DisplayName, x.c.IsRepeat, x.c.IsEscalated, x.c.PlanApproval,
                x.c.PromisedReplyAt, x.c.CreatedAt, x.c.UpdatedAt))
            .ToListAsync(cancellationToken);
        return new Page<ComplaintSummary>(rows.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id).ToList(), total, page.Page, page.PageSize);
    }
}
