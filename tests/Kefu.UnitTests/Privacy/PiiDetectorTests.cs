using System.Text;
using Kefu.Web.Features.Privacy;

namespace Kefu.UnitTests.Privacy;

public sealed class PiiDetectorTests
{
    // Luhn-valid cards made by the helper below, written out so that tests and failure messages show the number.
    private const string Card13 = "6222021234566";
    private const string Card16 = "6222021234567894";
    private const string Card19 = "6222021234567890128";

    // ---- National ID, 18-digit form ------------------------------------------------------------------------

    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("11010519491231002x")]
    [InlineData("110101199003074258")]
    [InlineData("310104198512041237")]
    [InlineData("440305200001010013")]
    public void Find_KnownValidEighteenDigitId_IsNationalId(string id)
    {
        var match = Assert.Single(PiiDetector.Find(id));

        Assert.Equal(new PiiMatch(PiiKind.NationalId, 0, id.Length), match);
    }

    [Theory]
    [InlineData("32010219850612123")]
    [InlineData("51010420000229456")] // 29 February in a leap year
    [InlineData("44030519991231001")]
    [InlineData("65010121001231999")] // year 2100, the last one allowed
    public void Find_GeneratedEighteenDigitIdWithCorrectCheckChar_IsNationalId(string first17)
    {
        var id = WithIdCheckChar(first17);

        var match = Assert.Single(PiiDetector.Find(id));

        Assert.Equal(PiiKind.NationalId, match.Kind);
    }

    [Theory]
    [InlineData("110101199003074259")]
    [InlineData("110101199003074257")]
    [InlineData("11010519491231002Y")]
    [InlineData("110105194912310021")]
    public void Find_EighteenDigitIdWithWrongCheckChar_IsNotNationalId(string text)
    {
        Assert.DoesNotContain(PiiDetector.Find(text), m => m.Kind == PiiKind.NationalId);
    }

    [Fact]
    public void Find_EighteenDigitsWithWrongIdChecksumButValidLuhn_IsBankCard()
    {
        const string number = "110101199003074254";
        Assert.NotEqual(number, WithIdCheckChar(number[..17]));
        Assert.True(PassesLuhn(number));

        var match = Assert.Single(PiiDetector.Find(number));

        Assert.Equal(PiiKind.BankCard, match.Kind);
    }

    [Theory]
    [InlineData("11010119900230425")] // 30 February
    [InlineData("11010119901301001")] // month 13
    [InlineData("11010118991231001")] // before 1900
    [InlineData("11010121010101001")] // after 2100
    [InlineData("44052418800101001")] // 1880: a real old date, but out of range
    [InlineData("01010119900307425")] // first digit 0
    public void Find_EighteenDigitIdWithImpossibleBirthDateOrLeadingZero_IsNotNationalId(string first17)
    {
        var text = WithIdCheckChar(first17);

        Assert.DoesNotContain(PiiDetector.Find(text), m => m.Kind == PiiKind.NationalId);
    }

    // ---- National ID, old 15-digit form ---------------------------------------------------------------------

    [Theory]
    [InlineData("110101900307425")]
    [InlineData("320102851231123")]
    [InlineData("510104000228456")] // 28 February 1900
    public void Find_FifteenDigitOldIdWithRealDate_IsNationalId(string id)
    {
        var match = Assert.Single(PiiDetector.Find(id));

        Assert.Equal(new PiiMatch(PiiKind.NationalId, 0, 15), match);
    }

    [Fact]
    public void Find_FifteenDigitOldIdThatAlsoPassesLuhn_IsNationalId()
    {
        const string id = "110101900307425";
        Assert.True(PassesLuhn(id));

        var match = Assert.Single(PiiDetector.Find(id));

        Assert.Equal(PiiKind.NationalId, match.Kind);
    }

    [Theory]
    [InlineData("110101901307425")] // month 13
    [InlineData("110101900230425")] // 30 February
    [InlineData("440305000229001")] // 29 February 1900 (not a leap year)
    [InlineData("010101900307425")] // first digit 0
    public void Find_FifteenDigitsWithoutValidOldIdShape_IsNotNationalId(string text)
    {
        Assert.DoesNotContain(PiiDetector.Find(text), m => m.Kind == PiiKind.NationalId);
    }

    // ---- Bank cards -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("622202123456")]
    [InlineData("622202123456789")]
    [InlineData("622202123456789012")]
    [InlineData("411111111111111")]
    [InlineData("356600202036050")]
    public void Find_LuhnValidCardOf13To19Digits_IsBankCard(string payload)
    {
        var card = WithLuhnDigit(payload);

        var match = Assert.Single(PiiDetector.Find(card));

        Assert.Equal(new PiiMatch(PiiKind.BankCard, 0, card.Length), match);
    }

    [Theory]
    [InlineData("6222021234567890")]
    [InlineData("6222021234567890123")]
    [InlineData("4111111111111112")]
    [InlineData("1234567890123")]
    public void Find_LuhnInvalidNumber_IsNotFlagged(string number)
    {
        Assert.False(PassesLuhn(number));

        Assert.Empty(PiiDetector.Find(number));
    }

    [Theory]
    [InlineData("6222 0212 3456 7894")]
    [InlineData("6222-0212-3456-7894")]
    [InlineData("6222\u30000212\u30003456\u30007894")]
    [InlineData("6222\uFF0D0212\uFF0D3456\uFF0D7894")]
    [InlineData("6222\u20130212\u20133456\u20137894")]
    [InlineData("6222 0212-3456 7894")]
    public void Find_CardWithSingleSeparators_CoversWholeNumber(string card)
    {
        var match = Assert.Single(PiiDetector.Find(card));

        Assert.Equal(new PiiMatch(PiiKind.BankCard, 0, card.Length), match);
    }

    [Fact]
    public void Find_CardFollowedByUnrelatedGroup_FindsCardWithoutTheGroup()
    {
        const string text = "卡号 6222 0212 3456 7894 123 谢谢";
        Assert.False(PassesLuhn(Card16 + "123"));

        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(PiiKind.BankCard, match.Kind);
        Assert.Equal("6222 0212 3456 7894", text.Substring(match.Start, match.Length));
    }

    [Fact]
    public void Find_CardPrecededByShortCount_FindsCardWithoutTheCount()
    {
        const string text = "第 2 张卡 6 6222 0212 3456 7894";

        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal("6222 0212 3456 7894", text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("6222  0212  3456  7894")] // two spaces
    [InlineData("6222.0212.3456.7894")]
    [InlineData("6222/0212/3456/7894")]
    [InlineData("6222_0212_3456_7894")]
    public void Find_GroupsSplitByAnythingButOneSeparator_AreNotJoined(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
    }

    [Theory]
    [InlineData(Card16 + "1234")] // a valid card followed by more digits, 20 in all
    [InlineData("订单号12345678901234567890")]
    [InlineData("1" + Card19)]
    public void Find_UnseparatedRunLongerThanAnyNumber_IsNotSearchedInside(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
    }

    [Theory]
    [InlineData("0000000000000")]
    [InlineData("6666666666666")]
    [InlineData("8888888888888888")]
    [InlineData("0000000000000000000")]
    public void Find_RunOfOneRepeatedDigitPassingLuhn_IsNotBankCard(string number)
    {
        Assert.True(PassesLuhn(number));

        Assert.Empty(PiiDetector.Find(number));
    }

    [Theory]
    [InlineData("062220212345678")]
    [InlineData("000000123456789")]
    public void Find_LuhnValidNumberWithLeadingZero_IsNotBankCard(string payload)
    {
        var number = WithLuhnDigit(payload);

        Assert.Empty(PiiDetector.Find(number));
    }

    // ---- Full-width digits and Chinese text ----------------------------------------------------------------

    [Fact]
    public void Find_FullWidthCardAfterChineseLabel_IsBankCardAtOriginalIndexes()
    {
        var text = "卡号" + ToFullWidth(Card19);

        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(new PiiMatch(PiiKind.BankCard, 2, 19), match);
    }

    [Fact]
    public void Find_FullWidthIdWithFullWidthCheckChar_IsNationalId()
    {
        var text = "身份证" + ToFullWidth("11010519491231002") + "Ｘ。";

        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(new PiiMatch(PiiKind.NationalId, 3, 18), match);
    }

    [Fact]
    public void Find_IdEmbeddedInChineseSentence_ReturnsOriginalStartAndLength()
    {
        const string text = "我的身份证号是110101199003074258，请核实";

        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(new PiiMatch(PiiKind.NationalId, 7, 18), match);
    }

    [Fact]
    public void Find_SeveralKinds_AreOrderedByStartAndIndexTheOriginal()
    {
        const string text = "密码：abc123，卡号 6222 0212 3456 7894，身份证 11010519491231002X";

        var matches = PiiDetector.Find(text);

        Assert.Equal([PiiKind.Password, PiiKind.BankCard, PiiKind.NationalId], matches.Select(m => m.Kind));
        Assert.Equal(["abc123", "6222 0212 3456 7894", "11010519491231002X"], matches.Select(m => text.Substring(m.Start, m.Length)));
    }

    [Fact]
    public void Find_IdFollowedByLetters_IsNotAnIdWithCheckChar()
    {
        Assert.Empty(PiiDetector.Find("11010519491231002Xyz"));
    }

    // ---- Phones, dates, amounts, order numbers -----------------------------------------------------------------

    [Theory]
    [InlineData("861381234567")]
    [InlineData("861591234567")]
    [InlineData("861991234567")]
    public void Find_PhoneWithCountryCodePassingLuhn_IsNotBankCard(string payload)
    {
        var phone = WithLuhnDigit(payload);

        Assert.Empty(PiiDetector.Find("电话 +" + phone));
    }

    [Theory]
    [InlineData("8613812345678")]
    [InlineData("+86 138 1234 5678")]
    [InlineData("+86-13812345678")]
    [InlineData("0086 138 1234 5678")]
    [InlineData("008613812345678")]
    [InlineData("0086-13812345678")]
    public void Find_ChinesePhoneWrittenWithCountryCode_IsNotFlagged(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
    }

    [Theory]
    [InlineData("13812345678")]
    [InlineData("联系电话：13812345678，谢谢")]
    [InlineData("138 1234 5678")]
    [InlineData("010-12345678")]
    [InlineData("0755-1234 5678")]
    [InlineData("400-123-4567")]
    [InlineData("2026-11-23")]
    [InlineData("下单时间 2026-11-23 12:30:45")]
    [InlineData("金额199.00元")]
    [InlineData("订单号 DD202611230001")]
    [InlineData("订单号：SO-20261123-0042")]
    public void Find_PhoneDateAmountOrShortOrderNumber_IsNotFlagged(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
    }

    [Theory]
    [InlineData("13812345678 2026")]
    [InlineData("13812345678 20261123")]
    [InlineData("2026-11-23 12345678")]
    [InlineData("0755 1234 5678 9012")]
    public void Find_PhoneOrDateNextToOtherDigits_IsNotJoinedIntoACard(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
    }

    // ---- Passwords ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("我的密码是abc12345", "abc12345")]
    [InlineData("支付密码：123456，谢谢", "123456")]
    [InlineData("登录密码为 Abc@2024。", "Abc@2024")]
    [InlineData("口令=qwer1234", "qwer1234")]
    [InlineData("密码123456", "123456")]
    [InlineData("密码 abcdef", "abcdef")]
    [InlineData("新密码是“Pa55word”", "Pa55word")]
    [InlineData("密码：１２３４５６", "１２３４５６")]
    [InlineData("password: hunter22", "hunter22")]
    [InlineData("Password=S3cret!", "S3cret!")]
    [InlineData("passwd:letmein", "letmein")]
    [InlineData("my pwd is abc123", "abc123")]
    [InlineData("Your PASSCODE 778899 expires", "778899")]
    [InlineData("PIN 1234", "1234")]
    [InlineData("PIN码：8888", "8888")]
    public void Find_PasswordAfterKeyword_CoversOnlyTheValue(string text, string value)
    {
        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(PiiKind.Password, match.Kind);
        Assert.Equal(value, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("请不要告诉我您的密码。")]
    [InlineData("忘记密码了")]
    [InlineData("您记得密码吗")]
    [InlineData("密码错误3次，账户已锁定")]
    [InlineData("密码是多少？")]
    [InlineData("密码：")]
    [InlineData("请设置密码 8 位以上")]
    [InlineData("Please reset your password.")]
    [InlineData("Use the password reset link")]
    [InlineData("The PIN code is required")]
    [InlineData("shipping and spinning 12345678")]
    [InlineData("pwd=abc")]
    [InlineData("passwords 12345678")]
    [InlineData("密码：******")]
    public void Find_KeywordWithoutPasswordValue_IsNotFlagged(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(64, true)]
    [InlineData(200, true)] // no upper bound: see the note on idempotency in PiiDetector
    public void Find_PasswordValue_NeedsAtLeastFourCharacters(int length, bool flagged)
    {
        var text = "password: " + new string('a', length);

        Assert.Equal(flagged, PiiDetector.ContainsPii(text));
    }

    [Fact]
    public void Find_PasswordThatIsACardNumber_IsOnePasswordMatch()
    {
        const string text = "密码 6222 0212 3456 7894 谢谢";

        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(PiiKind.Password, match.Kind);
        Assert.Equal("6222 0212 3456 7894", text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("PIN123–110101900307425", "123–110101900307425")] // en dash ends values but not numbers
    [InlineData("密码 110101\u300019900307\u30004258", "110101\u300019900307\u30004258")]
    public void Find_PasswordValueCutInsideANumber_RunsOnToTheNumberEnd(string text, string value)
    {
        var match = Assert.Single(PiiDetector.Find(text));

        Assert.Equal(PiiKind.Password, match.Kind);
        Assert.Equal(value, text.Substring(match.Start, match.Length));
    }

    // ---- Masking --------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Card16, "6222 **** **** 7894")]
    [InlineData("6222 0212 3456 7894", "6222 **** **** 7894")]
    [InlineData("6222-0212-3456-7894", "6222 **** **** 7894")]
    [InlineData(Card19, "6222 **** **** *** 0128")]
    [InlineData(Card13, "6222 **** * 4566")]
    [InlineData("110101199003074258", "110**************8")]
    [InlineData("11010519491231002x", "110**************X")]
    [InlineData("110101 19900307 4258", "110**************8")]
    [InlineData("110101900307425", "110***********5")]
    public void Mask_Number_HasExactShape(string text, string expected)
    {
        Assert.Equal(expected, PiiDetector.Mask(text));
    }

    [Fact]
    public void Mask_FullWidthNumbers_GiveAsciiMasks()
    {
        var text = "卡号" + ToFullWidth(Card19) + "，身份证" + ToFullWidth("11010519491231002") + "ｘ";

        Assert.Equal("卡号6222 **** **** *** 0128，身份证110**************X", PiiDetector.Mask(text));
    }

    [Theory]
    [InlineData("支付密码：123456，谢谢", "支付密码：******，谢谢")]
    [InlineData("密码是abcdefghijklmnop1", "密码是******")]
    [InlineData("password: hunter22 thanks", "password: ****** thanks")]
    [InlineData("新密码是“Pa55word”", "新密码是“******”")]
    [InlineData("密码 6222 0212 3456 7894 谢谢", "密码 ****** 谢谢")]
    public void Mask_Password_BecomesSixStarsWhateverItsLength(string text, string expected)
    {
        Assert.Equal(expected, PiiDetector.Mask(text));
    }

    [Fact]
    public void Mask_MixedText_MasksEveryMatchAndKeepsTheRestExactly()
    {
        const string text = "客户张三，身份证110101199003074258，卡号6222 0212 3456 7894；密码：abc123。电话13812345678，金额199.00。";

        Assert.Equal(
            "客户张三，身份证110**************8，卡号6222 **** **** 7894；密码：******。电话13812345678，金额199.00。",
            PiiDetector.Mask(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("您好，请问有什么可以帮您？")]
    [InlineData("电话 13812345678，订单 2026-11-23")]
    public void Mask_TextWithoutPii_IsReturnedUnchanged(string text)
    {
        Assert.Equal(text, PiiDetector.Mask(text));
    }

    [Theory]
    [InlineData("卡号 " + Card16)]
    [InlineData("卡号 " + Card19 + " 1234 5678 9012 3")]
    [InlineData("1234 5678 9012 " + Card16 + " 12")]
    [InlineData("12 110101199003074258 1234 5678 9012 3")]
    [InlineData("密码：abc123，卡号 6222 0212 3456 7894")]
    [InlineData("pwd=abc-6222-0212-3456-7894xyz 1234")]
    [InlineData("PIN123–110101900307425")]
    [InlineData("pin110\u300010119900307\u30004258")]
    [InlineData("password: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-6222-0212-3456-7894-zz")]
    public void Mask_AppliedTwice_EqualsAppliedOnce(string text)
    {
        var once = PiiDetector.Mask(text);

        Assert.NotEqual(text, once);
        Assert.Equal(once, PiiDetector.Mask(once));
        Assert.False(PiiDetector.ContainsPii(once));
    }

    [Fact]
    public void Mask_RandomTextBuiltFromTrickyPieces_IsIdempotentAndLeavesNoPii()
    {
        string[] pieces =
        [
            Card13, Card16, Card19, "110101199003074258", "11010519491231002X", "110101900307425", "8613812345678",
            "6222", "0212", "3456", "7894", "123", "12", "5", "X", "x", "Ｘ", "６２２２", " ", " ", " ", "  ", "-", "\u3000",
            "－", "–", "*", "****", " **** ", "密码", "口令", "是", "：", ":", "=", "pwd", "PIN", " is ", "abc", "谢谢", "，",
            "。", "\n", "“", "\"", "为", "＝", "\t", "PIN码", "+86", "0086", "110101–19900307–4258", "6222－0212－3456－7894",
        ];
        var random = new Random(20261123);
        var checkedCount = 0;
        for (var i = 0; i < 3000; i++)
        {
            var builder = new StringBuilder();
            for (var n = random.Next(1, 14); n > 0; n--)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = builder.ToString();
            var once = PiiDetector.Mask(text);
            Assert.True(once == PiiDetector.Mask(once), $"Mask is not idempotent for \"{text}\": \"{once}\" -> \"{PiiDetector.Mask(once)}\"");
            Assert.False(PiiDetector.ContainsPii(once), $"Masked text still holds PII: \"{text}\" -> \"{once}\"");
            AssertWellFormed(text, PiiDetector.Find(text));
            checkedCount += once == text ? 0 : 1;
        }

        // Guards the generator: most strings must have had something to mask, or the loop proves nothing.
        Assert.True(checkedCount > 1000, $"only {checkedCount} generated strings had PII");
    }

    // ---- Null, empty, rule names ---------------------------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NullOrEmptyInput_HasNoMatchesAndMasksToEmpty(string? text)
    {
        Assert.Empty(PiiDetector.Find(text));
        Assert.False(PiiDetector.ContainsPii(text));
        Assert.Equal(string.Empty, PiiDetector.Mask(text));
    }

    [Theory]
    [InlineData("身份证110101199003074258", true)]
    [InlineData("卡号" + Card16, true)]
    [InlineData("密码：abc123", true)]
    [InlineData("电话13812345678", false)]
    [InlineData("卡号6222 **** **** 7894", false)]
    public void ContainsPii_AgreesWithFind(string text, bool expected)
    {
        Assert.Equal(expected, PiiDetector.ContainsPii(text));
        Assert.Equal(expected, PiiDetector.Find(text).Count > 0);
    }

    [Theory]
    [InlineData(PiiKind.NationalId, "must not contain a national ID number (身份证号)")]
    [InlineData(PiiKind.BankCard, "must not contain a full bank-card number (银行卡号)")]
    [InlineData(PiiKind.Password, "must not contain a password (密码)")]
    public void RuleName_GivesTheRuleText(PiiKind kind, string expected)
    {
        Assert.Equal(expected, PiiDetector.RuleName(kind));
    }

    [Fact]
    public void RuleName_UndefinedKind_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PiiDetector.RuleName((PiiKind)42));
    }

    // ---- Helpers --------------------------------------------------------------------------------------------------

    private static void AssertWellFormed(string text, IReadOnlyList<PiiMatch> matches)
    {
        var previousEnd = 0;
        foreach (var match in matches)
        {
            Assert.True(match.Start >= previousEnd && match.Length > 0 && match.Start + match.Length <= text.Length, $"bad match {match} in \"{text}\"");
            previousEnd = match.Start + match.Length;
        }
    }

    // Appends the GB 11643 check character to the first 17 digits of an 18-digit ID.
    private static string WithIdCheckChar(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    private static string WithLuhnDigit(string payload) =>
        Enumerable.Range(0, 10).Select(d => payload + (char)('0' + d)).Single(PassesLuhn);

    private static bool PassesLuhn(string number)
    {
        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var digit = number[number.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (digit * 2 % 10) + (digit * 2 / 10) : digit;
        }

        return sum % 10 == 0;
    }

    private static string ToFullWidth(string ascii) =>
        string.Concat(ascii.Select(c => char.IsAsciiDigit(c) ? (char)(c - '0' + '\uFF10') : c));
}
