using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Quality;

namespace Kefu.UnitTests.Quality;

public sealed class TranscriptCheckTests
{
    private static readonly TranscriptCheck Check = TranscriptCheck.Default;

    private static SegmentToCheck Agent(double start, string text) => new(TranscriptSpeaker.Agent, start, start + 3, text);

    private static SegmentToCheck Customer(double start, string text) => new(TranscriptSpeaker.Customer, start, start + 3, text);

    /// <summary>A call that follows the manual (§2.3–2.6) from greeting to closing.</summary>
    private static List<SegmentToCheck> CleanCall() =>
    [
        Agent(0, "您好，这里是XX客服中心，我是客服小张，请问有什么可以帮您的？"),
        Customer(4, "我要投诉！快递三天都没到。"),
        Agent(8, "非常抱歉，让您遇到这样的问题，我完全理解您的心情。"),
        Agent(12, "为了保障您的信息安全，请问您的注册手机号是多少？"),
        Customer(16, "138 1234 5678。"),
        Agent(20, "好的，信息核实无误，谢谢您。"),
        Agent(24, "您的意思是，您10月5日购买的电饭煲至今未收到货，对吗？"),
        Customer(28, "对的。"),
        Agent(32, "我会立即联系快递公司，确认具体送达时间，5分钟内给您回电，可以吗？"),
        Customer(36, "好的，谢谢。"),
        Agent(40, "请问还有什么可以帮您的吗？"),
        Customer(44, "没有了。"),
        Agent(48, "感谢您的理解与支持，祝您生活愉快，再见。"),
    ];

    private static ScriptRule Forbidden(string id, params string[] patterns) => new()
    {
        Id = id,
        Kind = ScriptRuleKind.ForbiddenPhrase,
        Category = ScriptCategories.ServiceAttitude,
        Patterns = patterns,
        Replacement = "替代语",
    };

    // ---- Simplified, Traditional, width and spacing ---------------------------------------------------------------

