using Microsoft.AspNetCore.Mvc;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// Turns <see cref="StaleVersionException"/> into 412 inside the endpoint, so the response can carry the current
/// ETag (the exception-handler middleware strips ETag headers from the responses it writes).
/// </summary>
internal sealed class StaleVersionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StaleVersionException e)
        {
            context.HttpContext.Response.Headers.ETag = ETags.Format(e.CurrentVersion);
            var problem = new ProblemDetails { Status = e.StatusCode, Title = e.Title, Detail = e.Message };
            problem.Extensions["currentVersion"] = e.CurrentVersion;
            return TypedResults.Problem(problem);
        }
    }
}
