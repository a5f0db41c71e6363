namespace Kefu.Web.Features.Complaints;

/// <summary>The six steps of seed 000 (投诉预判 → 查询事实 → 内部判责 → 确认方案 → 沟通执行 → 总结反思), then Closed.</summary>
public enum ComplaintStep
{
    /// <summary>1 投诉预判: core problem and the goal of the first contact.</summary>
    PreAssessment = 1,

    /// <summary>2 查询事实: facts from the customer and from the departments involved.</summary>
    FactFinding = 2,

    /// <summary>3 内部判责: itemized customer-side and company-side findings.</summary>
    Responsibility = 3,

    /// <summary>4 确认方案: the plan, its executor and deadline, approved where policy requires.</summary>
    Plan = 4,

    /// <summary>5 沟通执行: communicate and execute until the closure rule of the plan is met.</summary>
    Execution = 5,

    /// <summary>6 总结反思: cause, company risk and improvement suggestions (required for special complaints).</summary>
    Review = 6,

    Closed = 7,
}

/// <summary>How the complaint reached us (seed 001: 电话、邮件、在线、聊天、面访).</summary>
public enum ComplaintChannel
{
    Phone = 1,
    Email = 2,
    Web = 3,
    Chat = 4,
    InPerson = 5,
}

/// <summary>严重程度: how bad the problem is for the customer and the company (seed 001).</summary>
public enum ComplaintSeverity
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>紧急程度: how fast it must be handled (seed 001).</summary>
public enum ComplaintUrgency
{
    Low = 1,
    Normal = 2,
    High = 3,
    Urgent = 4,
}

/// <summary>What the plan does for the customer; the kind decides the closure rule (seed 000 step 5).</summary>
public enum PlanKind
{
    /// <summary>Solved by explaining on the phone: may close after the call.</summary>
    ExplanationOnly = 1,

    /// <summary>Repair, reshipment or paperwork: closes only after the customer confirms it is done.</summary>
    OfflineWork = 2,

    /// <summary>Refund: money to the customer; closes only after the customer confirms receipt.</summary>
    Refund = 3,

    /// <summary>赔付: compensation; closes only after the customer confirms receipt of the money.</summary>
    Compensation = 4,

    /// <summary>A coupon (e.g. 50 元优惠券): closes after the customer confirms it arrived.</summary>
    Coupon = 5,

    /// <summary>补偿性关照: compensatory care such as a priority service; closes after the customer confirms it.</summary>
    CompensatoryCare = 6,
}

public enum ApprovalState
{
    NotRequired = 0,
    Pending = 1,
    Approved = 2,
    Rejected = 3,
}

public enum FindingSide
{
    /// <summary>客户方: what the customer did or failed to do.</summary>
    Customer = 1,

    /// <summary>公司方: what a department or person of ours did or failed to do.</summary>
    Company = 2,
}

public enum ResponsibilityVerdict
{
    /// <summary>The company is liable (定责成立 for the company).</summary>
    CompanyLiable = 1,
    CustomerLiable = 2,
    SharedLiability = 3,
    NoFault = 4,
}

public enum DisagreementValidity
{
    /// <summary>有效分歧: a real difference in the facts that must be settled.</summary>
    Valid = 1,

    /// <summary>可忽略分歧: a party inflating the issue to avoid blame (seed 000).</summary>
    Negligible = 2,
}

/// <summary>A confirmation recorded in step 5 that satisfies a closure rule.</summary>
public enum ExecutionConfirmation
{
    /// <summary>The explanation was given on the call and the customer accepted it.</summary>
    ExplainedOnCall = 1,

    /// <summary>The customer confirmed the offline work (repair, reshipment, paperwork, coupon, care) is done.</summary>
    CustomerConfirmedDone = 2,

    /// <summary>The customer confirmed receipt of the refund or compensation payment.</summary>
    PaymentReceived = 3,
}