    [Fact]
    public void TraditionalText_MatchesASimplifiedRule_AndIsQuotedInTraditional()
    {
        var report = Check.CheckWrittenReply("您好，這不是我的問題，請您找快遞公司。");

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.Forbidden);
        Assert.Equal("forbidden-not-my-problem", finding.RuleId);
        Assert.Equal("這不是我的問題", finding.Quote);
        Assert.Equal("我会帮您转接到相关部门", finding.Replacement);
        Assert.True(report.TraditionalConverted);
    }

    [Fact]
    public void SimplifiedText_MatchesARuleWrittenInTraditional()
    {
        var check = new TranscriptCheck([Forbidden("traditional-rule", "你自己不會看嗎？")]);

        var report = check.CheckWrittenReply("页面上写得很清楚，你自己不会看吗？");

        var finding = Assert.Single(report.Findings);
        Assert.Equal("你自己不会看吗", finding.Quote);
    }

    [Fact]
    public void TheSeedsTraditionalScripts_MatchTheDefaultRules()
    {
        // Seed 003 §5.1 and §2.6, as written there.
        var call = new List<SegmentToCheck>
        {
            Agent(0, "您好，這裡是XX客服中心，我是客服小張，請問有什麼可以幫您的？"),
            Customer(5, "我要查我的訂單物流。"),
            Agent(9, "好的，為了幫您快速查詢，請提供一下您的註冊手機號，謝謝。"),
            Agent(14, "您的意思是，您10月5日購買的XX商品，至今未收到貨，對嗎？"),
            Agent(20, "我隨便你怎麼說，這不是我的問題。"),
            Agent(26, "請問還有什麼可以幫您的嗎？感謝您的理解與支持，祝您生活愉快，再見"),
        };

        var report = Check.Check(call);

        Assert.All(report.RequiredScripts, r => Assert.True(
            r.Status is RequiredScriptStatus.Present or RequiredScriptStatus.NotApplicable, r.RuleId + " " + r.Status));
        Assert.Contains(report.Findings, f => f.RuleId == "forbidden-whatever" && f.Quote == "隨便你");
        Assert.Contains(report.Findings, f => f.RuleId == "forbidden-not-my-problem" && f.Quote == "這不是我的問題");
    }

    [Theory]
    [InlineData("請問還有什麼可以幫您的嗎？")]
    [InlineData("請問還有甚麼可以幫您的嗎？")]
    [InlineData("请问还有什么可以帮您的吗?")]
    public void Closing_IsRecognised_InTaiwanHongKongAndMainlandWriting(string closing)
    {
        var call = CleanCall();
        call[10] = Agent(40, closing);
        call[12] = Agent(48, "再见。");

        var report = Check.Check(call);

        Assert.Equal(RequiredScriptStatus.Present, report.RequiredScripts.Single(r => r.RuleId == "closing").Status);
    }

    [Theory]
    [InlineData("页面上写得很清楚，你自己不会看吗?")]
    [InlineData("页面上写得很清楚,你 自己 不会看吗")]
    [InlineData("页面上写得很清楚，“你自己不会看吗”！")]
    [InlineData("頁面上寫得很清楚，你自己不會看嗎？")]
    public void ForbiddenPhrase_IsFound_WhateverTheWidthSpacingPunctuationOrScript(string text)
    {
        var finding = Assert.Single(Check.CheckWrittenReply(text).Findings);

        Assert.Equal("forbidden-cant-you-read", finding.RuleId);
    }

    [Fact]
    public void FullWidthLettersInAPattern_MatchHalfWidthText()
    {
        var check = new TranscriptCheck([Forbidden("app", "去ＡＰＰ自己查")]);

        Assert.Single(check.CheckWrittenReply("你去 App 自己查。").Findings);
    }

    // ---- The "……" gap --------------------------------------------------------------------------------------------

    [Fact]
    public void TrailingGap_MatchesTheRestOfTheSentence_AndReplacesOnlyTheFixedWords()
    {
        var report = Check.CheckWrittenReply("你应该先看说明书。然后再打电话。");

        var finding = Assert.Single(report.Findings);
        Assert.Equal("avoid-you-should", finding.RuleId);
        Assert.Equal(FindingKind.Avoid, finding.Kind);
        Assert.Equal("你应该先看说明书", finding.Quote);
        Assert.Equal(new TextSpan(0, 3), finding.ReplaceSpan);
        Assert.Equal("建议您先看说明书。然后再打电话。", TranscriptCheck.ApplyReplacement("你应该先看说明书。然后再打电话。", finding));
    }

    [Theory]
    [InlineData("您的意思是您10月5日买的商品还没收到，对吗")]
    [InlineData("您的意思是，您10月5日购买的XX商品，至今未收到货，对吗？")]
    [InlineData("您的意思是对吗")]
    public void MiddleGap_MatchesWithinTheSentence(string text)
    {
        var check = new TranscriptCheck([Forbidden("confirm", "您的意思是……，对吗")]);

        var finding = Assert.Single(check.CheckWrittenReply(text).Findings);
        Assert.StartsWith("您的意思是", finding.Quote, StringComparison.Ordinal);
        Assert.EndsWith("对吗", finding.Quote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("您的意思是这样。那么对吗")]
    [InlineData("您的意思是这样？对吗")]
    [InlineData("您的意思是这样\n对吗")]
    public void Gap_DoesNotCrossASentenceEnd(string text)
    {
        var check = new TranscriptCheck([Forbidden("confirm", "您的意思是……对吗")]);

        Assert.Empty(check.CheckWrittenReply(text).Findings);
    }

    [Fact]
    public void Gap_IsLimitedToMaxGapCharacters()
    {
        var check = new TranscriptCheck([Forbidden("confirm", "您的意思是……对吗") with { MaxGap = 5 }]);

        Assert.Single(check.CheckWrittenReply("您的意思是一二三四五对吗").Findings);
        Assert.Empty(check.CheckWrittenReply("您的意思是一二三四五六对吗").Findings);
    }

    [Theory]
    [InlineData("您的意思是...对吗")]
    [InlineData("您的意思是…对吗")]
    [InlineData("您的意思是⋯⋯对吗")]
    [InlineData("您的意思是。。。对吗")]
    public void GapTokens_AllMeanTheSameGap(string pattern)
    {
        var check = new TranscriptCheck([Forbidden("confirm", pattern)]);

        Assert.Single(check.CheckWrittenReply("您的意思是想退货，对吗？").Findings);
    }

    [Fact]
    public void SeveralGaps_BacktrackToALaterOccurrence()
    {
        // With gaps of one character, 丙 is too far from the first 乙 but not from the second.
        var check = new TranscriptCheck([Forbidden("abc", "甲……乙……丙") with { MaxGap = 1 }]);

        var finding = Assert.Single(check.CheckWrittenReply("甲乙乙一丙").Findings);
        Assert.Equal("甲乙乙一丙", finding.Quote);
        Assert.Empty(check.CheckWrittenReply("甲一乙。丙").Findings);
    }

    // ---- Calls: required scripts, placement, sides ------------------------------------------------------------------

    [Fact]
    public void CleanCall_Passes_WithEveryRequiredScriptInPlace()
    {
        var report = Check.Check(CleanCall());

        Assert.DoesNotContain(report.Findings, f => f.Kind != FindingKind.Positive);
        Assert.False(report.AutoFail);
        Assert.Equal(4, report.RequiredScripts.Count);
        Assert.All(report.RequiredScripts, r => Assert.Equal(RequiredScriptStatus.Present, r.Status));
        var greeting = Assert.Single(report.RequiredScripts, r => r.RuleId == "greeting");
        Assert.Equal(0, greeting.Segment);
        Assert.Equal("您好，这里是XX客服中心，我是", greeting.Quote);
        // The plan (给您回电) comes after the confirmation; nothing in the call is a sensitive action.
        Assert.Equal(8, report.RequiredScripts.Single(r => r.RuleId == "need-confirmation").AnchorSegment);
        Assert.Null(report.RequiredScripts.Single(r => r.RuleId == "identity-verification").AnchorSegment);
        Assert.Equal(1, report.PositiveCount(ScriptCategories.Empathy));
        Assert.Equal(1, report.PositiveCount(ScriptCategories.Apology));
        Assert.Equal(1, report.PositiveCount(ScriptCategories.ActionCommitment));
    }

    [Fact]
    public void Report_ListsTheVersionOfEveryRuleItUsed()
    {
        var rules = DefaultScriptRules.All.Select(r => r.Id == "forbidden-dont-know" ? r with { Version = 3 } : r).ToList();
        var check = new TranscriptCheck(rules);

        var report = check.Check([Agent(0, "我不知道。")]);

        Assert.Equal(rules.Count, report.RulesUsed.Count);
        Assert.Contains(new RuleVersion("forbidden-dont-know", 3), report.RulesUsed);
        Assert.Contains(DefaultScriptRules.All.Single(r => r.Id == "greeting").IdAndVersion, report.RulesUsed);
        Assert.Equal(3, Assert.Single(report.Findings, f => f.Kind == FindingKind.Forbidden).RuleVersion);
    }

    [Fact]
    public void MissingGreeting_IsReportedAsMissing_WithTheModelScript()
    {
        var call = CleanCall();
        call[0] = Agent(0, "喂，请问有什么事？");

        var report = Check.Check(call);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.RequiredMissing);
        Assert.Equal("greeting", finding.RuleId);
        Assert.Null(finding.Segment);
        Assert.Null(finding.Quote);
        Assert.StartsWith("您好，这里是", finding.Replacement, StringComparison.Ordinal);
        Assert.Equal(RequiredScriptStatus.Missing, report.RequiredScripts.Single(r => r.RuleId == "greeting").Status);
    }

    [Fact]
    public void GreetingLateInTheCall_IsMisplaced()
    {
        var call = CleanCall();
        call[0] = Agent(0, "喂？");
        call.Insert(6, Agent(23, "您好，这里是XX客服中心，我是客服小张。"));

        var report = Check.Check(call);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.RequiredMisplaced);
        Assert.Equal("greeting", finding.RuleId);
        Assert.Equal(6, finding.Segment);
        Assert.Equal(23, finding.OffsetSeconds);
    }

    [Fact]
    public void ClosingSaidOnlyAtTheStart_IsMisplaced()
    {
        var call = CleanCall();
        call[10] = Agent(40, "好的，那就这样。");
        call[12] = Agent(48, "嗯，挂了。");
        call.Insert(1, Agent(2, "感谢您的来电。"));

        var report = Check.Check(call);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.RequiredMisplaced);
        Assert.Equal("closing", finding.RuleId);
        Assert.Equal(1, finding.Segment);
        Assert.Equal("感谢您的来电", finding.Quote);
        Assert.Equal(RequiredScriptStatus.Misplaced, report.RequiredScripts.Single(r => r.RuleId == "closing").Status);
    }

    [Fact]
    public void ClosingAnywhereInTheLastSegments_IsInPlace_EvenIfAlsoSaidEarlier()
    {
        var call = CleanCall();
        call.Insert(1, Agent(2, "祝您生活愉快。"));

        var report = Check.Check(call);

        var closing = report.RequiredScripts.Single(r => r.RuleId == "closing");
        Assert.Equal(RequiredScriptStatus.Present, closing.Status);
        Assert.Equal(11, closing.Segment);
    }

    [Fact]
    public void VerificationAfterTheSensitiveAction_IsMisplaced()
    {
        List<SegmentToCheck> call =
        [
            Agent(0, "您好，这里是XX客服中心，我是客服小张。"),
            Customer(3, "我想退货。"),
            Agent(6, "您的意思是想退货，对吗？"),
            Agent(9, "好的，我已经帮您提交了退货申请。"),
            Agent(12, "请问您的注册手机号是多少？"),
            Agent(15, "请问还有什么可以帮您的吗？"),
        ];

        var report = Check.Check(call);

        var verification = report.RequiredScripts.Single(r => r.RuleId == "identity-verification");
        Assert.Equal(RequiredScriptStatus.Misplaced, verification.Status);
        Assert.Equal(3, verification.AnchorSegment);
        Assert.Equal(4, verification.Segment);
    }

    [Fact]
    public void NoSensitiveAction_NeedsNoVerification()
    {
        List<SegmentToCheck> call =
        [
            Agent(0, "您好，这里是XX客服中心，我是客服小张。"),
            Customer(3, "积分怎么用？"),
            Agent(6, "您的意思是想了解积分的用法，对吗？"),
            Agent(9, "积分可以在下单时直接抵扣。请问还有什么可以帮您的吗？"),
        ];

        var report = Check.Check(call);

        Assert.Equal(RequiredScriptStatus.NotApplicable, report.RequiredScripts.Single(r => r.RuleId == "identity-verification").Status);
        Assert.DoesNotContain(report.Findings, f => f.Kind is FindingKind.RequiredMissing or FindingKind.RequiredMisplaced);
    }

    [Fact]
    public void NeedConfirmationAfterThePlan_IsMisplaced()
    {
        var call = CleanCall();
        call.Insert(6, Agent(22, "我帮您申请补发，明天就能发出。"));

        var report = Check.Check(call);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.RequiredMisplaced);
        Assert.Equal("need-confirmation", finding.RuleId);
        Assert.Equal(7, finding.Segment);
    }

    [Fact]
    public void ForbiddenPhrase_IsReportedWithSegmentOffsetQuoteAndReplacement()
    {
        var call = CleanCall();
        call.Insert(9, Agent(33.5, "我不知道，这个你得自己去问快递公司。"));

        var report = Check.Check(call);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.Forbidden);
        Assert.Equal("forbidden-dont-know", finding.RuleId);
        Assert.Equal(DefaultScriptRules.All.Single(r => r.Id == finding.RuleId).Version, finding.RuleVersion);
        Assert.Equal(9, finding.Segment);
        Assert.Equal(33.5, finding.OffsetSeconds);
        Assert.Equal("我不知道", finding.Quote);
        Assert.Equal(new TextSpan(0, 4), finding.QuoteSpan);
        Assert.Equal("这个问题我需要核实一下", finding.Replacement);
        Assert.False(finding.Critical);
        Assert.False(report.AutoFail);
    }

    [Fact]
    public void PoliteWhetherQuestion_IsNotTheForbiddenIDontKnow()
    {
        Assert.Empty(Check.CheckWrittenReply("我不知道您是否方便明天上午接电话？").Findings);
        Assert.Single(Check.CheckWrittenReply("这个我不知道。").Findings);
    }

    [Fact]
    public void CustomerSpeech_DoesNotTriggerAgentRules()
    {
        var call = CleanCall();
        call[1] = Customer(4, "我不知道！你应该早点发货，这不是我的问题，随便你们怎么处理，请问您的身份证号是多少？");

        var report = Check.Check(call);

        Assert.DoesNotContain(report.Findings, f => f.Segment == 1);
        Assert.False(report.AutoFail);
    }

    [Fact]
    public void CustomerSideRule_LooksOnlyAtTheCustomer()
    {
        var rule = Forbidden("customer-threat", "我要投诉") with { Kind = ScriptRuleKind.PositivePhrase, Category = "escalation", Side = ScriptSide.Customer, Replacement = null };
        var check = new TranscriptCheck([rule]);

        var report = check.Check([Agent(0, "您是说“我要投诉”，对吗？"), Customer(3, "我要投诉！")]);

        Assert.Equal(1, Assert.Single(report.Findings).Segment);
        Assert.Equal(1, report.PositiveCount("escalation"));
    }

    [Theory]
    [InlineData("为了核实身份，请问您的身份证号码是多少？")]
    [InlineData("麻烦您报一下银行卡号。")]
    [InlineData("請問您的銀行卡密碼是多少？")]
    [InlineData("请提供您的支付密码")]
    public void AskingForIdNumberBankCardOrPassword_IsCritical_AndFailsTheEvaluation(string line)
    {
        var call = CleanCall();
        call[3] = Agent(12, line);

        var report = Check.Check(call);

        var finding = Assert.Single(report.Findings, f => f.Critical);
        Assert.Equal("forbidden-sensitive-identity", finding.RuleId);
        Assert.Equal(ScriptCategories.Privacy, finding.Category);
        Assert.True(report.AutoFail);
    }

    [Theory]
    [InlineData("您不需要提供身份证号，也不要告诉任何人您的密码。")]
    [InlineData("如需修改密码，请通过APP的账户安全页面操作。")]
    [InlineData("请问您的会员卡号是多少？")]
    [InlineData("请问您绑定的银行卡尾号是多少？")]
    public void MentioningSensitiveDataWithoutAskingForIt_IsNotCritical(string line)
    {
        var report = Check.CheckWrittenReply(line);

        Assert.False(report.AutoFail);
        Assert.DoesNotContain(report.Findings, f => f.Critical);
    }

    [Fact]
    public void PositivePhrases_CountOncePerRulePerSegment()
    {
        var report = Check.CheckWrittenReply("非常抱歉给您带来了不便，我们深表歉意。");

        Assert.Equal(1, report.PositiveCount(ScriptCategories.Apology));
        Assert.Single(report.Findings);
    }

    [Fact]
    public void TwoPatternsOfOneRuleOnTheSameWords_GiveOneFinding()
    {
        var check = new TranscriptCheck([Forbidden("not-mine", "这不是我的问题", "不是我的问题", "我的问题")]);

        var finding = Assert.Single(check.CheckWrittenReply("这不是我的问题。").Findings);
        Assert.Equal("这不是我的问题", finding.Quote);
    }

    [Fact]
    public void SamePhraseTwice_GivesTwoFindings()
    {
        var findings = Check.CheckWrittenReply("我不知道。真的我不知道。").Findings;

        Assert.Equal([0, 7], findings.Select(f => f.QuoteSpan!.Value.Start));
    }

    // ---- Written replies ------------------------------------------------------------------------------------------

    [Fact]
    public void WrittenReply_IsOneAgentSegmentWithoutTimes_AndSkipsCallOnlyScripts()
    {
        var report = Check.CheckWrittenReply("这不是我的问题。");

        Assert.Empty(report.RequiredScripts);
        Assert.DoesNotContain(report.RulesUsed, r => r.Id == "greeting");
        var finding = Assert.Single(report.Findings);
        Assert.Equal(0, finding.Segment);
        Assert.Null(finding.OffsetSeconds);
    }

    [Fact]
    public void ApplyReplacements_ReplacesEveryForbiddenAndAvoidPhraseInAWrittenReply()
    {
        const string reply = "您好，这不是我的问题，你应该先看说明书。隨便你。";

        var rewrite = Check.ApplyReplacements(reply);

        Assert.Equal("您好，我会帮您转接到相关部门，建议您先看说明书。我给您介绍几种可以选择的方案，您看哪种更合适？。", rewrite.Text);
        Assert.Equal(["forbidden-not-my-problem", "avoid-you-should", "forbidden-whatever"], rewrite.Replaced.Select(f => f.RuleId));
        Assert.DoesNotContain(Check.CheckWrittenReply(rewrite.Text).Findings, f => f.Kind is FindingKind.Forbidden or FindingKind.Avoid);
    }

    [Fact]
    public void ApplyReplacements_InATraditionalReply_WritesTheReplacementsInTraditional()
    {
        var rewrite = Check.ApplyReplacements("您好，我不知道，這不是我的問題。");

        // ICU's Hans-Hant goes character by character, so 核实 comes out as 覈實 (a phrase-aware converter would say 核實).
        Assert.Equal("您好，这个问题我需要核实一下，我会帮您转接到相关部门。", ChineseText.ToSimplified(rewrite.Text));
        Assert.EndsWith("我會幫您轉接到相關部門。", rewrite.Text, StringComparison.Ordinal);
        var finding = Assert.Single(Check.CheckWrittenReply("這不是我的問題").Findings);
        Assert.Equal("我會幫您轉接到相關部門", TranscriptCheck.ApplyReplacement("這不是我的問題", finding));
    }

    [Fact]
    public void ApplyReplacement_ReplacesOnlyTheChosenFinding()
    {
        const string reply = "我不知道，这不是我的问题。";
        var findings = Check.CheckWrittenReply(reply).Findings;

        var text = TranscriptCheck.ApplyReplacement(reply, findings.Single(f => f.RuleId == "forbidden-not-my-problem"));

        Assert.Equal("我不知道，我会帮您转接到相关部门。", text);
    }

    [Fact]
    public void ApplyReplacements_LeavesCriticalFindingsToTheAgent()
    {
        const string reply = "请问您的身份证号码是多少？随便你。";

        var rewrite = Check.ApplyReplacements(reply);

        Assert.Equal("请问您的身份证号码是多少？我给您介绍几种可以选择的方案，您看哪种更合适？。", rewrite.Text);
        var critical = Assert.Single(Check.CheckWrittenReply(reply).Findings, f => f.Critical);
        Assert.NotNull(critical.Replacement);
        Assert.Equal(reply, TranscriptCheck.ApplyReplacement(reply, critical));
    }

    [Fact]
    public void ApplyReplacements_OnACleanReply_ChangesNothing()
    {
        const string reply = "您好，您的退款已到账，请问还有什么问题吗？";

        var rewrite = Check.ApplyReplacements(reply);

        Assert.Equal(reply, rewrite.Text);
        Assert.Empty(rewrite.Replaced);
    }

    // ---- Rules as data ----------------------------------------------------------------------------------------------

    [Fact]
    public void Constructor_RefusesInvalidRules_NamingEachProblem()
    {
        ScriptRule[] rules =
        [
            Forbidden("dup", "甲"),
            Forbidden("dup", "乙"),
            Forbidden("empty", "……，。"),
            new() { Id = "anchorless", Kind = ScriptRuleKind.RequiredScript, Category = "x", Patterns = ["甲"], Placement = ScriptPlacement.BeforePlan },
            Forbidden("placed", "甲") with { Placement = ScriptPlacement.Opening },
        ];

        var error = Assert.Throws<ArgumentException>(() => new TranscriptCheck(rules));

        Assert.Contains("'dup' appears twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("'empty'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'anchorless'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'placed': only required scripts", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, ScriptRule.Validate(rules).Count);
        Assert.Empty(ScriptRule.Validate(DefaultScriptRules.All));
    }
}
