namespace Kefu.Web.Features.Quality;

/// <summary>
/// The rule set a new installation starts with, taken from the seeds: the required scripts and forbidden phrases of the
/// call-handling manual (话务流程手册 §2.3–2.6, §3.1, §5.1; seed 003, written in Traditional characters there and in
/// Simplified here — normalisation makes both match), the 句型 to avoid with an upset customer (seed 004) and the
/// empathy, apology and commitment phrases (seed 003 §3.2). QA staff edit them from here; every rule starts at version 1.
/// </summary>
/// <remarks>
/// Choices the seeds leave open, made here and open to QA: "随便你" has no replacement in the manual, so it gets an
/// offer of options (SPEC §3); the avoid phrases of seed 004 get replacements from the manual's own calming lines
/// (§4.2 "您别着急", "您可以慢慢说", "您有什么话都可以跟我说，我会认真听"); "我不知道" does not fire on a polite
/// whether-question ("我不知道您是否方便…"), which asks rather than refuses; the admonishing avoid phrases also match
/// with 您 ("您别激动"), except "你应该", because "您应该已经收到短信" is ordinary information.
/// </remarks>
public static class DefaultScriptRules
{
    private static readonly string[] SensitiveActionAnchors =
    [
        "帮您申请", "帮您提交", "帮您修改", "帮您改", "已经帮您", "帮您退款", "帮您取消", "帮您办理", "帮您登记",
        "帮您查询", "帮您查一下", "帮您查看", "帮您把", "信息显示",
    ];

    private static readonly string[] PlanAnchors =
    [
        "帮您申请", "帮您提交", "帮您转接", "帮您登记", "帮您办理", "帮您安排", "已经帮您", "帮您联系", "帮您处理",
        "给您回电", "给您补发", "建议您",
    ];

