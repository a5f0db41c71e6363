using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Kefu.Web.Features.Privacy;

/// <summary>The kinds of personal data that agents must never ask for or store (seed rule).</summary>
public enum PiiKind
{
    /// <summary>A resident identity card number (身份证号), 18-digit or old 15-digit form.</summary>
    NationalId,

    /// <summary>A full bank-card number (银行卡号): 13 to 19 digits that pass the Luhn check.</summary>
    BankCard,

    /// <summary>A password, PIN or passcode written after a keyword such as 密码 or "password".</summary>
    Password,
}

/// <summary>One piece of personal data found by <see cref="PiiDetector.Find"/>.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Start">Index of the first character of the match in the original input string.</param>
/// <param name="Length">Number of characters of the original input the match covers, separators included.</param>
public sealed record PiiMatch(PiiKind Kind, int Start, int Length);

/// <summary>
/// Finds and masks national ID numbers, full bank-card numbers and passwords in text, so that structured fields
/// holding one can be refused and free text (notes, transcripts, e-mails) can be masked before it is stored.
/// </summary>
/// <remarks>
/// Every member is static, pure and thread-safe. Numbers are found by a hand-written scanner (linear, no regex
/// backtracking); only the password keywords use a regular expression.
/// </remarks>
public static partial class PiiDetector
{
    private const int MinNumberDigits = 13; // shortest bank card; IDs (15, 18) fall inside the card range
    private const int MaxNumberDigits = 19; // longest bank card
    private const int MinValueLength = 4;
    private const string PasswordMask = "******"; // fixed width, so the mask does not reveal the length
    private const string MaskedCardHead = " **** "; // what follows the first four digits of a masked card
    private const string IdCheckChars = "10X98765432";

