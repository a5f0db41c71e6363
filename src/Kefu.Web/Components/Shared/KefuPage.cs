using System.Security.Claims;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Kefu.Web.Components.Shared;

/// <summary>Base of the interactive pages: a token that is cancelled when the user leaves the page.</summary>
public abstract class KefuPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource leaving = new();

    /// <summary>Cancelled when the page is disposed (navigation away, circuit closed), so pending queries stop.</summary>
    protected CancellationToken Aborted => leaving.Token;

    /// <summary>
    /// Re-checks a policy inside a unit of work. Write buttons are hidden from users without the policy; this is the
    /// second line, so a write never depends on what the page happened to render.
    /// </summary>
    protected static async Task RequirePolicyAsync(IServiceProvider services, ClaimsPrincipal user, string policy)
    {
        var result = await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy);
        if (!result.Succeeded)
        {
            throw new ForbiddenException($"The policy {policy} is required.");
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            leaving.Cancel();
            leaving.Dispose();
        }
    }
}
