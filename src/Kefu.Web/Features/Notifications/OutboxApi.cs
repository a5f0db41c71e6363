using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Notifications;

/// <summary>The notification outbox for Admins (pending and failed messages, retry) and the development SMS sink.</summary>
public static class OutboxApi
{
    public sealed record OutboxView(Guid Id, string Channel, string Recipient, string? Subject, string? Reference, OutboxStatus Status, int Attempts,
        DateTime CreatedAt, DateTime NextAttemptAt, DateTime? SentAt, string? LastError);

    public sealed record DevSmsView(Guid Id, Guid OutboxMessageId, string To, string Text, DateTime At);

    public static IEndpointRouteBuilder MapOutboxApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/outbox").WithTags("Outbox").RequireAuthorization(KefuPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListOutbox").WithSummary("Outbox messages, newest first; status = Pending, Sent or Failed.");
        group.MapPost("/{id:guid}/retry", Retry).WithName("RetryOutboxMessage")
            .WithSummary("Send a failed message again (pending, due now, a fresh set of attempts).").ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/api/v1/dev/sms", DevSms).WithTags("Outbox").RequireAuthorization(KefuPolicies.Admin).WithName("ListDevSms")
            .WithSummary("Text messages the development SMS sink received (newest first); `to` filters by phone number.");
        return routes;
    }

    internal static async Task<Ok<Page<OutboxView>>> List(OutboxStatus? status, int? page, int? pageSize, KefuDbContext db, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var q = db.Set<OutboxMessage>().AsNoTracking();
        if (status is { } s)
        {
            q = q.Where(m => m.Status == s);
        }

        var total = await q.CountAsync(cancellationToken);
        var items = await q.OrderByDescending(m => m.CreatedAt).ThenBy(m => m.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(m => new OutboxView(m.Id, m.Channel, m.Recipient, m.Subject, m.Reference, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.SentAt, m.LastError))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<OutboxView>(items, total, paging.Page, paging.PageSize));
    }

    internal static async Task<Results<NoContent, NotFound>> Retry(Guid id, KefuDbContext db, TimeProvider clock, OutboxSignal signal, CancellationToken cancellationToken)
    {
        if (await OutboxDispatcher.RetryAsync(db, id, clock, cancellationToken))
        {
            signal.Notify();
            return TypedResults.NoContent();
        }

        if (!await db.Set<OutboxMessage>().AnyAsync(m => m.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        throw new ConflictException("Only a failed message can be retried.", ["outbox-not-failed"]);
    }

    internal static async Task<Ok<Page<DevSmsView>>> DevSms(string? to, int? page, int? pageSize, KefuDbContext db, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var q = db.Set<DevSmsMessage>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(to))
        {
            q = q.Where(m => m.To == to.Trim());
        }

        var total = await q.CountAsync(cancellationToken);
        var items = await q.OrderByDescending(m => m.At).ThenBy(m => m.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(m => new DevSmsView(m.Id, m.OutboxMessageId, m.To, m.Text, m.At)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<DevSmsView>(items, total, paging.Page, paging.PageSize));
    }
}
