using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Kefu.Web.Infrastructure;

/// <summary>Named rate-limit policies. Limits come from <c>Kefu:RateLimits:*</c> so an operator can tune them.</summary>
public static class RateLimits
{
    /// <summary>Sign-in and token issue, per client address: slows password guessing (lockout stops it per account).</summary>
    public const string Login = "login";

    /// <summary>The public survey link (no login), per client address: keeps scripts from hammering tokens.</summary>
    public const string PublicSurvey = "public-survey";

    public static IServiceCollection AddKefuRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var loginPerMinute = configuration.GetValue("Kefu:RateLimits:LoginPerMinute", 30);
        var surveyPerMinute = configuration.GetValue("Kefu:Surveys:PublicRequestsPerMinute", 60);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                // The window's own remaining time when the limiter knows it, else a minute (every window here is one).
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = "Slow down and try again after the number of seconds in Retry-After." },
                });
            };
            options.AddPolicy(Login, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = loginPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.AddPolicy(PublicSurvey, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, surveyPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }
}
