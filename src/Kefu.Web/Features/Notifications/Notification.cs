using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Notifications;

/// <summary>A message for one staff member (a deadline due soon, an overdue escalation …), with a link to act on it.</summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public DateTime At { get; set; }
    public required string Text { get; set; }
    public string? Link { get; set; }
    public DateTime? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Text).HasMaxLength(1000);
        builder.Property(n => n.Link).HasMaxLength(200);
        builder.HasOne<KefuUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.UserId, n.ReadAt, n.At });
    }
}

/// <summary>The caller's notifications.</summary>
public static class NotificationsApi
{
    public sealed record NotificationView(Guid Id, DateTime At, string Text, string? Link, DateTime? ReadAt);

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", List).WithName("ListNotifications").WithSummary("The caller's notifications, newest first; unreadOnly filters.");
        group.MapPost("/{id:guid}/read", MarkRead).WithName("MarkNotificationRead").WithSummary("Mark one of the caller's notifications read.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<Ok<Page<NotificationView>>> List(bool? unreadOnly, int? page, int? pageSize, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var userId = CurrentActor.From(user).Id;
        var mine = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == userId);
        if (unreadOnly == true)
        {
            mine = mine.Where(n => n.ReadAt == null);
        }

        var total = await mine.CountAsync(cancellationToken);
        var items = await mine.OrderByDescending(n => n.At).ThenByDescending(n => n.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(n => new NotificationView(n.Id, n.At, n.Text, n.Link, n.ReadAt)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<NotificationView>(items, total, paging.Page, paging.PageSize));
    }

    internal static async Task<Results<NoContent, NotFound>> MarkRead(Guid id, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = CurrentActor.From(user).Id;
        var notification = await db.Set<Notification>().SingleOrDefaultAsync(n => n.Id == id && n.UserId == userId, cancellationToken);
        if (notification is null)
        {
            return TypedResults.NotFound();
        }

        notification.ReadAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
