using System.Security.Claims;
using Kefu.Web.Data;
using Microsoft.AspNetCore.Components.Authorization;

namespace Kefu.Web.Features.Access;

/// <summary>
/// How Blazor components reach the store. A circuit lives for hours, so a component must not hold one DbContext;
/// each call gets a fresh scope and DbContext, and the circuit's user is carried into it so the audit log names them.
/// </summary>
public sealed class UiStore(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<T> RunAsync<T>(Func<KefuDbContext, ClaimsPrincipal, IServiceProvider, Task<T>> work)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().User = user;
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        return await work(db, user, scope.ServiceProvider);
    }

    public Task<T> RunAsync<T>(Func<KefuDbContext, ClaimsPrincipal, Task<T>> work) =>
        RunAsync((db, user, _) => work(db, user));
}
