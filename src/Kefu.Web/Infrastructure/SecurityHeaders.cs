using System.Security.Cryptography;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// Response headers every page and API answer carries: no MIME sniffing, no framing by other sites, no referrer
/// leaking tracking links, no powerful browser features, and a content security policy.
/// <para>
/// Two policies, because the app serves two kinds of response. Machine endpoints (API, health, metrics, OpenAPI)
/// return data, never markup to run: they get <c>default-src 'none'</c>. Pages (Blazor Server with MudBlazor) need
/// scripts from the app itself, the import map inline (allowed by a per-request nonce, see <see cref="Nonce"/>), a
/// WebSocket back to the app, and inline styles: MudBlazor writes <c>style</c> attributes and a theme
/// <c>&lt;style&gt;</c> element at run time, which CSP cannot allow by nonce or hash, so <c>style-src</c> keeps
/// <c>'unsafe-inline'</c>. Scripts stay strict: no inline scripts or <c>eval</c> without the nonce. The Scalar API
/// reference page bootstraps itself with an inline script and gets its own relaxed policy on /scalar only.
/// </para>
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "kefu.csp-nonce";

    /// <summary>For JSON, files and anything that is not a page: nothing may load or run.</summary>
    public const string MachinePolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The API reference page (Scalar) runs an inline bootstrap script and inline styles of its own.</summary>
    public const string ApiReferencePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The policy for app pages with this request's nonce.</summary>
    public static string PagePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>This request's script nonce, for the few inline scripts a page renders (Blazor's import map).</summary>
    public static string Nonce(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[NonceKey] is string nonce)
        {
            return nonce;
        }

        // Hex: valid in a CSP nonce and needs no HTML encoding in the attribute (base64 "+" would be encoded).
        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static IApplicationBuilder UseKefuSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = PolicyFor(context);
                return Task.CompletedTask;
            });
            await next(context);
        });

    private static string PolicyFor(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/scalar"))
        {
            return ApiReferencePolicy;
        }

        var contentType = context.Response.ContentType ?? "";
        var isPage = contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            || (contentType.Length == 0 && !IsMachinePath(path));
        return isPage && !IsMachinePath(path) ? PagePolicy(Nonce(context)) : MachinePolicy;
    }

    private static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics")
        || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/hubs");
}
