using Kefu.Web.Features.Quality;

namespace Kefu.UnitTests.Quality;

public sealed class ChineseTextTests
{
    [Fact]
    public void TraditionalConversion_OnThisMachine_UsesTheRealIcuHantHansTransform()
    {
        Assert.True(ChineseText.TraditionalConversionAvailable, ChineseText.TraditionalConversionProblem);
        Assert.Null(ChineseText.TraditionalConversionProblem);
        Assert.Contains("libicui18n", ChineseText.TraditionalConversionSource, StringComparison.Ordinal);
        Assert.Contains("Hant-Hans", ChineseText.TraditionalConversionSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("請問還有什麼可以幫您的嗎？", "请问还有什么可以帮您的吗?")]
    [InlineData("感謝您的理解與支持，祝您生活愉快。", "感谢您的理解与支持,祝您生活愉快.")]
    [InlineData("這不是我的問題", "这不是我的问题")]
    [InlineData("您好，這裡是XX客服中心，我是客服小張", "您好,这里是XX客服中心,我是客服小张")]
    [InlineData("為了保障您的信息安全，請問您的註冊手機號是多少？", "为了保障您的信息安全,请问您的注册手机号是多少?")]
    public void Normalize_TraditionalText_EqualsItsSimplifiedForm(string traditional, string simplified)
    {
        Assert.Equal(ChineseText.Normalize(simplified).Value, ChineseText.Normalize(traditional).Value);
    }

    [Fact]
    public void ToSimplified_ConvertsCharacterForCharacter_AndKeepsTheLength()
    {
        const string traditional = "客戶服務中心話務流程手冊：禁用話術";

        var simplified = ChineseText.ToSimplified(traditional);

        Assert.Equal("客户服务中心话务流程手册：禁用话术", simplified);
        Assert.Equal(traditional.Length, simplified.Length);
    }

    [Fact]
    public void ToSimplified_RunsIcuOnTheWholeText_SoItsContextRulesApply()
    {
        // Hant-Hans alone turns 著 into 着 and keeps 甚; in context it keeps 著名 and writes 甚麼 as 什么.
        Assert.Equal("着急、著名、什么", ChineseText.ToSimplified("著急、著名、甚麼"));
        Assert.Equal(ChineseText.Normalize("还有什么可以帮您").Value, ChineseText.Normalize("還有甚麼可以幫您").Value);
    }

    [Fact]
    public void Normalize_OfTraditionalText_IsSafeFromManyThreadsAtOnce()
    {
        const string traditional = "請問還有甚麼可以幫您的嗎？感謝您的理解與支持，祝您生活愉快。";
        var expected = ChineseText.Normalize(traditional).Value;
        var results = new string[400];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = ChineseText.Normalize(traditional).Value);

        Assert.All(results, r => Assert.Equal(expected, r));
        Assert.Equal("请问还有什么可以帮您的吗。感谢您的理解与支持祝您生活愉快。", expected);
    }

    [Fact]
    public void ToSimplified_OfSimplifiedText_IsTheSameString()
    {
        const string simplified = "您好，这里是XX客服中心，我是客服小张，请问有什么可以帮您的？";

        Assert.Same(simplified, ChineseText.ToSimplified(simplified)); // no Traditional character: ICU is not even asked
        Assert.Equal("著名的专家", ChineseText.ToSimplified("著名的专家")); // 著 alone would be 着: ICU is asked, keeps it
        Assert.False(ChineseText.IsMainlyTraditional(simplified));
        Assert.True(ChineseText.IsMainlyTraditional("您好，這裡是XX客服中心"));
    }

    [Fact]
    public void Normalize_FullWidthLettersDigitsAndSpaces_BecomeCompactHalfWidth()
    {
        Assert.Equal("app我的订单123", ChineseText.Normalize("ＡＰＰ　我的 订单 １２３").Value);
        Assert.Equal(ChineseText.Normalize("你自己不会看吗?").Value, ChineseText.Normalize("你 自己 不会 看吗？").Value);
    }

    [Theory]
    [InlineData("您好，这里是“XX”客服中心：", "您好,这里是\"XX\"客服中心:")]
    [InlineData("您好、这里是「XX」客服中心", "您好 这里是 (XX) 客服中心")]
    [InlineData("好的……我知道了", "好的...我知道了")]
    [InlineData("好的…我知道了", "好的 我知道了")]
    public void Normalize_InSentencePunctuationAndEllipses_AreIgnored(string a, string b)
    {
        Assert.Equal(ChineseText.Normalize(a).Value, ChineseText.Normalize(b).Value);
    }

    [Fact]
    public void Normalize_SentenceEnds_BecomeOneMarkEach()
    {
        var value = ChineseText.Normalize("对吗？！好的。行!可以;嗯\n再见.").Value;

        Assert.Equal("对吗。好的。行。可以。嗯。再见。", value);
    }

    [Fact]
    public void Normalize_DecimalPoint_StaysAndIsNoSentenceEnd()
    {
        Assert.Equal("退款3.5元已到账", ChineseText.Normalize("退款 3.5 元，已到账").Value);
        Assert.Equal("退款3.5元", ChineseText.Normalize("退款３．５元").Value);
    }

    [Fact]
    public void Normalize_KangxiRadicalsFromPdfText_BecomeUnifiedIdeographs()
    {
        Assert.Equal("客服中心", ChineseText.Normalize("客服中\u2F3C").Value);
    }

    [Fact]
    public void ToOriginal_OfANormalizedStretch_QuotesTheOriginalTraditionalText()
    {
        var normalized = ChineseText.Normalize("您好！請問 還有什麼，可以幫您的嗎？");
        var start = normalized.Value.IndexOf("还有什么可以帮您", StringComparison.Ordinal);

        var quote = normalized.Quote(start, start + "还有什么可以帮您".Length);

        Assert.Equal("還有什麼，可以幫您", quote);
        Assert.Equal(new TextSpan(6, 9), normalized.ToOriginal(start, start + "还有什么可以帮您".Length));
    }

    [Fact]
    public void ToOriginal_OfAnExpandedCharacter_PointsAtThatCharacter()
    {
        var normalized = ChineseText.Normalize("重量㎏计");

        Assert.Equal("重量kg计", normalized.Value);
        Assert.Equal("㎏", normalized.Quote(2, 3));
        Assert.Equal("㎏", normalized.Quote(2, 4));
    }

    [Fact]
    public void Normalize_CharactersOutsideTheBasicPlane_PassUnchanged()
    {
        var normalized = ChineseText.Normalize("好的😀𠀀");

        Assert.Equal("好的😀𠀀", normalized.Value);
        Assert.Equal("😀", normalized.Quote(2, 4));
    }
}
