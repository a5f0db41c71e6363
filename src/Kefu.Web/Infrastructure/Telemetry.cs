using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Kefu.Web.Features.Access;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Kefu.Web.Infrastructure;

/// <summary>Telemetry settings (<c>Kefu:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Kefu:Telemetry";

    /// <summary>Anonymous scrapes of <c>/metrics</c> from loopback (a Prometheus or agent on the same host). Others need an Admin.</summary>
    public bool MetricsFromLoopback { get; set; } = true;

    /// <summary>OTLP collector for traces (e.g. <c>http://localhost:4317</c>); empty = no traces are exported.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";
}

/// <summary>
/// OpenTelemetry: metrics (ASP.NET Core request rates and durations, .NET runtime, Kefu's meter) in Prometheus format
/// at <c>/metrics</c>; traces of requests and EF Core commands to an OTLP collector when one is configured; and a
/// correlation id per request (from <c>X-Correlation-Id</c>, else the trace id) in the log lines and the response.
/// </summary>
public static partial class Telemetry
{
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string CorrelationKey = "CorrelationId";
    public const string MetricsPolicy = "Metrics";

    public static WebApplicationBuilder AddKefuTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.Section));
        builder.Services.AddSingleton<KefuMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("kefu", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddMeter("System.Runtime", KefuMetrics.MeterName)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/metrics") && !c.Request.Path.StartsWithSegments("/health"))
                .AddEntityFrameworkCoreInstrumentation()
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = new Uri(options.OtlpEndpoint);
                    o.Protocol = string.Equals(options.OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                }));
        }

        return builder;
    }

    /// <summary><c>/metrics</c> is for an Admin, or for anyone on loopback when <see cref="TelemetryOptions.MetricsFromLoopback"/>.</summary>
    public static bool MayReadMetrics(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.IsInRole(KefuRoles.Admin))
        {
            return true;
        }

        return context.Resource is HttpContext http
            && http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            && http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value.MetricsFromLoopback;
    }

    /// <summary>Gives each request its correlation id: logged with every line written while it runs, echoed in the response.</summary>
    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var incoming = context.Request.Headers[CorrelationHeader].ToString();
        var id = incoming.Length is > 0 and <= 64 && SafeId().IsMatch(incoming)
            ? incoming
            : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.Headers[CorrelationHeader] = id;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Kefu.Requests");
        using (logger.BeginScope(new Dictionary<string, object> { [CorrelationKey] = id }))
        {
            await next(context);
        }
    });

    /// <summary>The Prometheus endpoint; the Kefu gauges are read just before each scrape.</summary>
    public static IEndpointConventionBuilder MapKefuMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Kefu.Metrics");
            await context.RequestServices.GetRequiredService<KefuMetrics>().RefreshAsync(context.RequestServices, logger, context.RequestAborted);
            await next(context);
        }), optionsName: null).RequireAuthorization(MetricsPolicy);

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SafeId();
}
