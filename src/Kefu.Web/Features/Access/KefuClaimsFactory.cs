using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Access;

public static class KefuClaims
{
    /// <summary>The user's display name (e.g. 李小客), shown in contact histories and on the desktop.</summary>
    public const string DisplayName = "kefu:display_name";

    public const string WorkNumber = "kefu:work_number";
}

/// <summary>Adds display name and work number to the signed-in principal (cookie and API token alike).</summary>
internal sealed class KefuClaimsFactory(UserManager<KefuUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<KefuUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(KefuUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(KefuClaims.DisplayName, user.DisplayName));
        }

        if (!string.IsNullOrWhiteSpace(user.WorkNumber))
        {
            identity.AddClaim(new Claim(KefuClaims.WorkNumber, user.WorkNumber));
        }

        return identity;
    }
}
