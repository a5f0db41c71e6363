using System.Text.Json;
using Kefu.Web.Data;
using Kefu.Web.Data.Interceptors;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Audit;

/// <summary>Read access to the append-only audit log (Admin only).</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(KefuPolicies.AuditRead)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListAuditEntries")
            .WithSummary("Audit entries, newest first, filtered by entityType, entityId, userName or userId and a time range; paged.");
        return routes;
    }

    public sealed record AuditEntryView(Guid Id, DateTime At, Guid? ActorId, string ActorName, string EntityType, string EntityId, AuditAction Action, IReadOnlyList<FieldChange> Changes);

    public sealed record AuditFilter(string? EntityType, string? EntityId, string? UserName, Guid? UserId, DateTime? From, DateTime? To);

    internal static async Task<Ok<Page<AuditEntryView>>> List(
        string? entityType, string? entityId, string? userName, Guid? userId, DateTime? from, DateTime? to, int? page, int? pageSize,
        KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await QueryAsync(db, new AuditFilter(entityType, entityId, userName, userId, from, to), PageRequest.From(page, pageSize), cancellationToken));

    public static async Task<Page<AuditEntryView>> QueryAsync(KefuDbContext db, AuditFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            entries = entries.Where(a => a.EntityType == filter.EntityType.Trim());
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityId))
        {
            entries = entries.Where(a => a.EntityId == filter.EntityId.Trim());
        }

        if (!string.IsNullOrWhiteSpace(filter.UserName))
        {
            entries = entries.Where(a => a.ActorName == filter.UserName.Trim());
        }

        if (filter.UserId is { } uid)
        {
            entries = entries.Where(a => a.ActorId == uid);
        }

        if (filter.From is { } f)
        {
            var fromUtc = f.ToUniversalTime();
            entries = entries.Where(a => a.At >= fromUtc);
        }

        if (filter.To is { } t)
        {
            var toUtc = t.ToUniversalTime();
            entries = entries.Where(a => a.At < toUtc);
        }

        var total = await entries.CountAsync(cancellationToken);
        var rows = await entries.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        var items = rows.Select(a => new AuditEntryView(a.Id, a.At, a.ActorId, a.ActorName, a.EntityType, a.EntityId, a.Action,
            JsonSerializer.Deserialize<List<FieldChange>>(a.Changes, AuditJson.Options) ?? [])).ToList();
        return new Page<AuditEntryView>(items, total, page.Page, page.PageSize);
    }
}
