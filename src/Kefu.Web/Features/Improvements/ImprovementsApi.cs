using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Improvements;

/// <summary>Improvement items: raised from complaint reviews (or directly), owned by a department, tracked to done.</summary>
public static class ImprovementsApi
{
    public static IEndpointRouteBuilder MapImprovementsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/improvements").WithTags("Improvements").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListImprovementItems").WithSummary("Improvement items, filtered by departmentId, status, complaintId; paged.");
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("RaiseImprovementItem")
            .WithSummary("Raise an improvement item for a department (title, description, departmentId, complaintId?, dueAt?).").ProducesValidationProblem();
        group.MapPut("/{id:guid}/status", ChangeStatus).RequireAuthorization(KefuPolicies.SupervisorOrAdmin).WithName("ChangeImprovementStatus")
            .WithSummary("Move an item to InProgress, Done or Rejected (outcome required for Done/Rejected). Requires If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return routes;
    }

    public sealed record ImprovementInput(string? Title, string? Description, Guid? DepartmentId, Guid? ComplaintId, DateTime? DueAt);

    public sealed record StatusInput(ImprovementStatus? Status, string? Outcome);

    public sealed record ImprovementView(Guid Id, Guid DepartmentId, Guid? ComplaintId, string Title, string? Description, ImprovementStatus Status,
        DateTime? DueAt, DateTime? DoneAt, string? Outcome, string? RaisedBy, Guid Version, DateTime CreatedAt)
    {
        public static ImprovementView From(ImprovementItem i) =>
            new(i.Id, i.DepartmentId, i.ComplaintId, i.Title, i.Description, i.Status, i.DueAt, i.DoneAt, i.Outcome, i.RaisedBy, i.Version, i.CreatedAt);
    }

    internal static async Task<Ok<Page<ImprovementView>>> List(Guid? departmentId, ImprovementStatus? status, Guid? complaintId, int? page, int? pageSize, KefuDbContext db, CancellationToken cancellationToken)
    {
        var paging = PageRequest.From(page, pageSize);
        var items = db.Set<ImprovementItem>().AsNoTracking();
        if (departmentId is { } d)
        {
            items = items.Where(i => i.DepartmentId == d);
        }

        if (status is { } s)
        {
            items = items.Where(i => i.Status == s);
        }

        if (complaintId is { } c)
        {
            items = items.Where(i => i.ComplaintId == c);
        }

        var total = await items.CountAsync(cancellationToken);
        var rows = await items.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<ImprovementView>(rows.Select(ImprovementView.From).ToList(), total, paging.Page, paging.PageSize));
    }

    internal static async Task<Created<ImprovementView>> Create(ImprovementInput input, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var item = await RaiseAsync(db, input, CurrentActor.From(user), clock, cancellationToken);
        return TypedResults.Created($"/api/v1/improvements/{item.Id}", ImprovementView.From(item));
    }

    /// <summary>Raises an item; when it comes from a complaint, the complaint's timeline says so.</summary>
    public static async Task<ImprovementItem> RaiseAsync(KefuDbContext db, ImprovementInput input, Actor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("title", input.Title, 200).MaxLength("description", input.Description, 4000);
        if (input.DepartmentId is null)
        {
            errors.Add("departmentId", "is required: the department that owns the improvement");
        }

        errors.ThrowIfAny();
        var department = await db.Departments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == input.DepartmentId, cancellationToken)
            ?? throw FieldValidationException.For("departmentId", "must name an existing department");
        var now = clock.GetUtcNow().UtcDateTime;
        var item = new ImprovementItem
        {
            Id = Ids.New(),
            DepartmentId = department.Id,
            ComplaintId = input.ComplaintId,
            Title = ComplaintStore.Text(errors, "title", input.Title, 200)!,
            Description = ComplaintStore.Text(errors, "description", input.Description),
            DueAt = input.DueAt?.ToUniversalTime(),
            RaisedBy = actor.DisplayName ?? actor.Name,
        };
        db.Add(item);
        if (input.ComplaintId is { } complaintId)
        {
            var complaint = await ComplaintStore.LoadForWriteAsync(db, complaintId, null, cancellationToken);
            complaint.Record("improvement", $"提出整改项（{department.Name}）：{item.Title}", actor, now);
            await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return item;
    }

    internal static async Task<Ok<ImprovementView>> ChangeStatus(Guid id, StatusInput input, HttpRequest request, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var item = await ChangeStatusAsync(db, id, ETags.RequireIfMatch(request), input, clock, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(item.Version);
        return TypedResults.Ok(ImprovementView.From(item));
    }

    /// <summary>
    /// Moves an item on: InProgress, Done or Rejected; an outcome is required to finish; applied only if
    /// <paramref name="expectedVersion"/> is still current (else 412). Shared by the API and the improvements page.
    /// </summary>
    public static async Task<ImprovementItem> ChangeStatusAsync(KefuDbContext db, Guid id, Guid expectedVersion, StatusInput input, TimeProvider clock, CancellationToken cancellationToken)
    {
        static bool Finished(ImprovementStatus s) => s is ImprovementStatus.Done or ImprovementStatus.Rejected;
        var errors = new FieldErrors().MaxLength("outcome", input.Outcome, 4000);
        if (input.Status is not { } status || !Enum.IsDefined(status) || status == ImprovementStatus.Open)
        {
            errors.Add("status", "must be InProgress, Done or Rejected");
        }
        else if (Finished(status) && string.IsNullOrWhiteSpace(input.Outcome))
        {
            errors.Add("outcome", "is required to finish an item: say what was changed, or why not");
        }

        errors.ThrowIfAny();
        var item = await db.Set<ImprovementItem>().SingleOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw new NotFoundException("Improvement item", id);
        if (item.Version != expectedVersion)
        {
            throw new StaleVersionException("Improvement item", item.Version);
        }

        if (Finished(item.Status))
        {
            throw new ConflictException("The item is finished already.", ["improvement-finished"]);
        }

        // The store re-checks the version in the UPDATE, so a change racing between our read and save also fails.
        db.Entry(item).Property(i => i.Version).OriginalValue = expectedVersion;
        item.Status = input.Status!.Value;
        item.Outcome = ComplaintStore.Text(errors, "outcome", input.Outcome) ?? item.Outcome;
        item.DoneAt = Finished(item.Status) ? clock.GetUtcNow().UtcDateTime : null;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<ImprovementItem>().AsNoTracking().Where(i => i.Id == id).Select(i => i.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Improvement item", current);
        }

        return item;
    }
}
