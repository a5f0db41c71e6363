using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Security;

/// <summary>One callable route of the running app: method, pattern and what its metadata says about access.</summary>
internal sealed record AppEndpoint(string Method, RoutePattern Pattern, IReadOnlyList<IAuthorizeData> Authorize, bool AllowAnonymous, bool AcceptsMultipart, bool AcceptsJson, string DisplayName)
{
    public string Route => "/" + (Pattern.RawText ?? "").TrimStart('/');

    public string Key => $"{Method} {Route}";

    public bool IsApi => Route.StartsWith("/api/", StringComparison.Ordinal);

    public bool IsHub => Route.StartsWith("/hubs/", StringComparison.Ordinal);

    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    /// <summary>Pages people use in a browser (signed in with the cookie), as opposed to API routes and hubs.</summary>
    public bool IsUi => !IsApi && !IsHub && !Route.StartsWith("/account/", StringComparison.Ordinal);

    /// <summary>A concrete URL: route parameters filled with values of the right shape that match nothing stored.</summary>
    public string SampleUrl(string? userName = null)
    {
        var url = Route;
        foreach (var parameter in Pattern.Parameters)
        {
            var constraints = Pattern.ParameterPolicies.TryGetValue(parameter.Name, out var policies)
                ? policies.Select(p => p.Content ?? "").ToList()
                : [];
            var value = userName is not null && parameter.Name is "userName" or "agent" ? userName
                : constraints.Contains("guid") ? Guid.NewGuid().ToString()
                : constraints.Contains("int") || constraints.Contains("long") ? "987654"
                : constraints.Contains("datetime") ? "2026-01-01"
                : parameter.Name.Contains("week", StringComparison.OrdinalIgnoreCase) ? "2026-W01"
                : parameter.Name.Equals("documentName", StringComparison.Ordinal) ? "v1"
                : "zz-missing-" + parameter.Name.ToLowerInvariant();
            var token = url.IndexOf("{" + parameter.Name, StringComparison.OrdinalIgnoreCase);
            if (token < 0)
            {
                token = url.IndexOf("{*" + parameter.Name, StringComparison.OrdinalIgnoreCase);
            }

            if (token < 0)
            {
                token = url.IndexOf("{**" + parameter.Name, StringComparison.OrdinalIgnoreCase);
            }

            var end = url.IndexOf('}', token);
            url = url[..token] + Uri.EscapeDataString(value) + url[(end + 1)..];
        }

        return url;
    }

    /// <summary>Every route endpoint with its HTTP methods; framework plumbing (static files, Blazor's own script
    /// and circuit endpoints) is left out because it carries no data and no authorization of its own.</summary>
    public static IReadOnlyList<AppEndpoint> All(IServiceProvider services)
    {
        var list = new List<AppEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var raw = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (IsFrameworkPlumbing(endpoint, raw))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().ToList();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var multipart = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()
                .Any(a => a.ContentTypes.Any(t => t.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)));
            var json = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()
                .Any(a => a.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)));
            foreach (var method in methods.Where(m => m is not ("HEAD" or "OPTIONS")))
            {
                list.Add(new AppEndpoint(method, endpoint.RoutePattern, authorize, anonymous, multipart, json, endpoint.DisplayName ?? raw));
            }
        }

        return list.DistinctBy(e => e.Key).OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();
    }

    private static bool IsFrameworkPlumbing(RouteEndpoint endpoint, string route) =>
        endpoint.Metadata.Any(m => m.GetType().Name is "StaticAssetDescriptor")
        || route.StartsWith("/_framework/", StringComparison.Ordinal)
        || route.StartsWith("/_blazor", StringComparison.Ordinal)
        || route.StartsWith("/_content/", StringComparison.Ordinal)
        || route.Contains(":file}", StringComparison.Ordinal); // the static-file fallback of the development asset server

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Key} [{string.Join(", ", Authorize.Select(a => a.Policy ?? a.Roles ?? "(authenticated)"))}{(AllowAnonymous ? " anonymous" : "")}]");
}
