namespace Kefu.Web.Infrastructure;

/// <summary>A rule of the domain was broken; mapped to a ProblemDetails response by <see cref="ProblemDetailsExceptionHandler"/>.</summary>
public abstract class DomainException(string message) : Exception(message)
{
    public abstract int StatusCode { get; }
    public virtual string Title => "The request could not be completed.";
}

public sealed class NotFoundException(string entity, object id)
    : DomainException($"{entity} '{id}' was not found.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;
    public override string Title => "Not found.";
}

/// <summary>The request conflicts with the current state (for example a gate that is not met).</summary>
public sealed class ConflictException(string message, IReadOnlyList<string>? reasons = null) : DomainException(message)
{
    public IReadOnlyList<string> Reasons { get; } = reasons ?? [];
    public override int StatusCode => StatusCodes.Status409Conflict;
    public override string Title => "Conflict with the current state.";
}

public sealed class ForbiddenException(string message) : DomainException(message)
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
    public override string Title => "Forbidden.";
}

/// <summary>A write carried a version (If-Match) that is no longer current: somebody else changed the entity first.</summary>
public sealed class StaleVersionException(string entity, Guid currentVersion)
    : DomainException($"{entity} was changed by someone else. Reload it and apply your change to the current version.")
{
    public Guid CurrentVersion { get; } = currentVersion;
    public override int StatusCode => StatusCodes.Status412PreconditionFailed;
    public override string Title => "The entity was changed since you read it.";
}

/// <summary>Field-level validation failure; <see cref="Errors"/> maps a field name (as the client sent it) to its broken rules.</summary>
public sealed class FieldValidationException(IDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
    public override int StatusCode => StatusCodes.Status400BadRequest;
    public override string Title => "One or more validation errors occurred.";

    public static FieldValidationException For(string field, string rule) =>
        new(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [rule] });
}

/// <summary>A service the request needs (an outgoing mail server, say) is not configured or not reachable right now.</summary>
public sealed class ServiceUnavailableException(string message) : DomainException(message)
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;
    public override string Title => "A service this request needs is unavailable.";
}

/// <summary>The thing existed but is no longer usable (an expired link): 410.</summary>
public sealed class GoneException(string message) : DomainException(message)
{
    public override int StatusCode => StatusCodes.Status410Gone;
    public override string Title => "No longer available.";
}
