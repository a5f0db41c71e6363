namespace Kefu.Web.Features.Quality;

/// <summary>
/// The rule set a new installation starts with, taken from the seeds: the required scripts and forbidden phrases of the
/// call-handling manual (话务流程手册 §2.3–2.6, §3.1, §5.1; seed 003, written in Traditional characters there and in
/// Simplified here — normalisation makes both match), the 句型 to avoid with an upset customer (seed 004) and the
/// empathy, apology and commitment phrases (seed 003 §3.2). QA staff edit them from here. Version 2 of every rule is
/// the revision measured on the labelled corpus (tests/Kefu.UnitTests/Quality/Corpus, docs/QUALITY.md).
/// </summary>
/// <remarks>
/// Choices the seeds leave open, made here and open to QA (docs/QUALITY.md lists them as D1–D19, and the corpus has
/// lines for each): "随便你" has no replacement in the manual, so it gets an offer of options (SPEC §3); the avoid
/// phrases of seed 004 get replacements from the manual's own calming lines (§4.2 "您别着急", "您可以慢慢说",
/// "您有什么话都可以跟我说，我会认真听"); "我不知道" does not fire on a polite whether-question ("我不知道您是否方便…"),
/// which asks rather than refuses; "你应该/您应该" fires as an admonition ("您应该先看说明书") but not as a guess
/// ("您应该已经收到短信"); asking for any part of an ID number, a full card number or a password is critical, the last
/// four digits of a bank card are not (§3.1 forbids the card's 完整信息). Phrasings that differ only in a subject or a
/// particle are listed out (<see cref="Combine"/>), because the pattern language has gaps but no alternation.
/// </remarks>
public static class DefaultScriptRules
{
    // Version 2 of the identity anchors (D17 in docs/QUALITY.md): announcing a lookup ("我帮您查一下") is not the
    // sensitive action, because the manual's own script announces it and then verifies ("为了帮您快速查询，请提供…");
    // disclosing what the lookup found ("系统显示…", "订单显示…") is.
    private static readonly string[] SensitiveActionAnchors =
    [
        "帮您申请", "帮您提交", "帮您修改", "帮您改", "已经帮您", "帮您退款", "帮您取消", "帮您办理", "帮您登记",
        "帮您把", "信息显示", "系统显示", "订单显示", "物流显示", "帮您查到", "查询到您",
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
            Version = 2,
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.Greeting,
            Description = "问候语：接听后先问候，报中心（客服、服务中心、服务热线、欢迎致电）和姓名或工号（手册 §2.3、§5.1）。",
            Patterns =
            [
                "您好……这里是……客服中心……我是", // the manual's script (§2.3); the combinations below also take its variants
                .. Combine(["您好……", "您好！……"], ["客服", "服务中心", "服务热线", "欢迎致电"], ["……我是", "……工号"]),
            ],
            Replacement = "您好，这里是XX客服中心，我是客服[姓名/工号]，请问有什么可以帮您的？",
            Placement = ScriptPlacement.Opening,
            Window = PlacementWindow.DefaultOpening,
            Weight = 5,
            Channels = RuleChannels.Call,
        },
        new()
        {
            Id = "identity-verification",
            Version = 2,
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.IdentityVerification,
            Description = "身份核实：涉及隐私或敏感操作（修改资料、退款、取消、查询订单并告知结果）前，核实注册手机号或最近一次消费记录（手册 §2.3、§3.1）。",
            Patterns =
            [
                "注册手机号", "订单编号", "订单号", "消费金额", "最近一次消费", "最近一笔订单", "请问您的手机号", "提供……手机号",
                "手机号……多少", "核实……您的身份",
            ],
            Replacement = "为了保障您的信息安全，请问您的注册手机号是多少？",
            Placement = ScriptPlacement.BeforeSensitiveAction,
            AnchorPatterns = SensitiveActionAnchors,
            MaxGap = 10,
            Weight = 5,
            Channels = RuleChannels.Call,
        },
        new()
        {
            Id = "need-confirmation",
            Version = 2,
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.NeedConfirmation,
            Description = "需求确认：给出方案前，用简洁语言重复客户需求并确认（手册 §2.4、§4.1、§5.1）。",
            Patterns = Combine(
                ["您的意思是", "您是说", "您的问题是", "您是想", "您是要", "也就是说", "我确认一下", "跟您确认一下", "跟您核对一下"],
                ["……"],
                ["对吗", "是吗", "对吧", "是吧", "对不对", "没错吧", "是这样吗", "没错吗"]),
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
            Version = 2,
            Kind = ScriptRuleKind.RequiredScript,
            Category = ScriptCategories.Closing,
            Description = "结束语：询问是否还有其他需求并礼貌道别（手册 §2.6、§5.1）。",
            Patterns =
            [
                "还有什么可以帮您", "还有其他可以帮您", "还有什么需要帮", "还有其他需要帮", "还有其他问题", "还有别的问题", "还有什么问题",
                "感谢您的理解与支持", "感谢您的来电", "谢谢您的来电", "感谢来电", "祝您……愉快",
            ],
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
            Version = 2,
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“我不知道”及“我也/真/们不知道”（手册 §5.1）；礼貌的询问（“我不知道您是否方便…”）和确认客户转述（“您是说……我不知道……”）不算。",
            Patterns =
            [
                .. Combine(["我", "我们", "我这边", "我们这边"], ["", "也", "真", "真的", "是真", "是真的", "确实", "也确实"], ["不知道"]),
                "我哪知道",
            ],
            Exceptions =
            [
                .. Combine(
                    ["不知道您", "不知道您这边", "不知道您那边"],
                    ["是否", "方不方便", "方便", "现在方便", "什么时候方便", "有没有", "还有没有", "能不能", "可不可以", "是不是", "需不需要",
                     "要不要", "记不记得", "还记不记得", "愿不愿意", "会不会"]),
                "您是说……我不知道", "您的意思是……我不知道",
            ],
            Replacement = "这个问题我需要核实一下",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-not-my-problem",
            Version = 2,
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“这不是我的问题”及推诿说法（不是我们的问题、跟我没关系、不关我们的事；手册 §5.1）；“是不是我的问题没说清楚”不算。",
            Patterns =
            [
                // with 这/那 where said, so that the replacement stands in for the whole phrase
                .. Combine(["这", "那", ""], ["不是我", "不是我们"], ["", "这边", "这里", "客服", "公司", "部门"], ["的问题"]),
                .. Combine(["这", "那", ""], ["跟", "和"], ["我", "我们"], ["", "这边", "公司", "平台"], ["没关系", "没有关系"]),
                "不关我的事", "不关我们的事",
            ],
            Exceptions = ["是不是我的问题", "是不是我们的问题"],
            Replacement = "我会帮您转接到相关部门",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-cant-you-read",
            Version = 2,
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“你自己不会看吗？”及“你不会自己看吗”“你看不懂吗”“你不识字吗”（手册 §5.1）；“您自己不会看到扣款记录”不算。",
            Patterns =
            [
                "你自己不会看吗", "您自己不会看吗", "你自己不会看", "您自己不会看", "自己不会看", "你不会自己看", "您不会自己看", "不会自己看",
                "你不会看吗", "您不会看吗", "你看不懂吗", "您看不懂吗", "你不识字", "您不识字",
            ],
            Exceptions = ["不会看到", "不会自己看到"],
            Replacement = "我可以帮您解释一下",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-whatever",
            Version = 2,
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Description = "禁用话术“随便你”（随便您、随你便、随你们；手册 §5.1）；手册未给替代语，改为提供可选方案（参照 §4.4）。让客户挑选（“颜色随便您挑”）不算。",
            Patterns = ["随便你", "随便您", "随你便", "随您便", "随你们"],
            Exceptions = Combine(["随便您", "随便你"], ["挑", "选", "定", "安排", "用"]),
            Replacement = "我给您介绍几种可以选择的方案，您看哪种更合适？",
            Weight = 5,
        },
        new()
        {
            Id = "forbidden-sensitive-identity",
            Version = 2,
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.Privacy,
            Description = "身份核实禁止询问身份证号（含部分号码）、银行卡完整信息（卡号、安全码）、密码（手册 §3.1，最小必要原则）：一经询问即判不合格。"
                + "会员卡、礼品卡等非支付卡号，银行卡尾号/后四位，否定、提醒和修改/重置密码的指引不算。",
            Patterns =
            [
                .. Combine(
                    ["请问您的", "请问你的", "提供", "报一下", "报给我", "告诉我", "说一下", "念一下", "读一下", "回复", "核对一下您的", "核实一下您的", "核实您的"],
                    ["……"],
                    SensitiveData),
                .. Combine(
                    SensitiveData,
                    ["……"],
                    ["多少", "告诉我", "报一下", "报给我", "说一下", "说给我", "提供一下", "提供给我", "发给我", "念一下", "念给我", "读一下", "读给我", "是什么"]),
            ],
            Exceptions =
            [
                // negations and warnings: "您不需要提供身份证号", "我们不会向您索要密码", "如果有人让您提供银行卡号……是诈骗"
                "不需要提供", "无需提供", "不用提供", "不要提供", "不必提供", "请勿……提供", "不需要……告诉", "不用……告诉", "不要……告诉",
                "不必……告诉", "不会……提供", "不会……告诉", "不会……问", "不会……索要", "不会……要求", "不能……提供", "不能……告诉",
                "有人……提供", "有人……告诉", "有人……报", "有人……问",
                .. Combine(["不需要", "无需", "不用", "不必"], SensitiveData),
                // cards that are not payment cards, and the partial bank-card data the manual allows
                .. Combine(["会员卡", "礼品卡", "购物卡", "储值卡", "充值卡", "积分卡", "加油卡", "电话卡", "提货卡", "京东卡", "超市卡"], ["号", "卡号", "的卡号"]),
                "卡号后四位", "卡号的后四位", "卡号后4位", "卡号尾号", "卡号的尾号", "卡号末四位",
                // what else is on the ID card: "您身份证上的名字是什么？"
                .. Combine(["身份证上的", "身分证上的", "证件上的"], ["名字", "姓名", "地址", "照片"]),
                // password guidance
                "修改……密码", "重置……密码", "忘记……密码", "找回……密码", "忘了密码", "密码重置", "密码修改", "告诉我一声",
            ],
            Replacement = "为了保障您的信息安全，请问您的注册手机号是多少？",
            MaxGap = 10,
            Critical = true,
            Weight = 10,
        },

