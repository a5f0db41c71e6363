using Kefu.Web.Data;

namespace Kefu.Web.Features.Complaints;

/// <summary>A node of the editable category tree (物流 → 配送延迟 …), used for routing, repeat detection and reports.</summary>
public sealed class ComplaintCategory : IVersioned
{
    public Guid Id { get; set; }
    public Guid? ParentId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public bool IsActive { get; set; } = true;
    public int SortOrder { get; set; }
    public Guid Version { get; set; }

    /// <summary>The tree a new deployment starts with (seed 001 and the list); editable afterwards.</summary>
    public static readonly IReadOnlyList<(string Code, string Name, string? Parent)> Defaults =
    [
        ("LOGISTICS", "物流", null),
        ("LOGISTICS-DELAY", "配送延迟", "LOGISTICS"),
        ("LOGISTICS-DAMAGE", "包裹破损", "LOGISTICS"),
        ("QUALITY", "商品质量", null),
        ("REPAIR", "售后维修", null),
        ("REFUND", "退款", null),
        ("REFUND-DELAY", "退款未到账", "REFUND"),
        ("ATTITUDE", "服务态度", null),
        ("SYSTEM", "系统故障", null),
        ("BILLING", "充值与扣费", null),
        ("OTHER", "其他", null),
    ];
}
