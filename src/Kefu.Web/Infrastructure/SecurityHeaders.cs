namespace Kefu.Web.Infrastructure;

/// <summary>
/// Response headers every page and API answer carries: no MIME sniffing, no framing by other sites, no referrer
/// leaking tracking links, no powerful browser features. (A content security policy comes with the security issue:
/// Blazor's import map and MudBlazor's inline styles need nonces first.)
/// </summary>
public static class SecurityHeaders
{
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
                return Task.CompletedTask;
            });
            await next(context);
        });
}
