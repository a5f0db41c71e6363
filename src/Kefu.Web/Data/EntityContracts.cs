namespace Kefu.Web.Data;

/// <summary>An entity whose writes are guarded by optimistic concurrency; <see cref="Version"/> is renewed on every save and is its ETag.</summary>
public interface IVersioned
{
    Guid Version { get; set; }
}

/// <summary>An entity stamped with creation and last-change times (UTC) on save.</summary>
public interface ITimestamped
{
    DateTime CreatedAt { get; set; }
    DateTime UpdatedAt { get; set; }
}

/// <summary>
/// Machine-written, high-volume rows (CTI events and their projections) that are their own record: the audit log
/// skips them, because an audit row per telephony event would double the write load and say nothing new.
/// </summary>
public interface INotAudited;
