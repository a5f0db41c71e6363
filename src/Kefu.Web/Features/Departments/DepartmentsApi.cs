using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Departments;

/// <summary>Departments: readable by all staff, editable by Admin.</summary>
public static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/departments").WithTags("Departments").RequireAuthorization(KefuPolicies.Staff);
        group.MapGet("/", List).WithName("ListDepartments").WithSummary("All departments.");
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.Admin).WithName("CreateDepartment").WithSummary("Add a department.");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(KefuPolicies.Admin).WithName("UpdateDepartment")
            .WithSummary("Rename or (de)activate a department. Requires If-Match.");
        return routes;
    }

    public sealed record DepartmentInput(string? Name, string? Code, bool? IsActive);

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
        await ValidateAsync(db, input, null, cancellationToken);
        var department = new Department { Id = Ids.New(), Name = input.Name!.Trim(), Code = input.Code!.Trim().ToUpperInvariant(), IsActive = input.IsActive ?? true };
        db.Departments.Add(department);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/departments/{department.Id}", DepartmentView.From(department));
    }

    internal static async Task<Ok<DepartmentView>> Update(Guid id, DepartmentInput input, HttpRequest request, KefuDbContext db, CancellationToken cancellationToken)
    {
        var expected = ETags.RequireIfMatch(request);
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw new NotFoundException("Department", id);
        if (department.Version != expected)
        {
            throw new StaleVersionException("Department", department.Version);
        }

        await ValidateAsync(db, input, id, cancellationToken);
        db.Entry(department).Property(d => d.Version).OriginalValue = expected;
        department.Name = input.Name!.Trim();
        department.Code = input.Code!.Trim().ToUpperInvariant();
        department.IsActive = input.IsActive ?? department.IsActive;
        await db.SaveChangesAsync(cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(department.Version);
        return TypedResults.Ok(DepartmentView.From(department));
    }

    private static async Task ValidateAsync(KefuDbContext db, DepartmentInput input, Guid? id, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("name", input.Name, 64).NoPii("name", input.Name).Required("code", input.Code, 32);
        if (input.Code is { } code && !code.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors.Add("code", "may contain only letters, digits, '_' and '-'");
        }

        errors.ThrowIfAny();
        var name = input.Name!.Trim();
        var normalizedCode = input.Code!.Trim().ToUpperInvariant();
        if (await db.Departments.AnyAsync(d => d.Id != id && d.Name == name, cancellationToken))
        {
            errors.Add("name", "must be unique: another department has this name");
        }

        if (await db.Departments.AnyAsync(d => d.Id != id && d.Code == normalizedCode, cancellationToken))
        {
            errors.Add("code", "must be unique: another department has this code");
        }

        errors.ThrowIfAny();
    }
}
