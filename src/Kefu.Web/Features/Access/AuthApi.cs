using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Access;

/// <summary>API tokens for integrations and "who am I".</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/token", IssueToken).AllowAnonymous().RequireRateLimiting(RateLimits.Login)
            .WithName("IssueToken").WithSummary("Exchange a user name and password for an API bearer token.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/me", Me).RequireAuthorization(KefuPolicies.Staff)
            .WithName("GetCurrentUser").WithSummary("The signed-in user, their roles and department.");
        group.MapGet("/tokens", ListTokens).RequireAuthorization(KefuPolicies.Staff)
            .WithName("ListApiTokens").WithSummary("The caller's API tokens (never their secret).");
        group.MapDelete("/tokens/{id:guid}", RevokeToken).RequireAuthorization(KefuPolicies.Staff)
            .WithName("RevokeApiToken").WithSummary("Revoke one of the caller's tokens (an Admin may revoke anyone's).");
        return routes;
    }

    /// <summary>Credentials for <c>POST /api/v1/auth/token</c>; <c>name</c> labels the token (e.g. "cti-connector");
    /// <c>scopes</c> limits it (read, write, cti, admin; all four when omitted).</summary>
    public sealed record TokenRequest(string? UserName, string? Password, string? Name, IReadOnlyList<string>? Scopes = null);

    public sealed record TokenResponse(string Token, DateTime ExpiresAt, string UserName, IReadOnlyList<string> Roles, IReadOnlyList<string> Scopes);

    public sealed record MeResponse(Guid Id, string UserName, string DisplayName, string? WorkNumber, IReadOnlyList<string> Roles, Guid? DepartmentId, string? DepartmentName);

    public sealed record TokenInfo(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, IReadOnlyList<string> Scopes);

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> IssueToken(
        TokenRequest request, UserManager<KefuUser> users, SignInManager<KefuUser> signIn, KefuDbContext db,
        TimeProvider clock, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("userName", request.UserName, 256).Required("password", request.Password, 256)
            .MaxLength("name", request.Name, 100);
        if (request.Scopes is { } asked && (asked.Count == 0 || asked.Any(s => !ApiScopes.All.Contains(s))))
        {
            errors.Add("scopes", "must be one or more of: " + string.Join(", ", ApiScopes.All));
        }

        errors.ThrowIfAny();

        var user = await users.FindByNameAsync(request.UserName!);
        if (user is null || !user.IsActive)
        {
            return InvalidCredentials();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Account locked.",
                detail: "Too many failed sign-ins; try again later or ask an administrator.");
        }

        if (!check.Succeeded)
        {
            return InvalidCredentials();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromDays(configuration.GetValue("Kefu:ApiTokenLifetimeDays", 90));
        var (token, plain) = ApiToken.Issue(user.Id, string.IsNullOrWhiteSpace(request.Name) ? "api" : request.Name.Trim(), now, lifetime, request.Scopes);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        var roles = (await users.GetRolesAsync(user)).ToList();
        return TypedResults.Ok(new TokenResponse(plain, token.ExpiresAt, user.UserName!, roles, ApiScopes.Parse(token.Scopes)));
    }

    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials.",
            detail: "The user name or password is wrong.");

    internal static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> Me(ClaimsPrincipal principal, KefuDbContext db, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var user = await db.Users.AsNoTracking().Include(u => u.Department).SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        return TypedResults.Ok(new MeResponse(user.Id, user.UserName!, user.DisplayName, user.WorkNumber, roles, user.DepartmentId, user.Department?.Name));
    }

    internal static async Task<Ok<List<TokenInfo>>> ListTokens(ClaimsPrincipal principal, KefuDbContext db, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(tokens.OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenInfo(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, ApiScopes.Parse(t.Scopes))).ToList());
    }

    internal static async Task<Results<NoContent, NotFound>> RevokeToken(Guid id, ClaimsPrincipal principal, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null || (token.UserId != userId && !principal.IsInRole(KefuRoles.Admin)))
        {
            return TypedResults.NotFound();
        }

        token.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
