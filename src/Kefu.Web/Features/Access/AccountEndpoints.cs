using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Access;

/// <summary>
/// Browser sign-in and sign-out as plain form posts (antiforgery-checked): a cookie can only be set on an HTTP
/// response, not from inside an interactive Blazor circuit.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/account").ExcludeFromDescription();
        group.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(RateLimits.Login);
        group.MapPost("/logout", Logout);
        group.MapGet("/culture", SetCulture).AllowAnonymous();
        return routes;
    }

    internal static async Task<IResult> Login([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInManager<KefuUser> signIn, UserManager<KefuUser> users)
    {
        var back = SafeReturnUrl(returnUrl);
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password))
        {
            return Results.LocalRedirect($"/login?error=missing&returnUrl={Uri.EscapeDataString(back)}");
        }

        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null || !user.IsActive)
        {
            return Results.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Results.LocalRedirect($"/login?error=locked&returnUrl={Uri.EscapeDataString(back)}");
        }

        return result.Succeeded
            ? Results.LocalRedirect(back)
            : Results.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
    }

    internal static async Task<IResult> Logout(SignInManager<KefuUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/login");
    }

    /// <summary>Switches the UI language (zh-CN or en) with the standard culture cookie.</summary>
    internal static IResult SetCulture(string? culture, string? returnUrl, HttpContext context)
    {
        var chosen = culture is "en" or "zh-CN" ? culture : "zh-CN";
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return Results.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    private static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
