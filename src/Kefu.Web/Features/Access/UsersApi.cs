using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Access;

/// <summary>Staff accounts: listed for supervisors and admins, created by admins.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(KefuPolicies.SupervisorOrAdmin)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListUsers").WithSummary("Staff accounts with their roles and departments.");
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.Admin).WithName("CreateUser")
            .WithSummary("Create a staff account with one role (Agent, Supervisor, QA, Admin) and a department.");
        return routes;
    }

    public sealed record UserView(Guid Id, string UserName, string DisplayName, string? WorkNumber, string? Role, Guid? DepartmentId, string? DepartmentName, bool IsActive);

    internal static async Task<Ok<List<UserView>>> List(KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, cancellationToken));

    /// <summary>Every staff account with its (single) role and department, ordered by user name.</summary>
    public static async Task<List<UserView>> ListAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var userRoles = await db.UserRoles.AsNoTracking().ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().Include(u => u.Department).OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        return users.Select(u => new UserView(u.Id, u.UserName!, u.DisplayName, u.WorkNumber,
            userRoles.Where(r => r.UserId == u.Id).Select(r => roleNames.GetValueOrDefault(r.RoleId)).FirstOrDefault(),
            u.DepartmentId, u.Department?.Name, u.IsActive)).ToList();
    }

    internal static async Task<Created<UserView>> Create(UserAdministration.NewUser input, UserAdministration administration, KefuDbContext db, CancellationToken cancellationToken)
    {
        var user = await administration.CreateAsync(input, cancellationToken);
        var department = user.DepartmentId is { } d ? await db.Departments.AsNoTracking().Where(x => x.Id == d).Select(x => x.Name).SingleOrDefaultAsync(cancellationToken) : null;
        return TypedResults.Created($"/api/v1/users/{user.Id}", new UserView(user.Id, user.UserName!, user.DisplayName, user.WorkNumber, input.Role, user.DepartmentId, department, user.IsActive));
    }
}
