using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Departments;

/// <summary>Department use cases, shared by the API and the admin page.</summary>
public static class DepartmentCommands
{
    /// <summary>A department to add or change: <c>name</c> and <c>code</c> unique; <c>isActive</c> defaults to true / unchanged.</summary>
    public sealed record DepartmentInput(string? Name, string? Code, bool? IsActive);

    public static async Task<Department> CreateAsync(KefuDbContext db, DepartmentInput input, CancellationToken cancellationToken)
    {
        await ValidateAsync(db, input, null, cancellationToken);
        var department = new Department { Id = Ids.New(), Name = input.Name!.Trim(), Code = input.Code!.Trim().ToUpperInvariant(), IsActive = input.IsActive ?? true };
        db.Departments.Add(department);
        await db.SaveChangesAsync(cancellationToken);
        return department;
    }

    /// <summary>Applies <paramref name="input"/> if <paramref name="expectedVersion"/> is still current, else 412.</summary>
    public static async Task<Department> UpdateAsync(KefuDbContext db, Guid id, Guid expectedVersion, DepartmentInput input, CancellationToken cancellationToken)
    {
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw new NotFoundException("Department", id);
        if (department.Version != expectedVersion)
        {
            throw new StaleVersionException("Department", department.Version);
        }

        await ValidateAsync(db, input, id, cancellationToken);
        // The store re-checks the version in the UPDATE, so a write racing between our read and save also fails.
        db.Entry(department).Property(d => d.Version).OriginalValue = expectedVersion;
        department.Name = input.Name!.Trim();
        department.Code = input.Code!.Trim().ToUpperInvariant();
        department.IsActive = input.IsActive ?? department.IsActive;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Departments.AsNoTracking().Where(d => d.Id == id).Select(d => d.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Department", current);
        }

        return department;
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
