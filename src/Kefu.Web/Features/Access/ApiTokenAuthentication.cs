using System.Security.Claims;
using System.Text.Encodings.Web;
using Kefu.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Access;

/// <summary>Authenticates <c>Authorization: Bearer kefu_…</c> by looking up the token's hash.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    KefuDbContext db,
    IUserClaimsPrincipalFactory<KefuUser> principals,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>SignalR clients in browsers cannot set headers on WebSockets and send the token as
    /// <c>access_token</c> in the query string; accepted on the hub paths only, so tokens do not end up in other URLs.</summary>
    public static string? HubQueryToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } token ? token : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            header = HubQueryToken(Request) is { } fromQuery ? "Bearer " + fromQuery : "";
            if (header.Length == 0)
            {
                return AuthenticateResult.NoResult();
            }
        }

        var plain = header["Bearer ".Length..].Trim();
        if (plain.Length == 0)
        {
            return AuthenticateResult.Fail("Empty bearer token.");
        }

        var hash = ApiToken.Hash(plain);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        if (token is null || !token.IsUsableAt(now))
        {
            return AuthenticateResult.Fail("Unknown, expired or revoked token.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == token.UserId, Context.RequestAborted);
        if (user is null || !user.IsActive || (user.LockoutEnd is { } end && end > clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail("The token's user is disabled or locked out.");
        }

        var principal = await principals.CreateAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim("token_id", token.Id.ToString()));
        ((ClaimsIdentity)principal.Identity!).AddClaims(ApiScopes.Parse(token.Scopes).Select(s => new Claim(ApiScopes.ClaimType, s)));
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
