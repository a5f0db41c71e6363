using Kefu.Web.Features.Complaints;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Data.Interceptors;

/// <summary>Reconciles the deadlines of every added or changed complaint before it is saved (see <see cref="ComplaintDeadlines"/>).</summary>
internal sealed class ComplaintDeadlineInterceptor(IOptions<SlaOptions> sla, BusinessCalendar calendar, TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Reconcile(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Reconcile(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Reconcile(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var entry in context.ChangeTracker.Entries<Complaint>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList())
        {
            var before = entry.State == EntityState.Added
                ? null
                : new ComplaintDeadlines.Before(
                    entry.Property(c => c.Step).OriginalValue,
                    entry.Property(c => c.PromisedReplyAt).OriginalValue,
                    entry.Property(c => c.WaitingOnCustomerSince).OriginalValue);
            foreach (var deadline in ComplaintDeadlines.Reconcile(entry.Entity, before, now, sla.Value, calendar))
            {
                context.Add(deadline);
            }
        }
    }
}
