using Kefu.Web.Data;

namespace Kefu.Web.Features.Departments;

/// <summary>An organisational unit users belong to and complaints are sent to (客服中心, 售后, 技术支持, 物流, 财务 …).</summary>
public sealed class Department : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string Name { get; set; }

    /// <summary>Short stable code for integrations, e.g. "CS", "AFTERSALES".</summary>
    public required string Code { get; set; }

    public bool IsActive { get; set; } = true;
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The departments a new deployment starts with; editable afterwards.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Defaults =
    [
        ("CS", "客服中心"),
        ("AFTERSALES", "售后"),
        ("TECH", "技术支持"),
        ("LOGISTICS", "物流"),
        ("FINANCE", "财务"),
    ];
}