        // ---- 下列句型应避免使用 (seed 004) --------------------------------------------------------------------------
        Avoid(
            "avoid-may-not-understand",
            [.. Combine(["你", "您"], ["可能不明白……", "可能不太明白……", "可能没明白……", "可能没听明白……", "可能不懂……", "可能不清楚……", "可能不太清楚……"])],
            "可能是我没有解释清楚，我再为您详细说明一下"),
        Avoid(
            "avoid-must-have-confused",
            [.. Combine(["你", "您"], ["肯定", "肯定是", "一定", "一定是"], ["弄混……", "搞混……", "记混……"])],
            "我们一起再核对一下"),
        Avoid(
            "avoid-you-should",
            ["你应该……", "您应该……", "妳应该……", "你当时应该……", "您当时应该……"],
            "建议您",
            // 应该 as a guess, not an admonition (D6): "您应该已经收到短信", "您应该会在三天内收到".
            ["应该已经", "应该会", "应该能", "应该可以", "应该是", "应该就", "应该还", "应该收到", "应该到了", "应该没问题", "应该不需要", "应该不用", "应该不会", "应该没有", "是您应该",
             "应该在……收到", "应该在……到账", "应该在……送达", "应该在……到货"]),
        Avoid(
            "avoid-you-are-wrong",
            [.. Combine(["你", "您"], ["", "自己", "是不是", "肯定", "肯定是", "一定", "一定是"], ["弄错……", "搞错……", "记错……", "看错……"])],
            "我再跟您确认一下",
            [.. Combine(["怕", "避免", "以免", "防止", "免得"], ["您", "你"], ["弄错", "搞错", "记错", "看错"])]),
        Avoid(
            "avoid-impossible",
            [
                "这不可能……", "那不可能……", "这是不可能……", "那是不可能……", "这绝对不可能……", "这根本不可能……", "这种事情是不可能……",
                "这种事是不可能……", "这种情况是不可能……",
            ],
            "我马上帮您核实一下",
            // reassurance, and what cannot be done at once: "这不可能是您的责任", "这不可能一下子就处理完"
            ["不可能是您", "不可能是你", "不是说这不可能", "不可能一下子", "不可能马上", "不可能立刻", "不可能立即"]),
        Avoid(
            "avoid-dont-get-excited",
            Combine(["你", "您", "你先", "您先", "请您", ""], ["别激动……", "不要激动……", "别这么激动……", "不要这么激动……", "别那么激动……", "不要那么激动……"]),
            "您别着急，我会帮您解决的"),
        Avoid(
            "avoid-dont-shout",
            [
                "你不要叫……", "您不要叫……", "你别叫……", "您别叫……",
                .. Combine(
                    ["你", "您", ""],
                    ["不要叫了……", "别叫了……", "别喊了……", "不要喊了……", "不要大声……", "别大声……", "别吼……", "不要吼……", "别嚷……", "不要嚷……",
                     "小点声……", "小声点……", "声音小一点……", "别冲我吼……", "别对我吼……", "别冲我喊……", "别对我喊……", "别冲我嚷……"]),
                "大喊大叫……", "大吼大叫……",
            ],
            "您有什么话都可以跟我说，我会认真听",
            // 叫 as "send for": "您先不要叫师傅上门", "您不要叫快递员直接退回"
            ["不要叫师傅", "不要叫快递", "不要叫人", "不要叫车", "不要叫维修", "不要叫物业", "不要叫醒", "别叫师傅", "别叫快递", "别叫人", "别叫醒"]),
        Avoid(
            "avoid-calm-down",
            Combine(
                ["你", "您", "你先", "您先", "请您", "请您先", ""],
                ["平静一点……", "平静一下……", "平静点……", "平静下来……", "冷静一点……", "冷静一下……", "冷静冷静……", "冷静点……", "冷静下来……"]),
            "我理解您的心情，您可以慢慢说"),

