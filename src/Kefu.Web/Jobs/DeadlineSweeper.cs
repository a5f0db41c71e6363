using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Jobs;

/// <summary>
/// Finds complaint deadlines that are due soon or overdue in the store and acts on each exactly once: notifies the
/// owner when one is near, and when one is missed escalates the complaint to the supervisors. Safe with several
/// instances: each deadline is claimed by a versioned update, and an instance that loses the race skips it.
/// </summary>
public sealed class DeadlineSweeper(IServiceScopeFactory scopes, IOptions<SlaOptions> sla, TimeProvider clock, ILogger<DeadlineSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, sla.Value.SweepSeconds)), clock);
        do
        {
            try
            {
                var result = await SweepOnceAsync(scopes, sla.Value, clock, stoppingToken);
                if (result.DueSoon + result.Overdue > 0)
                {
                    logger.LogInformation("Deadline sweep: {DueSoon} due soon, {Overdue} overdue escalated", result.DueSoon, result.Overdue);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep (store briefly away) is retried on the next tick; deadlines stay in the store.
                logger.LogWarning(e, "Deadline sweep failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public sealed record SweepResult(int DueSoon, int Overdue);

    /// <summary>One pass over the store at the clock's current time.</summary>
    public static async Task<SweepResult> SweepOnceAsync(IServiceScopeFactory scopes, SlaOptions sla, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var soon = now.AddMinutes(sla.DueSoonMinutes);
        List<(Guid Id, bool Overdue)> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var open = db.Set<ComplaintDeadline>().AsNoTracking().Where(d => d.MetAt == null && d.CancelledAt == null);
            var overdue = await open.Where(d => d.DueAt <= now && d.EscalatedAt == null).OrderBy(d => d.DueAt).Take(200).Select(d => d.Id).ToListAsync(cancellationToken);
            var dueSoon = await open.Where(d => d.DueAt > now && d.DueAt <= soon && d.DueSoonNotifiedAt == null).OrderBy(d => d.DueAt).Take(200).Select(d => d.Id).ToListAsync(cancellationToken);
            candidates = [.. overdue.Select(id => (id, true)), .. dueSoon.Select(id => (id, false))];
        }

        var counts = (DueSoon: 0, Overdue: 0);
        foreach (var (id, isOverdue) in candidates)
        {
            if (await HandleAsync(scopes, id, isOverdue, now, cancellationToken))
            {
                if (isOverdue)
                {
                    counts.Overdue++;
                }
                else
                {
                    counts.DueSoon++;
                }
            }
        }

        return new SweepResult(counts.DueSoon, counts.Overdue);
    }

    private static async Task<bool> HandleAsync(IServiceScopeFactory scopes, Guid deadlineId, bool overdue, DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var deadline = await db.Set<ComplaintDeadline>().SingleAsync(d => d.Id == deadlineId, cancellationToken);
        if (!deadline.IsOpen || (overdue ? deadline.EscalatedAt is not null : deadline.DueSoonNotifiedAt is not null))
        {
            return false; // another instance got there first
        }

        var complaint = await db.Complaints.SingleAsync(c => c.Id == deadline.ComplaintId, cancellationToken);
        if (complaint.WaitingOnCustomerSince is not null && deadline.Pauses)
        {
            return false; // the clock is paused while waiting on the customer
        }

        var link = $"/complaints/{complaint.Id}";
        var due = $"{deadline.Description}（{ComplaintTime.China(deadline.DueAt)}）";
        if (overdue)
        {
            deadline.EscalatedAt = now;
            complaint.IsEscalated = true;
            complaint.Record("overdue", $"已超时：{due}，已升级至主管", Actor.System, now);
            Notify(db, complaint.OwnerId, $"投诉 {complaint.Number} 已超时：{due}", link, now);
            foreach (var supervisor in await SupervisorsForAsync(db, scope.ServiceProvider, complaint, cancellationToken))
            {
                Notify(db, supervisor, $"投诉 {complaint.Number} 已超时并升级：{due}", link, now);
            }
        }
        else
        {
            deadline.DueSoonNotifiedAt = now;
            Notify(db, complaint.OwnerId, $"投诉 {complaint.Number} 即将到期：{due}", link, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // the deadline or complaint changed under us (another sweeper, a user): next pass decides again
        }
    }

    /// <summary>The supervisors of the owner's department, or all supervisors when that department has none.</summary>
    private static async Task<List<Guid>> SupervisorsForAsync(KefuDbContext db, IServiceProvider services, Complaint complaint, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<KefuUser>>();
        var supervisors = (await users.GetUsersInRoleAsync(KefuRoles.Supervisor)).Where(u => u.IsActive).ToList();
        var sameDepartment = supervisors.Where(u => u.DepartmentId == complaint.OwnerDepartmentId && complaint.OwnerDepartmentId is not null).ToList();
        return (sameDepartment.Count > 0 ? sameDepartment : supervisors).Select(u => u.Id).ToList();
    }

    private static void Notify(KefuDbContext db, Guid userId, string text, string link, DateTime now) =>
        db.Add(new Notification { Id = Ids.New(), UserId = userId, At = now, Text = text, Link = link });
}