    private static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>Finds every national ID number, full bank-card number and password value in <paramref name="text"/>.</summary>
    /// <param name="text">The text to scan; <see langword="null"/> is treated as empty.</param>
    /// <returns>
    /// Non-overlapping matches ordered by <see cref="PiiMatch.Start"/>, indexing into <paramref name="text"/>.
    /// A password match covers only the value; the keyword before it stays outside.
    /// </returns>
    public static IReadOnlyList<PiiMatch> Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var numbers = FindNumbers(text);
        var passwords = FindPasswords(text, numbers);
        return passwords.Count == 0 ? numbers : MergeOverlaps(text, numbers, passwords);
    }

    /// <summary>Tells whether <paramref name="text"/> holds any personal data that <see cref="Find"/> would report.</summary>
    /// <param name="text">The text to scan; <see langword="null"/> is treated as empty.</param>
    /// <returns><see langword="true"/> when at least one match is found.</returns>
    public static bool ContainsPii(string? text) => Find(text).Count > 0;

    /// <summary>
    /// Returns <paramref name="text"/> with every match masked in place and everything else unchanged:
    /// a card keeps its first and last four digits ("6222 **** **** 7890"), an ID its first three and last
    /// character ("110**************8"), and a password value becomes "******". Masking is idempotent.
    /// </summary>
    /// <param name="text">The text to mask; <see langword="null"/> gives an empty string.</param>
    /// <returns>The masked text.</returns>
    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var matches = Find(text);
        if (matches.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        var position = 0;
        foreach (var match in matches)
        {
            builder.Append(text, position, match.Start - position);
            AppendMasked(builder, text.AsSpan(match.Start, match.Length), match.Kind);
            position = match.Start + match.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>The short English rule text for error messages, e.g. "must not contain a password (密码)".</summary>
    /// <param name="kind">The kind of personal data the rule forbids.</param>
    /// <returns>The rule text, to follow a field name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="PiiKind"/>.</exception>
    public static string RuleName(PiiKind kind) => kind switch
    {
        PiiKind.NationalId => "must not contain a national ID number (身份证号)",
        PiiKind.BankCard => "must not contain a full bank-card number (银行卡号)",
        PiiKind.Password => "must not contain a password (密码)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of personal data."),
    };

    // ---- Numbers ---------------------------------------------------------------------------------------------

    // A maximal run of digits (plus an ID check character) in the original text, and where its normalised ASCII
    // characters start in the run's buffer. Excluded groups are what an earlier Mask left visible.
    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Group(int Start, int End, int Offset, int Count, bool Excluded);

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Candidate(int First, int Last, int Digits, PiiKind Kind);

    private static List<PiiMatch> FindNumbers(string text)
    {
        var matches = new List<PiiMatch>();
        var groups = new List<Group>();
        var digits = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            if (!TryGetDigit(text[position], out _))
            {
                position++;
                continue;
            }

            groups.Clear();
            digits.Clear();
            position = ReadRun(text, position, groups, digits);
            if (digits.Length >= MinNumberDigits)
            {
                SelectMatches(groups, digits.ToString(), matches);
            }
        }

        return matches;
    }

    // Reads groups separated by exactly one separator character; anything else (two separators, letters,
    // Chinese text, other punctuation) ends the run. Returns the index just past the run.
    private static int ReadRun(string text, int position, List<Group> groups, StringBuilder digits)
    {
        while (true)
        {
            var start = position;
            var offset = digits.Length;
            while (position < text.Length && TryGetDigit(text[position], out var digit))
            {
                digits.Append(digit);
                position++;
            }

            // "…002X" ends an ID, but "123Xyz" is a code, not an ID with a check character.
            var hasCheckChar = position < text.Length && IsCheckChar(text[position]) && !IsAlphanumeric(text, position + 1);
            if (hasCheckChar)
            {
                digits.Append('X');
                position++;
            }

            var count = digits.Length - offset;
            groups.Add(new Group(start, position, offset, count, IsMaskRemnant(text, start, position, count)));

            // A check character is always the last character of a number, so it also ends the run.
            if (hasCheckChar || position + 1 >= text.Length || !IsSeparator(text[position]) || !TryGetDigit(text[position + 1], out _))
            {
                return position;
            }

            position++;
        }
    }

    // Tries every sub-range of whole groups that could be a number, then keeps the longest valid ones first so
    // that "6222 0212 3456 7890 123" still yields the card when the trailing group is unrelated.
    private static void SelectMatches(List<Group> groups, string digits, List<PiiMatch> matches)
    {
        var candidates = new List<Candidate>();
        for (var first = 0; first < groups.Count; first++)
        {
            var count = 0;
            for (var last = first; last < groups.Count; last++)
            {
                // Excluded or unjoinable groups end every longer range too, so stop extending.
                if (groups[last].Excluded
                    || (last > first && (!IsJoinable(groups[last], digits) || !IsJoinable(groups[first], digits))))
                {
                    break;
                }

                count += groups[last].Count;
                if (count > MaxNumberDigits)
                {
                    break;
                }

                if (count >= MinNumberDigits && Classify(digits.AsSpan(groups[first].Offset, count)) is { } kind)
                {
                    candidates.Add(new Candidate(first, last, count, kind));
                }
            }
        }

        if (candidates.Count == 0)
        {
            return;
        }

        candidates.Sort(static (a, b) => a.Digits != b.Digits ? b.Digits.CompareTo(a.Digits) : a.First.CompareTo(b.First));
        var taken = new bool[groups.Count];
        var chosen = new List<Candidate>();
        foreach (var candidate in candidates)
        {
            if (Array.IndexOf(taken, true, candidate.First, candidate.Last - candidate.First + 1) >= 0)
            {
                continue;
            }

            Array.Fill(taken, true, candidate.First, candidate.Last - candidate.First + 1);
            chosen.Add(candidate);
        }

        chosen.Sort(static (a, b) => a.First.CompareTo(b.First));
        foreach (var candidate in chosen)
        {
            var start = groups[candidate.First].Start;
            matches.Add(new PiiMatch(candidate.Kind, start, groups[candidate.Last].End - start));
        }
    }

    // A group may be joined with others only if it looks like part of a written-out card or ID: dates, times and
    // counts give one- or two-digit groups, and an 11-digit mobile number next to other digits is still a phone.
    private static bool IsJoinable(Group group, string digits) =>
        group.Count >= 3 && !(group.Count == 11 && digits[group.Offset] == '1' && digits[group.Offset + 1] is >= '3' and <= '9');

    // Digits that an earlier Mask left visible ("6222 **** **** 7890", "110**************8") must not be joined
    // with neighbouring numbers, or a second Mask could find a new number and masking would not be idempotent.
    private static bool IsMaskRemnant(string text, int start, int end, int count) => count switch
    {
        4 => text.AsSpan(end).StartsWith(MaskedCardHead, StringComparison.Ordinal) || FollowsMaskedCardMiddle(text, start),
        3 => end < text.Length && text[end] == '*',
        1 => start > 0 && text[start - 1] == '*',
        _ => false,
    };

    // True when the group is preceded by " * " .. " **** ", the last star group of a masked card.
    private static bool FollowsMaskedCardMiddle(string text, int start)
    {
        if (start < 1 || text[start - 1] != ' ')
        {
            return false;
        }

        var position = start - 2;
        while (position >= 0 && text[position] == '*')
        {
            position--;
        }

        var stars = start - 2 - position;
        return stars is >= 1 and <= 4 && position >= 0 && text[position] == ' ';
    }

    // The characters are normalised ASCII digits, with 'X' possible only as the last one.
    private static PiiKind? Classify(ReadOnlySpan<char> number)
    {
        if (number.Length == 18 && IsNationalId18(number))
        {
            return PiiKind.NationalId;
        }

        // An old ID that also passes Luhn is reported as an ID: the date check is the stronger signal.
        if (number.Length == 15 && IsNationalId15(number))
        {
            return PiiKind.NationalId;
        }

        return IsBankCard(number) ? PiiKind.BankCard : null;
    }

    private static bool IsNationalId18(ReadOnlySpan<char> id)
    {
        if (id[0] == '0' || !IsAllDigits(id[..17]) || !IsRealDate(ToNumber(id[6..10]), ToNumber(id[10..12]), ToNumber(id[12..14])))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * IdWeights[i];
        }

        return id[17] == IdCheckChars[sum % 11];
    }

    private static bool IsNationalId15(ReadOnlySpan<char> id) =>
        id[0] != '0' && IsAllDigits(id) && IsRealDate(1900 + ToNumber(id[6..8]), ToNumber(id[8..10]), ToNumber(id[10..12]));

    private static bool IsBankCard(ReadOnlySpan<char> number) =>
        number.Length is >= MinNumberDigits and <= MaxNumberDigits
        && IsAllDigits(number)
        && !IsPhoneWithCountryCode(number)
        && number[0] != '0' // no issuer uses a leading 0; zero-padded order and landline numbers do
        && number.ContainsAnyExcept(number[0]) // 0000000000000 passes Luhn but is filler, not a card
        && PassesLuhn(number);

    // "86" or "0086" + a mobile number "1[3-9]" + 9 digits; 8613812345678 passes Luhn, but it is a phone.
    private static bool IsPhoneWithCountryCode(ReadOnlySpan<char> number)
    {
        var mobile = number.Length switch
        {
            13 when number.StartsWith("86") => number[2..],
            15 when number.StartsWith("0086") => number[4..],
            _ => [],
        };
        return mobile.Length == 11 && mobile[0] == '1' && mobile[1] is >= '3' and <= '9';
    }

    private static bool PassesLuhn(ReadOnlySpan<char> number)
    {
        var sum = 0;
        var doubled = false;
        for (var i = number.Length - 1; i >= 0; i--)
        {
            var digit = number[i] - '0';
            if (doubled)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    private static bool IsRealDate(int year, int month, int day) =>
        year is >= 1900 and <= 2100 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static bool IsAllDigits(ReadOnlySpan<char> chars) => !chars.ContainsAnyExceptInRange('0', '9');

    private static int ToNumber(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            value = (value * 10) + (digit - '0');
        }

        return value;
    }

    // ASCII 0-9 and full-width ０-９ (U+FF10..U+FF19), normalised to ASCII.
    private static bool TryGetDigit(char c, out char digit)
    {
        digit = c switch
        {
            >= '0' and <= '9' => c,
            >= '\uFF10' and <= '\uFF19' => (char)('0' + (c - '\uFF10')),
            _ => '\0',
        };
        return digit != '\0';
    }

    private static bool IsCheckChar(char c) => c is 'X' or 'x' or '\uFF38' or '\uFF58';

    // Space, '-', ideographic space, full-width hyphen-minus, en dash: how people split long numbers.
    private static bool IsSeparator(char c) => c is ' ' or '-' or '\u3000' or '\uFF0D' or '\u2013';

    private static bool IsAlphanumeric(string text, int index) =>
        index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || IsFullWidthAlphanumeric(text[index]));

    private static bool IsFullWidthAlphanumeric(char c) => c is (>= '\uFF10' and <= '\uFF19') or (>= '\uFF21' and <= '\uFF3A') or (>= '\uFF41' and <= '\uFF5A');

    // ---- Passwords -------------------------------------------------------------------------------------------

    // Latin keywords must stand alone ("shipping" holds "pin"); "passwords" is talk about passwords, not one.
    [GeneratedRegex(
        "密[码碼]|口令|(?<![A-Za-z])(?:password|passwd|passcode|pwd|pin(?: ?code)?)(?![A-Za-z])码?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex PasswordKeyword();

    // The value token ("abc123" in "密码：abc123") that the last keyword read. Keywords inside one long token
    // ("pwd-pwd-pwd-…") share its end, so remembering it keeps the scan linear instead of quadratic.
    [StructLayout(LayoutKind.Auto)]
    private struct ValueToken
    {
        public int Start;
        public int End;
        public int LastDigit; // index of the token's last digit, or -1

        public void Read(string text, int start)
        {
            if (start >= Start && start < End)
            {
                return; // a suffix of the token already read: same end, same last digit
            }

            Start = start;
            End = start;
            LastDigit = -1;
            while (End < text.Length && IsValueChar(text[End]))
            {
                if (TryGetDigit(text[End], out _))
                {
                    LastDigit = End;
                }

                End++;
            }
        }
    }

    private static List<PiiMatch> FindPasswords(string text, List<PiiMatch> numbers)
    {
        var matches = new List<PiiMatch>();
        var token = default(ValueToken);
        var scannedTo = 0;
        foreach (var keyword in PasswordKeyword().EnumerateMatches(text))
        {
            // A keyword inside the previous value ("pwd=pwd12345") is part of that value.
            if (keyword.Index >= scannedTo
                && TryReadValue(text, keyword.Index, keyword.Index + keyword.Length, numbers, ref token, out var start, out var end))
            {
                matches.Add(new PiiMatch(PiiKind.Password, start, end - start));
                scannedTo = end;
            }
        }

        return matches;
    }

    // Reads "keyword [是|为] [:|：|=] value". Conservative on purpose: without a separator, a value after a
    // Chinese keyword must start with a letter or digit ("密码123456", not "密码错误"), and one after a Latin
    // keyword must hold a digit ("password hunter22", not "password reset link").
    // Mask must be idempotent, so the value is judged on what masking cannot change: it has no upper length
    // (masking a number inside an over-long value would shorten it), and a value cut short by a separator that
    // ends values but not numbers ("PIN123–6222…") runs on to the end of that number.
    private static bool TryReadValue(
        string text, int keywordStart, int keywordEnd, List<PiiMatch> numbers, ref ValueToken token, out int start, out int end)
    {
        var isChineseKeyword = text[keywordStart] is '密' or '口';
        var position = SkipSpaces(text, keywordEnd);
        var hasSeparator = false;
        if (position < text.Length && text[position] is '是' or '为' or '為')
        {
            hasSeparator = true;
            position = SkipSpaces(text, position + 1);
        }

        if (position < text.Length && text[position] is ':' or '：' or '=' or '＝')
        {
            hasSeparator = true;
            position = SkipSpaces(text, position + 1);
        }
        else if (!hasSeparator && position > keywordEnd && IsWordIs(text, position))
        {
            // "my password is hunter22": "is" joins like 是 but, being common English, still needs a digit.
            position = SkipSpaces(text, position + 2);
        }

        // “abc123” and 「abc123」: the quotes are not part of the value.
        if (position < text.Length && text[position] is '“' or '‘' or '「' or '『' or '《' or '【' or '（')
        {
            position++;
        }

        start = position;
        token.Read(text, start);
        end = token.End;
        var hasDigit = token.LastDigit >= start;
        for (var numberEnd = EndOfNumberAcross(numbers, end); numberEnd > end; numberEnd = EndOfNumberAcross(numbers, end))
        {
            end = ExtendValue(text, numberEnd);
            hasDigit = true;
        }

        var value = text.AsSpan(start, end - start);
        if (value.Length < MinValueLength || !value.ContainsAnyExcept('*')) // "******" is an earlier mask
        {
            return false;
        }

        if (hasSeparator)
        {
            return true;
        }

        return isChineseKeyword
            ? char.IsAsciiLetterOrDigit(value[0]) || IsFullWidthAlphanumeric(value[0])
            : hasDigit;
    }

    // The end of the number match that starts before position and ends after it, or -1.
    private static int EndOfNumberAcross(List<PiiMatch> numbers, int position)
    {
        // Binary search for the last number starting before position (numbers are ordered and never overlap).
        int low = 0, high = numbers.Count - 1, last = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (numbers[middle].Start < position)
            {
                last = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return last >= 0 && numbers[last].Start + numbers[last].Length > position ? numbers[last].Start + numbers[last].Length : -1;
    }

    private static bool IsWordIs(string text, int position) =>
        position + 2 < text.Length
        && text.AsSpan(position, 2).Equals("is", StringComparison.OrdinalIgnoreCase)
        && text[position + 2] is ' ' or '\t' or '\u3000';

    private static int SkipSpaces(string text, int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t' or '\u3000')
        {
            position++;
        }

        return position;
    }

    private static int ExtendValue(string text, int position)
    {
        while (position < text.Length && IsValueChar(text[position]))
        {
            position++;
        }

        return position;
    }

    // Values are ASCII (or full-width letters and digits). Whitespace, ',' ';' and any other character end them,
    // so Chinese text or punctuation right after a value (，。；、！) is never swallowed.
    private static bool IsValueChar(char c) => c is > ' ' and < '\u007F' and not (',' or ';') || IsFullWidthAlphanumeric(c);

    // Numbers never overlap each other, but a password value can hold one ("密码：6222021234567894"). The password
    // wins, since its mask reveals nothing, and covers both up to the end of its token, so Mask leaves "******"
    // followed by a stop character, which a second pass recognises as already masked.
    private static List<PiiMatch> MergeOverlaps(string text, List<PiiMatch> numbers, List<PiiMatch> passwords)
    {
        var all = new List<PiiMatch>(numbers.Count + passwords.Count);
        all.AddRange(numbers);
        all.AddRange(passwords);
        all.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        var merged = new List<PiiMatch>(all.Count);
        foreach (var match in all)
        {
            var previous = merged.Count > 0 ? merged[^1] : null;
            if (previous is null || match.Start >= previous.Start + previous.Length)
            {
                merged.Add(match);
                continue;
            }

            var start = Math.Min(previous.Start, match.Start);
            var end = ExtendValue(text, Math.Max(previous.Start + previous.Length, match.Start + match.Length));
            merged[^1] = new PiiMatch(PiiKind.Password, start, end - start);
        }

        return merged;
    }

    // ---- Masking ---------------------------------------------------------------------------------------------

    private static void AppendMasked(StringBuilder builder, ReadOnlySpan<char> original, PiiKind kind)
    {
        if (kind == PiiKind.Password)
        {
            builder.Append(PasswordMask);
            return;
        }

        // Separators are dropped and full-width characters become ASCII, so every mask has one fixed shape.
        Span<char> number = stackalloc char[MaxNumberDigits];
        var count = 0;
        foreach (var c in original)
        {
            if (TryGetDigit(c, out var digit))
            {
                number[count++] = digit;
            }
            else if (IsCheckChar(c))
            {
                number[count++] = 'X';
            }
        }

        if (kind == PiiKind.NationalId)
        {
            builder.Append(number[..3]).Append('*', count - 4).Append(number[count - 1]);
            return;
        }

        builder.Append(number[..4]);
        var hidden = count - 8;
        for (var i = 0; i < hidden; i += 4)
        {
            builder.Append(' ').Append('*', Math.Min(4, hidden - i));
        }

        builder.Append(' ').Append(number[(count - 4)..count]);
    }
}