        // ---- 情绪安抚规范 (§3.2): counted in the agent's favour ----------------------------------------------------
        new()
        {
            Id = "positive-empathy",
            Version = 2,
            Kind = ScriptRuleKind.PositivePhrase,
            Category = ScriptCategories.Empathy,
            Description = "共情语句（手册 §3.2、§2.5、§4.2）；“请您理解”“感谢您的理解”“我理解您的意思”不算。",
            Patterns =
            [
                "理解您的心情", "理解您现在的心情", "理解您此刻的心情", "理解您的感受", "理解您的着急", "理解您的不满", "理解您的担心",
                "理解您的焦急", "理解您的难处", "理解您的顾虑", "您的感受我……能体会", "能体会您", "体会您的心情", "体会到您的", "明白您的感受",
                "您的心情我……理解", "您的感受我……理解", "您的心情我……明白", "您的感受我……明白",
                "明白您的心情", "明白您的着急", "我遇到这种情况也会", "要是我遇到", "如果是我遇到", "换作是我", "换做是我", "换成是我",
                "我知道您现在很", "我知道您很着急", "我知道您很生气", "明白您现在很", "理解您现在很",
            ],
            Severity = RuleSeverity.Minor,
        },
        new()
        {
            Id = "positive-apology",
            Version = 2,
            Kind = ScriptRuleKind.PositivePhrase,
            Category = ScriptCategories.Apology,
            Description = "道歉语句（手册 §3.2、§4.1）；单独的“不好意思，请问…”（打扰用语）和“您不用抱歉”不算。",
            Patterns =
            [
                "抱歉", "歉意", "对不起", "对不住", "向您道歉", "跟您道歉", "给您道歉", "和您道歉", "致歉", "给您带来……不便", "给您带来……麻烦",
                "给您造成……困扰", "给您造成……不便", "给您添……麻烦", "让您久等", "不好意思让您", "不好意思给您", "实在不好意思",
                "真不好意思", "非常不好意思", "很不好意思", "真是不好意思",
            ],
            Exceptions = ["不用抱歉", "不必抱歉", "无需抱歉", "不用说对不起", "不用对不起", "不用道歉", "不必道歉"],
            Severity = RuleSeverity.Minor,
        },
        new()
        {
            Id = "positive-commitment",
            Version = 2,
            Kind = ScriptRuleKind.PositivePhrase,
            Category = ScriptCategories.ActionCommitment,
            Description = "行动承诺（手册 §3.2、§2.5、§4.2）；随意承诺（“我保证明天给您解决”，§2.5）不计入。",
            Patterns =
            [
                "我会马上", "我会立即", "我马上帮您", "我马上为您", "我立即为您", "我现在就帮您", "我现在帮您", "我这就帮您", "我会尽快",
                "我们会尽快", "尽快给您回复", "尽快给您回覆", "马上给您回复", "马上给您回覆", "马上给您回电", "我会联系……相关部门",
                "优先处理您的问题", "内给您回电", "内给您回复", "内给您回覆", "我会尽全力", "我会帮您解决", "我会帮您处理", "我会帮您跟进",
                "我会跟进", "我会一直跟进", "我会持续跟进", "全程跟进", "我这边会跟进", "我这边会尽快", "我这边马上", "我一定帮您", "我一定会帮您",
            ],
            Severity = RuleSeverity.Minor,
        },
    ];

    /// <summary>What verification must never ask for (§3.1): the ID number (also 身分证, 证件号), full bank-card data,
    /// passwords. A card number counts as a bank card's unless the card is named as another kind (会员卡号 …).</summary>
    private static string[] SensitiveData => ["身份证", "身分证", "证件号", "卡号", "银行卡信息", "银行卡的信息", "银行卡完整", "银行卡的完整", "安全码", "cvv", "密码"];

    /// <summary>Every concatenation of one item from each list, in order.</summary>
    private static string[] Combine(params string[][] parts)
    {
        IEnumerable<string> result = [""];
        foreach (var part in parts)
        {
            var items = part;
            result = result.SelectMany(prefix => items.Select(item => prefix + item));
        }

        return [.. result];
    }

    private static ScriptRule Avoid(string id, string[] patterns, string replacement, string[]? exceptions = null) => new()
    {
        Id = id,
        Version = 2,
        Kind = ScriptRuleKind.AvoidPhrase,
        Category = ScriptCategories.Wording,
        Description = $"应避免的句型“{patterns[0]}”（投诉处理案例分析，注意点1）。",
        Patterns = patterns,
        Exceptions = exceptions ?? [],
        Replacement = replacement,
        Severity = RuleSeverity.Minor,
        Weight = 2,
    };
}
