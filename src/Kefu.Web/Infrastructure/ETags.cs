using Microsoft.Net.Http.Headers;

namespace Kefu.Web.Infrastructure;

/// <summary>Strong ETags built from an entity's <c>Version</c> token, and the If-Match check for updates.</summary>
public static class ETags
{
    public static string Format(Guid version) => $"\"{version:N}\"";

    /// <summary>
    /// Reads the version the client based its write on. A missing If-Match is refused (428) so that no client
    /// can overwrite a change it never saw.
    /// </summary>
    public static Guid RequireIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new PreconditionRequiredException();
        }

        if (EntityTagHeaderValue.TryParse(header.Split(',')[0].Trim(), out var tag)
            && Guid.TryParse(tag.Tag.ToString().Trim('"'), out var version))
        {
            return version;
        }

        // A syntactically valid but foreign tag can never match: treat it as stale, not as malformed input.
        return Guid.Empty;
    }
}

public sealed class PreconditionRequiredException()
    : DomainException("Send the entity's ETag in an If-Match header so that a concurrent change is not overwritten.")
{
    public override int StatusCode => StatusCodes.Status428PreconditionRequired;
    public override string Title => "If-Match header required.";
}
