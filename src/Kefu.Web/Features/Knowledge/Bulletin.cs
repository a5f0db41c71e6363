using Kefu.Web.Data;

namespace Kefu.Web.Features.Knowledge;

/// <summary>How prominent a bulletin is on the agent desktop.</summary>
public enum BulletinPriority
{
    Normal = 1,
    Important = 2,
    Urgent = 3,
}

/// <summary>
/// A notice of the daily bulletin (今日重点提醒, seed 003 §2.1: agents read it at the start of a shift, e.g. "XX产品退款流程优化"),
/// valid for a range of China calendar days.
/// </summary>
public sealed class Bulletin : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string Title { get; set; }
    public string? Body { get; set; }
    public BulletinPriority Priority { get; set; } = BulletinPriority.Normal;

    /// <summary>First China calendar day it shows (inclusive).</summary>
    public DateOnly ValidFrom { get; set; }

    /// <summary>Last China calendar day it shows (inclusive).</summary>
    public DateOnly ValidTo { get; set; }

    public required string PublishedBy { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Whether the bulletin shows on this China calendar day.</summary>
    public bool ShowsOn(DateOnly day) => ValidFrom <= day && day <= ValidTo;
}

/// <summary>That a user marked a bulletin as read; supervisors see how many did.</summary>
public sealed class BulletinRead : INotAudited
{
    public Guid Id { get; set; }
    public Guid BulletinId { get; set; }
    public required string UserName { get; set; }
    public DateTime ReadAt { get; set; }
}

/// <summary>The service center's calendar day: China time (UTC+8), whatever the server's zone.</summary>
public static class ChinaDay
{
    /// <summary>Today in China at <paramref name="clock"/>'s now.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Of(clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>The China calendar day of a UTC instant.</summary>
    public static DateOnly Of(DateTime utc) => DateOnly.FromDateTime(Complaints.ComplaintTime.ToChina(utc));
}
