using Microsoft.AspNetCore.Authorization;

namespace Kefu.Web.Features.Access;

/// <summary>
/// What an API token may do, on top of what its user's roles allow: a token for a reporting script can read but not
/// write, a PBX connector's token can post CTI events and nothing else. Cookie sign-ins are not limited by scopes.
/// </summary>
public static class ApiScopes
{
    /// <summary>GET requests (and SignalR hubs).</summary>
    public const string Read = "read";

    /// <summary>POST/PUT/PATCH/DELETE outside administration and CTI.</summary>
    public const string Write = "write";

    /// <summary>The CTI intake (<c>/api/v1/cti/*</c>) and setting agents' states, as a PBX adapter does.</summary>
    public const string Cti = "cti";

    /// <summary>Endpoints behind the Admin-only policies (users, departments, call-center setup, audit, outbox).</summary>
    public const string Admin = "admin";

    public const string ClaimType = "scope";

    public static readonly IReadOnlyList<string> All = [Read, Write, Cti, Admin];

    /// <summary>Stored form: the scopes separated by spaces, as in OAuth.</summary>
    public static string Format(IEnumerable<string> scopes) => string.Join(' ', All.Where(scopes.Contains));

    public static IReadOnlyList<string> Parse(string? stored) =>
        (stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The scopes any one of which lets a token call this endpoint; empty when no scope is needed.</summary>
    public static IReadOnlyList<string> Required(HttpRequest request, Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpoint);
        var path = request.Path;
        if (path.StartsWithSegments("/api/v1/auth"))
        {
            return []; // a token may always see who it is and list or revoke its own tokens
        }

        if (path.StartsWithSegments("/api/v1/cti"))
        {
            return [Cti];
        }

        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Contains(KefuPolicies.Admin) || policies.Contains(KefuPolicies.AuditRead))
        {
            return [Admin];
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || path.StartsWithSegments("/hubs"))
        {
            return [Read];
        }

        if (HttpMethods.IsPut(request.Method) && path.StartsWithSegments("/api/v1/agents") && path.Value!.EndsWith("/state", StringComparison.Ordinal))
        {
            return [Write, Cti];
        }

        return [Write];
    }

    /// <summary>After authorization: a request authenticated by an API token needs one of the endpoint's scopes (403 otherwise).</summary>
    public static IApplicationBuilder UseApiTokenScopes(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            if (endpoint is null || context.User.FindFirst("token_id") is null)
            {
                await next(context);
                return;
            }

            var required = Required(context.Request, endpoint);
            if (required.Count == 0 || required.Any(s => context.User.HasClaim(ClaimType, s)))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "The API token lacks the scope for this request.",
                Detail = $"This request needs a token with the scope '{string.Join("' or '", required)}'; issue one whose scopes include it.",
            };
            problem.Extensions["requiredScopes"] = required;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        });
}
