using Kefu.Web.Features.Complaints;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// Caps request bodies under /api (Kefu:Api:MaxBodyBytes, 1 MiB by default): a JSON command is a few kilobytes, so a
/// bigger body is a mistake or an attack and is refused with 413 problem details before anything reads it.
/// Endpoints that accept multipart uploads (complaint evidence) get room for their files instead.
/// </summary>
public static class RequestBodyLimits
{
    public const long DefaultApiBytes = 1024 * 1024;

    public static IApplicationBuilder UseKefuRequestBodyLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api") || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            var limit = LimitFor(context);
            if (context.Request.ContentLength is { } length && length > limit)
            {
                await TooLargeAsync(context, limit);
                return;
            }

            // Bodies without a length (chunked) are cut off at the limit: the server's own limit where it has one, and
            // for JSON bodies a bounded copy read here (they are small), so the endpoint never sees a partial body.
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength is null && !context.Request.HasFormContentType)
            {
                var copy = new MemoryStream();
                var buffer = new byte[16 * 1024];
                int n;
                while ((n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    if (copy.Length + n > limit)
                    {
                        await TooLargeAsync(context, limit);
                        return;
                    }

                    await copy.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                }

                copy.Position = 0;
                context.Request.Body = copy;
                context.Response.RegisterForDispose(copy);
            }

            await next(context);
        });

    private static long LimitFor(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IConfiguration>().GetValue("Kefu:Api:MaxBodyBytes", DefaultApiBytes);
        var accepts = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAcceptsMetadata>() ?? [];
        if (accepts.Any(a => a.ContentTypes.Any(t => t.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))))
        {
            var files = context.RequestServices.GetRequiredService<IOptions<AttachmentOptions>>().Value;
            return Math.Max(configured, (files.MaxBytes * files.MaxFilesPerUpload) + configured);
        }

        return configured;
    }

    private static async Task TooLargeAsync(HttpContext context, long limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large.",
                Detail = $"The body may be at most {limit} bytes.",
            },
        });
    }
}
