using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static Kefu.Web.Features.Departments.DepartmentCommands;

namespace Kefu.Web.Features.Departments;

/// <summary>Departments: readable by all staff, editable by Admin.</summary>
public static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/departments").WithTags("Departments").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListDepartments").WithSummary("All departments.");
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.Admin).WithName("CreateDepartment").WithSummary("Add a department.")
            .ProducesValidationProblem();
        group.MapPut("/{id:guid}", Update).RequireAuthorization(KefuPolicies.Admin).WithName("UpdateDepartment")
            .WithSummary("Rename or (de)activate a department. Requires If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return routes;
    }

    public sealed record DepartmentView(Guid Id, string Name, string Code, bool IsActive, Guid Version)
    {
        public static DepartmentView From(Department d) => new(d.Id, d.Name, d.Code, d.IsActive, d.Version);
    }

    internal static async Task<Ok<List<DepartmentView>>> List(KefuDbContext db, CancellationToken cancellationToken)
    {
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(departments.Select(DepartmentView.From).ToList());
    }

    internal static async Task<Created<DepartmentView>> Create(DepartmentInput input, KefuDbContext db, CancellationToken cancellationToken)
    {
        var department = await CreateAsync(db, input, cancellationToken);
        return TypedResults.Created($"/api/v1/departments/{department.Id}", DepartmentView.From(department));
    }

    internal static async Task<Ok<DepartmentView>> Update(Guid id, DepartmentInput input, HttpRequest request, KefuDbContext db, CancellationToken cancellationToken)
    {
        var department = await UpdateAsync(db, id, ETags.RequireIfMatch(request), input, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(department.Version);
        return TypedResults.Ok(DepartmentView.From(department));
    }
}
