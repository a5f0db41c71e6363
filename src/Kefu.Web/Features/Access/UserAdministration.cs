using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Access;

/// <summary>Creating staff accounts: used by the users API, the <c>create-admin</c> command and the demo data.</summary>
public sealed class UserAdministration(UserManager<KefuUser> users, RoleManager<IdentityRole<Guid>> roles, KefuDbContext db, TimeProvider clock)
{
    /// <summary>A new staff account; <c>role</c> is one of Agent, Supervisor, QA, Admin.</summary>
    public sealed record NewUser(string? UserName, string? DisplayName, string? Password, string? Role, Guid? DepartmentId, string? WorkNumber, string? Email);

    public async Task EnsureRolesAsync()
    {
        foreach (var role in KefuRoles.Assignable)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Ids.New() });
            }
        }
    }

    public async Task<KefuUser> CreateAsync(NewUser input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Required("userName", input.UserName, 64).NoPii("userName", input.UserName)
            .Required("displayName", input.DisplayName, 64).NoPii("displayName", input.DisplayName)
            .Required("password", input.Password, 128)
            .MaxLength("workNumber", input.WorkNumber, 32).NoPii("workNumber", input.WorkNumber)
            .MaxLength("email", input.Email, 254).NoPii("email", input.Email);
        if (input.Role is null || !KefuRoles.Assignable.Contains(input.Role, StringComparer.Ordinal))
        {
            errors.Add("role", "must be one of " + string.Join(", ", KefuRoles.Assignable));
        }

        errors.ThrowIfAny();
        if (input.DepartmentId is { } dep && !await db.Departments.AnyAsync(d => d.Id == dep, cancellationToken))
        {
            throw FieldValidationException.For("departmentId", "must name an existing department");
        }

        await EnsureRolesAsync();
        var user = new KefuUser
        {
            Id = Ids.New(),
            UserName = input.UserName!.Trim(),
            DisplayName = input.DisplayName!.Trim(),
            WorkNumber = input.WorkNumber?.Trim(),
            Email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim(),
            DepartmentId = input.DepartmentId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, input.Password!);
        if (!created.Succeeded)
        {
            throw new FieldValidationException(IdentityErrors(created));
        }

        var added = await users.AddToRoleAsync(user, input.Role!);
        if (!added.Succeeded)
        {
            throw new FieldValidationException(IdentityErrors(added));
        }

        return user;
    }

    private static Dictionary<string, string[]> IdentityErrors(IdentityResult result) =>
        result.Errors
            .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password"
                : e.Code.Contains("UserName", StringComparison.Ordinal) ? "userName"
                : e.Code.Contains("Email", StringComparison.Ordinal) ? "email" : "user")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray(), StringComparer.Ordinal);
}
