using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Kefu.Web.Features.Access;

/// <summary>Who is acting right now: the signed-in user of the HTTP request or of the Blazor circuit, else the system.</summary>
public interface ICurrentActor
{
    ValueTask<Actor> GetAsync();
}

/// <summary>An acting user: <see cref="Name"/> is the user name (audit), <see cref="DisplayName"/> what colleagues see.</summary>
public sealed record Actor(Guid? Id, string Name, string? DisplayName = null)
{
    public static readonly Actor System = new(null, "system");
}

/// <summary>The user of a unit of work started outside an HTTP request (see <see cref="UiStore"/>).</summary>
internal sealed class ActorScope
{
    public ClaimsPrincipal? User { get; set; }
}

internal sealed class CurrentActor(IHttpContextAccessor http, ActorScope scope, IServiceProvider services) : ICurrentActor
{
    public async ValueTask<Actor> GetAsync()
    {
        if (scope.User is not null)
        {
            return From(scope.User);
        }

        var user = http.HttpContext?.User;
        if (user?.Identity?.IsAuthenticated != true)
        {
            // Inside a Blazor circuit there is no HttpContext; the circuit's authentication state knows the user.
            var provider = services.GetService<AuthenticationStateProvider>();
            if (provider is not null && http.HttpContext is null)
            {
                try
                {
                    user = (await provider.GetAuthenticationStateAsync()).User;
                }
                catch (InvalidOperationException)
                {
                    user = null; // no circuit either: a background job or start-up code.
                }
            }
        }

        return From(user);
    }

    public static Actor From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return Actor.System;
        }

        var id = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (Guid?)null;
        return new Actor(id, user.Identity.Name ?? "unknown", user.FindFirstValue(KefuClaims.DisplayName));
    }
}
