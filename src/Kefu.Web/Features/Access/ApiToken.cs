using System.Security.Cryptography;
using System.Text;

namespace Kefu.Web.Features.Access;

/// <summary>
/// A bearer token for integrations (a CTI connector, a script). Only its SHA-256 hash is stored, so a copy of the
/// database does not give access; it expires and can be revoked.
/// </summary>
public sealed class ApiToken
{
    public const string TokenPrefix = "kefu_";

    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string TokenHash { get; set; }

    /// <summary>The first characters of the token, shown in lists so a user can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>The token's scopes (<see cref="ApiScopes"/>), space-separated.</summary>
    public string Scopes { get; set; } = ApiScopes.Format(ApiScopes.All);

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    public bool IsUsableAt(DateTime now) => RevokedAt is null && ExpiresAt > now;

    /// <summary>Creates a random token; the plain text is returned once and never stored.</summary>
    public static (ApiToken Token, string PlainText) Issue(Guid userId, string name, DateTime now, TimeSpan lifetime, IEnumerable<string>? scopes = null)
    {
        var plain = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = new ApiToken
        {
            Id = Infrastructure.Ids.New(),
            UserId = userId,
            Name = name,
            TokenHash = Hash(plain),
            Prefix = plain[..12],
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            Scopes = ApiScopes.Format(scopes ?? ApiScopes.All),
        };
        return (token, plain);
    }

    public static string Hash(string plainText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plainText)));
}