    /// <summary>Every default rule.</summary>
    public static IReadOnlyList<ScriptRule> All { get; } =
    [
        // ---- 必用话术 (§5.1) with where they belong (§2.3, §2.4, §2.6) ----------------------------------------------
        new()
        {
            Id = "greeting",
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.Greeting,
            Description = "问候语：接听后先问候并报中心和姓名/工号（手册 §2.3、§5.1）。",
            Patterns = ["您好……这里是……客服中心……我是", "您好！这里是……客服中心……我是"],
            Replacement = "您好，这里是XX客服中心，我是客服[姓名/工号]，请问有什么可以帮您的？",
            Placement = ScriptPlacement.Opening,
            Window = PlacementWindow.DefaultOpening,
            Weight = 5,
            Channels = RuleChannels.Call,
        },
        new()
        {
            Id = "identity-verification",
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.IdentityVerification,
            Description = "身份核实：涉及隐私或敏感操作（修改密码、退款、查询订单）前，核实注册手机号或最近一次消费记录（手册 §2.3、§3.1）。",
            Patterns = ["注册手机号", "订单编号", "消费金额", "最近一次消费", "最近一笔订单"],
            Replacement = "为了保障您的信息安全，请问您的注册手机号是多少？",
            Placement = ScriptPlacement.BeforeSensitiveAction,
            AnchorPatterns = SensitiveActionAnchors,
            Weight = 5,
            Channels = RuleChannels.Call,
        },
        new()
        {
            Id = "need-confirmation",
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.NeedConfirmation,
            Description = "需求确认：给出方案前，用简洁语言重复客户需求并确认（手册 §2.4、§4.1、§5.1）。",
            Patterns = ["您的意思是……对吗", "您的意思是……是吗", "您是说……对吗", "您的问题是……对吗"],
            Replacement = "您的意思是……，对吗？",
            Placement = ScriptPlacement.BeforePlan,
            AnchorPatterns = PlanAnchors,
            MaxGap = 60,
            Weight = 5,
            Channels = RuleChannels.Call,
        },
        new()
        {
            Id = "closing",
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.Closing,
            Description = "结束语：询问是否还有其他需求并礼貌道别（手册 §2.6、§5.1）。",
            Patterns = ["还有什么可以帮您", "还有其他可以帮您", "还有什么需要帮", "还有其他需要帮", "感谢您的理解与支持", "感谢您的来电", "祝您生活愉快"],
            Replacement = "请问还有什么可以帮您的吗？感谢您的理解与支持，祝您生活愉快，再见。",
            Placement = ScriptPlacement.EndOfCall,
            Window = PlacementWindow.DefaultEndOfCall,
            Weight = 5,
            Channels = RuleChannels.Call,
        },

        // ---- 禁用话术 (§5.1) and what verification must never ask (§3.1) ------------------------------------------
        new()
        {
            Id = "forbidden-dont-know",
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“我不知道”（手册 §5.1）；礼貌的询问（“我不知道您是否方便…”）不算。",
            Patterns = ["我不知道"],
            Exceptions = ["我不知道您是否", "我不知道您方不方便", "我不知道您有没有", "我不知道您能不能", "我不知道您可不可以"],
            Replacement = "这个问题我需要核实一下",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-not-my-problem",
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“这不是我的问题”及推诿说法（手册 §5.1）。",
            Patterns = ["这不是我的问题", "这不是我们的问题"],
            Replacement = "我会帮您转接到相关部门",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-cant-you-read",
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“你自己不会看吗？”（手册 §5.1）。",
            Patterns = ["你自己不会看吗", "您自己不会看吗"],
            Replacement = "我可以帮您解释一下",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-whatever",
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“随便你”（手册 §5.1）；手册未给替代语，改为提供可选方案（参照 §4.4）。",
            Patterns = ["随便你", "随便您"],
            Replacement = "我给您介绍几种可以选择的方案，您看哪种更合适？",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-sensitive-identity",
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.Privacy,
            Description = "身份核实禁止询问身份证号、银行卡完整信息、密码（手册 §3.1，最小必要原则）：一经询问即判不合格。",
            Patterns =
            [
                "请问您的……身份证", "提供……身份证", "报一下……身份证", "告诉我……身份证", "说一下……身份证", "身份证……是多少",
                "请问您的……银行卡", "提供……银行卡", "报一下……银行卡", "告诉我……银行卡", "说一下……银行卡", "银行卡……是多少",
                "请问您的……卡号", "提供……卡号", "报一下……卡号", "告诉我……卡号", "卡号……是多少",
                "请问您的……密码", "提供……密码", "报一下……密码", "告诉我……密码", "说一下……密码", "密码……是多少", "密码……告诉我",
            ],
            Exceptions =
            [
                "不需要提供", "无需提供", "不用提供", "不要提供", "请勿提供", "不必提供", "不会……提供", "不要……告诉",
                "不会……告诉", "不会……问", "会员卡号", "尾号", "后四位", "修改……密码", "重置……密码", "忘记……密码",
            ],
            Replacement = "为了保障您的信息安全，请问您的注册手机号是多少？",
            MaxGap = 10,
            Critical = true,
            Weight = 10,
        },

        // ---- 下列句型应避免使用 (seed 004) --------------------------------------------------------------------------
        Avoid("avoid-may-not-understand", ["你可能不明白……", "您可能不明白……"], "可能是我没有解释清楚，我再为您详细说明一下"),
        Avoid("avoid-must-have-confused", ["你肯定弄混了……", "您肯定弄混了……"], "我们一起再核对一下"),
        Avoid("avoid-you-should", ["你应该……"], "建议您"),
        Avoid("avoid-you-are-wrong", ["你弄错了……", "您弄错了……"], "我再跟您确认一下"),
        Avoid("avoid-impossible", ["这不可能……"], "我马上帮您核实一下"),
        Avoid("avoid-dont-get-excited", ["你别激动……", "您别激动……"], "您别着急，我会帮您解决的"),
        Avoid("avoid-dont-shout", ["你不要叫……", "您不要叫……"], "您有什么话都可以跟我说，我会认真听"),
        Avoid("avoid-calm-down", ["你平静一点……", "您平静一点……"], "我理解您的心情，您可以慢慢说"),

        // ---- 情绪安抚规范 (§3.2): counted in the agent's favour ----------------------------------------------------
        new()
        {
            Id = "positive-empathy",
            Kind = ScriptRuleKind.PositivePhrase,
            Category = ScriptCategories.Empathy,
            Description = "共情语句（手册 §3.2、§2.5、§4.2）。",
            Patterns = ["理解您的心情", "理解您的感受", "理解您的着急", "您的感受我……能体会", "能体会您的", "我遇到这种情况也会", "我知道您现在很"],
            Severity = RuleSeverity.Minor,
        },
        new()
        {
            Id = "positive-apology",
            Kind = ScriptRuleKind.PositivePhrase,
            Category = ScriptCategories.Apology,
            Description = "道歉语句（手册 §3.2、§4.1）。",
            Patterns = ["抱歉", "歉意", "给您带来……不便", "给您带来……麻烦", "给您造成……困扰"],
            Severity = RuleSeverity.Minor,
        },
        new()
        {
            Id = "positive-commitment",
            Kind = ScriptRuleKind.PositivePhrase,
            Category = ScriptCategories.ActionCommitment,
            Description = "行动承诺（手册 §3.2、§2.5）。",
            Patterns =
            [
                "我会马上", "我会立即", "我马上帮您", "我会尽快", "尽快给您回复", "我会联系……相关部门", "优先处理您的问题",
                "内给您回电", "内给您回复", "我会尽全力",
            ],
            Severity = RuleSeverity.Minor,
        },
    ];

    private static ScriptRule Avoid(string id, string[] patterns, string replacement) => new()
    {
        Id = id,
        Kind = ScriptRuleKind.AvoidPhrase,
        Category = ScriptCategories.Wording,
        Description = $"应避免的句型“{patterns[0]}”（投诉处理案例分析，注意点1）。",
        Patterns = patterns,
        Replacement = replacement,
        Severity = RuleSeverity.Minor,
        Weight = 2,
    };
}
