namespace Kefu.Web.Features.Complaints;

/// <summary>One exit condition of a step: a stable code (used by the API and tests), a description, and whether it is met.</summary>
public sealed record Gate(string Code, string Description, bool Met);

/// <summary>
/// The exit gates of each step (SPEC §1, seed 000). Pure: the same complaint and rules always give the same gates,
/// so the API's 409, the UI checklist and the tests agree.
/// </summary>
public static class ComplaintGates
{
    public static IReadOnlyList<Gate> For(Complaint c, ComplaintRules rules) => c.Step switch
    {
        ComplaintStep.PreAssessment =>
        [
            new("core-problem", "投诉核心问题已填写", Filled(c.CoreProblem)),
            new("contact-goal", "首次联系的业务目标已填写", Filled(c.ContactGoal)),
        ],
        ComplaintStep.FactFinding =>
        [
            new("demands-recorded", "客户诉求已记录", c.Demands.Count > 0),
            new("demands-confirmed", "已向客户复述并确认诉求", c.DemandsConfirmedAt is not null),
            new("reply-time-promised", "已告知客户回复时间", c.PromisedReplyAt is not null),
            new("fact-summary", "已写出“问题 / 核查 / 结果”简述", Filled(c.FactSummary)),
            new("parties-no-objection", "各相关部门已确认对简述无异议",
                c.Inquiries.Count == 0 || c.Inquiries.All(i => i.NoObjectionAt is not null)),
        ],
        ComplaintStep.Responsibility =>
        [
            new("findings-itemized", "已逐条列出责任认定", c.Findings.Count > 0),
            new("findings-assigned", "每条认定均已归属客户方或公司方（公司方注明部门）",
                c.Findings.Count > 0 && c.Findings.All(f => f.Side == FindingSide.Customer || f.DepartmentId is not null)),
            new("verdict-recorded", "已记录判责结论", c.Verdict is not null),
        ],
        ComplaintStep.Plan =>
        [
            new("plan-defined", "已确定方案内容", c.PlanKind is not null && Filled(c.PlanDescription)),
            new("executor-set", "已指定方案执行人", c.PlanExecutorId is not null),
            new("deadline-set", "已设定执行期限", c.PlanDeadline is not null),
            new("approval-granted", "需审批的方案已获主管批准",
                !c.PlanNeedsApproval(rules) || c.PlanApproval == ApprovalState.Approved),
        ],
        ComplaintStep.Execution => ClosureGates(c),
        ComplaintStep.Review =>
        [
            new("review-written", "特殊投诉已完成总结反思（原因、公司风险、改善建议）",
                !c.IsSpecial || (Filled(c.ReviewCause) && Filled(c.ReviewCompanyRisk) && Filled(c.ReviewImprovements))),
        ],
        _ => [],
    };

    /// <summary>Seed 000 step 5: what must be confirmed before the case may close, by kind of plan.</summary>
    public static IReadOnlyList<Gate> ClosureGates(Complaint c) => c.PlanKind switch
    {
        PlanKind.ExplanationOnly => [new("explained-on-call", "已在电话中解释清楚，客户接受", c.ExplainedOnCallAt is not null)],
        PlanKind.Refund or PlanKind.Compensation => [new("payment-received", "客户已确认收到款项", c.PaymentReceivedAt is not null)],
        PlanKind.OfflineWork or PlanKind.Coupon or PlanKind.CompensatoryCare =>
            [new("customer-confirmed-done", "客户已确认处理完毕", c.CustomerConfirmedDoneAt is not null)],
        _ => [new("plan-defined", "已确定方案内容", false)],
    };

    public static IReadOnlyList<string> Unmet(Complaint c, ComplaintRules rules) =>
        For(c, rules).Where(g => !g.Met).Select(g => g.Code).ToList();

    public static ComplaintStep Next(ComplaintStep step) => step switch
    {
        ComplaintStep.Review => ComplaintStep.Closed,
        ComplaintStep.Closed => throw new InvalidOperationException("A closed complaint has no next step."),
        _ => step + 1,
    };

    private static bool Filled(string? value) => !string.IsNullOrWhiteSpace(value);
}
