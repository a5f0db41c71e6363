namespace Kefu.Web.Features.Audit;

/// <summary>One write to one entity: who, when, what and the before/after of each changed field. Rows are append-only.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }
    public DateTime At { get; set; }
    public Guid? ActorId { get; set; }
    public required string ActorName { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public AuditAction Action { get; set; }

    /// <summary>JSON array of <see cref="FieldChange"/>.</summary>
    public required string Changes { get; set; }
}

public enum AuditAction
{
    Created = 1,
    Updated = 2,
    Deleted = 3,
}

/// <summary>A field's value before and after the write (null when absent); secrets are recorded as "***".</summary>
public sealed record FieldChange(string Field, string? Before, string? After);
