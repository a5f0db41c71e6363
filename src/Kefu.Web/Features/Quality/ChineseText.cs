using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Kefu.Web.Features.Quality;

/// <summary>A stretch of a text: start index and length in UTF-16 code units.</summary>
/// <param name="Start">Index of the first code unit.</param>
/// <param name="Length">Number of code units.</param>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>Index just past the span.</summary>
    public int End => Start + Length;
}

/// <summary>A text in its matching form (<see cref="ChineseText.Normalize"/>), with the way back to the original so that
/// findings quote what was really said or written.</summary>
public sealed class NormalizedText
{
    private readonly int[] _sourceStart;
    private readonly int[] _sourceEnd;

    internal NormalizedText(string original, string value, int[] sourceStart, int[] sourceEnd)
    {
        Original = original;
        Value = value;
        _sourceStart = sourceStart;
        _sourceEnd = sourceEnd;
    }

    /// <summary>The text as given.</summary>
    public string Original { get; }

    /// <summary>The matching form: Simplified, half-width, lower-case ASCII, no spaces or in-sentence punctuation,
    /// every sentence end as <see cref="ChineseText.SentenceEnd"/>.</summary>
    public string Value { get; }

    /// <summary>The span of the original that produced <see cref="Value"/>[start..end).</summary>
    public TextSpan ToOriginal(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, Value.Length);
        if (start == end)
        {
            var at = start < Value.Length ? _sourceStart[start] : Original.Length;
            return new TextSpan(at, 0);
        }

        var from = _sourceStart[start];
        return new TextSpan(from, _sourceEnd[end - 1] - from);
    }

    /// <summary>The original text behind <see cref="Value"/>[start..end).</summary>
    public string Quote(int start, int end)
    {
        var span = ToOriginal(start, end);
        return Original.Substring(span.Start, span.Length);
    }
}

/// <summary>
/// Prepares Chinese text for phrase matching so that Simplified and Traditional, full- and half-width, spaced and
/// unspaced, differently punctuated forms of one phrase compare equal.
/// </summary>
/// <remarks>
/// Traditional → Simplified by ICU's "Hant-Hans" transform, through P/Invoke in the machine's libicui18n (the version
/// suffix, e.g. libicui18n.so.72 and utrans_openU_72, is found by probing). ICU is asked once per ideograph at start-up
/// for a table that tells which texts have Traditional characters at all; only those texts are then sent to ICU whole,
/// because Hant-Hans has context rules (甚麼 → 什么, 著名 stays 著名 while 著急 → 着急) that a table would miss.
/// Simplified text, the common case, costs a table lookup per character. Without ICU nothing is converted and
/// <see cref="TraditionalConversionAvailable"/> says so.
/// <para>Then per character: NFKC (full-width letters, digits and punctuation become ASCII, compatibility ideographs
/// and Kangxi radicals become unified ideographs), lower-case ASCII; whitespace and in-sentence punctuation
/// (，、：“”「」（）…… and their ASCII forms) are dropped; sentence ends (。！？； and their ASCII forms, line breaks)
/// become one <see cref="SentenceEnd"/>. A '.' between digits stays (3.5元), a run of dots is an ellipsis and is
/// dropped. Characters outside the Basic Multilingual Plane pass unchanged.</para>
/// </remarks>
public static class ChineseText
{
    /// <summary>How every sentence end appears in <see cref="NormalizedText.Value"/>.</summary>
    public const char SentenceEnd = '。';

    /// <summary>Whether Traditional characters are converted (ICU was loaded and its Hant-Hans transform opened).</summary>
    public static bool TraditionalConversionAvailable => Fold.Icu.Table is not null;

    /// <summary>What converts Traditional characters, e.g. "ICU Hant-Hans (libicui18n.so.72)"; null when nothing does.</summary>
    public static string? TraditionalConversionSource => Fold.Icu.Source;

    /// <summary>Why Traditional characters are not converted; null when they are.</summary>
    public static string? TraditionalConversionProblem => Fold.Icu.Problem;

    /// <summary>The matching form of a text, with the map back to it.</summary>
    public static NormalizedText Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = Fold.Map;
        var table = Fold.Icu.Table;

        // Texts with Traditional characters go through ICU whole (length-preserving on every text tried; a text whose
        // length changed would lose the map back, so it falls back to the table).
        string source = text;
        if (Fold.Icu.HasTraditional(text) && Fold.Icu.ToSimplified(text) is { } converted && converted.Length == text.Length)
        {
            source = converted;
            table = null;
        }

        var value = new char[text.Length * 2 + 4];
        var sourceStart = new int[value.Length];
        var sourceEnd = new int[value.Length];
        var length = 0;

        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                // Outside the BMP (rare ideographs, emoji): kept as they are.
                Append(c, i, i + 2);
                Append(source[i + 1], i, i + 2);
                i++;
                continue;
            }

            var folded = map[c];
            switch (folded)
            {
                case Fold.Drop:
                    continue;
                case Fold.Dot:
                    // '.' is a decimal point between digits, part of an ellipsis next to another dot, else a full stop.
                    var before = i > 0 ? source[i - 1] : ' ';
                    var after = i + 1 < source.Length ? source[i + 1] : ' ';
                    if (IsDot(before) || IsDot(after))
                        continue;
                    if (char.IsAsciiDigit(FoldDigit(before)) && char.IsAsciiDigit(FoldDigit(after)))
                        Append('.', i, i + 1);
                    else
                        AppendSentenceEnd(i);
                    continue;
                case SentenceEnd:
                    AppendSentenceEnd(i);
                    continue;
                case Fold.Expanded:
                    if (Fold.Expansions.TryGetValue(c, out var expansion))
                    {
                        foreach (var e in expansion)
                        {
                            if (e == SentenceEnd)
                                AppendSentenceEnd(i);
                            else
                                Append(Simplified(e), i, i + 1);
                        }
                    }
                    else
                    {
                        Append(c, i, i + 1);
                    }

                    continue;
                default:
                    Append(Simplified(folded), i, i + 1);
                    continue;
            }
        }

        return new NormalizedText(text, new string(value, 0, length), sourceStart, sourceEnd);

        char Simplified(char c) => table is not null && c >= IcuHantHans.First && c <= IcuHantHans.Last ? table[c - IcuHantHans.First] : c;

        void Append(char c, int from, int to)
        {
            if (length == value.Length)
            {
                Array.Resize(ref value, value.Length * 2);
                Array.Resize(ref sourceStart, value.Length);
                Array.Resize(ref sourceEnd, value.Length);
            }

            value[length] = c;
            sourceStart[length] = from;
            sourceEnd[length] = to;
            length++;
        }

        // Runs of sentence ends ("？！", "。\n") are one end; a text does not start with one.
        void AppendSentenceEnd(int at)
        {
            if (length > 0 && value[length - 1] != SentenceEnd)
                Append(SentenceEnd, at, at + 1);
        }
    }

    /// <summary>Traditional → Simplified only (ICU Hant-Hans on the whole text). Returns the text unchanged when it has
    /// no Traditional characters or ICU is not available.</summary>
    public static string ToSimplified(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Fold.Icu.HasTraditional(text) ? Fold.Icu.ToSimplified(text) ?? text : text;
    }

    /// <summary>Simplified → Traditional (ICU Hans-Hant), e.g. to answer a customer who writes in Traditional
    /// characters in their own script; returns the text unchanged when ICU is not available.</summary>
    public static string ToTraditional(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Fold.Icu.ToTraditional(text) ?? text;
    }

    /// <summary>Whether a text is written mainly in Traditional characters: more of its characters are Traditional-only
    /// (<see cref="ToSimplified"/> changes them) than Simplified-only (<see cref="ToTraditional"/> changes them).</summary>
    public static bool IsMainlyTraditional(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Fold.Icu.HasTraditional(text))
            return false;
        var simplified = ToSimplified(text);
        var traditional = ToTraditional(text);
        if (simplified.Length != text.Length || traditional.Length != text.Length)
            return true;
        var traditionalOnly = 0;
        var simplifiedOnly = 0;
        for (var i = 0; i < text.Length; i++)
        {
            traditionalOnly += simplified[i] != text[i] ? 1 : 0;
            simplifiedOnly += traditional[i] != text[i] ? 1 : 0;
        }

        return traditionalOnly > simplifiedOnly;
    }

    private static bool IsDot(char c) => c is '.' or '．' or '…' or '‥' or '⋯';

    private static char FoldDigit(char c) => c is >= '０' and <= '９' ? (char)('0' + (c - '０')) : c;

    /// <summary>The per-character folding table (everything but Traditional → Simplified), built once on first use.</summary>
    private static class Fold
    {
        public const char Drop = '\0';
        public const char Dot = '.';

        /// <summary>Marks a character whose fold is several characters long (NFKC of ㎏, ①, ½ …).</summary>
        public const char Expanded = '\uFFFF';

        public static readonly IcuHantHans Icu = IcuHantHans.Load();
        public static readonly Dictionary<char, string> Expansions = [];
        public static readonly char[] Map = Build();

        private static char[] Build()
        {
            var map = new char[char.MaxValue + 1];
            var one = new char[1];
            for (var code = 0; code <= char.MaxValue; code++)
            {
                var c = (char)code;
                if (char.IsSurrogate(c) || code == Expanded)
                {
                    map[code] = c;
                    continue;
                }

                // Ellipses are pauses, not ends: NFKC would make them dots.
                if (c is '…' or '‥' or '⋯' or '︙' or '︰')
                {
                    map[code] = Drop;
                    continue;
                }

                string compatible;
                if (code < 0x80)
                {
                    compatible = c.ToString();
                }
                else
                {
                    one[0] = c;
                    try
                    {
                        compatible = new string(one).Normalize(NormalizationForm.FormKC);
                    }
                    catch (ArgumentException)
                    {
                        compatible = c.ToString(); // not normalisable on its own: keep it
                    }
                }

                if (compatible.Length == 1)
                {
                    map[code] = FoldOne(compatible[0]);
                    continue;
                }

                var builder = new StringBuilder(compatible.Length);
                foreach (var part in compatible)
                {
                    var folded = FoldOne(part);
                    if (folded == Drop)
                        continue;
                    builder.Append(folded == Dot ? SentenceEnd : folded);
                }

                if (builder.Length == 0)
                {
                    map[code] = Drop;
                }
                else if (builder.Length == 1)
                {
                    map[code] = builder[0];
                }
                else
                {
                    map[code] = Expanded;
                    Expansions[c] = builder.ToString();
                }
            }

            return map;
        }

        /// <summary>The fold of one NFKC-stable character.</summary>
        private static char FoldOne(char c)
        {
            switch (c)
            {
                case '.':
                    return Dot;
                case '。' or '!' or '?' or ';' or '\n' or '\r' or '\v' or '\f' or '\u0085' or '\u2028' or '\u2029':
                    return SentenceEnd;
                case '~' or '〜':
                    return Drop;
            }

            if (char.IsWhiteSpace(c))
                return Drop;
            if (char.IsAsciiLetterUpper(c))
                return (char)(c + ('a' - 'A'));
            switch (char.GetUnicodeCategory(c))
            {
                case UnicodeCategory.ConnectorPunctuation:
                case UnicodeCategory.DashPunctuation:
                case UnicodeCategory.OpenPunctuation:
                case UnicodeCategory.ClosePunctuation:
                case UnicodeCategory.InitialQuotePunctuation:
                case UnicodeCategory.FinalQuotePunctuation:
                case UnicodeCategory.OtherPunctuation:
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                    return Drop;
                default:
                    return c;
            }
        }
    }
}

/// <summary>ICU's Hant-Hans (and Hans-Hant) transforms through P/Invoke into the machine's libicui18n, kept open for
/// the life of the process.</summary>
internal sealed class IcuHantHans
{
    /// <summary>First and last code point of the table: CJK punctuation (U+3000; Hant-Hans turns 「」 into “”) to the
    /// end of the unified ideographs (U+9FFF). On ICU 72 nothing else in the Basic Multilingual Plane changes.</summary>
    public const char First = '\u3000';

    public const char Last = '\u9FFF';

    private const string ToSimplifiedId = "Hant-Hans";
    private const string ToTraditionalId = "Hans-Hant";

    private readonly IcuLibrary? _icu;

    // A transliterator serves one call at a time: idle ones wait here, a busy moment opens another.
    private readonly ConcurrentBag<IntPtr> _idleToSimplified = [];
    private readonly ConcurrentBag<IntPtr> _idleToTraditional = [];

    private IcuHantHans(IcuLibrary? icu, char[]? table, string? source, string? problem)
    {
        _icu = icu;
        Table = table;
        Source = source;
        Problem = problem;
    }

    /// <summary>What Hant-Hans does to each character from <see cref="First"/> to <see cref="Last"/> on its own;
    /// null without ICU.</summary>
    public char[]? Table { get; }

    public string? Source { get; }

    public string? Problem { get; }

    public static IcuHantHans Load()
    {
        var icu = IcuLibrary.TryOpen(out var problem);
        if (icu is null)
            return new IcuHantHans(null, null, null, problem + " Traditional characters are not converted.");

        var transliterator = icu.OpenTransform(ToSimplifiedId, out var status);
        if (transliterator == IntPtr.Zero)
        {
            icu.Dispose();
            return new IcuHantHans(null, null, null, $"{icu.Name}: utrans_openU(\"{ToSimplifiedId}\") failed with ICU error {status}; Traditional characters are not converted.");
        }

        var table = new char[Last - First + 1];
        for (var c = First; c <= Last; c++)
            table[c - First] = icu.TransliterateOne(transliterator, c) ?? c;

        var loaded = new IcuHantHans(icu, table, $"ICU {ToSimplifiedId} ({icu.Name})", null);
        loaded._idleToSimplified.Add(transliterator);
        return loaded;
    }

    /// <summary>Whether the text has a character that Hant-Hans changes on its own.</summary>
    public bool HasTraditional(string text)
    {
        var table = Table;
        if (table is null)
            return false;
        foreach (var c in text)
        {
            if (c >= First && c <= Last && table[c - First] != c)
                return true;
        }

        return false;
    }

    /// <summary>Hant-Hans on the whole text; null without ICU or on an ICU error.</summary>
    public string? ToSimplified(string text) => Run(_idleToSimplified, ToSimplifiedId, text);

    /// <summary>Hans-Hant on the whole text; null without ICU or on an ICU error.</summary>
    public string? ToTraditional(string text) => Run(_idleToTraditional, ToTraditionalId, text);

    private string? Run(ConcurrentBag<IntPtr> idle, string transformId, string text)
    {
        if (_icu is null)
            return null;
        if (!idle.TryTake(out var transliterator))
        {
            transliterator = _icu.OpenTransform(transformId, out _);
            if (transliterator == IntPtr.Zero)
                return null;
        }

        try
        {
            return _icu.Transliterate(transliterator, text);
        }
        finally
        {
            idle.Add(transliterator);
        }
    }

    /// <summary>The utrans functions of the machine's libicui18n, found by probing the version suffix.</summary>
    private sealed class IcuLibrary : IDisposable
    {
        private readonly IntPtr _library;
        private readonly OpenTransliterator _open;
        private readonly TransliterateChars _transliterate;

        private IcuLibrary(IntPtr library, string name, IntPtr open, IntPtr transliterate)
        {
            _library = library;
            Name = name;
            _open = Marshal.GetDelegateForFunctionPointer<OpenTransliterator>(open);
            _transliterate = Marshal.GetDelegateForFunctionPointer<TransliterateChars>(transliterate);
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr OpenTransliterator(IntPtr id, int idLength, int direction, IntPtr rules, int rulesLength, IntPtr parseError, ref int status);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void TransliterateChars(IntPtr transliterator, IntPtr text, ref int textLength, int textCapacity, int start, ref int limit, ref int status);

        public string Name { get; }

        /// <summary>libicui18n.so.NN with its symbols suffixed _NN (how Debian and most distributions build ICU),
        /// newest first, then an unversioned libicui18n.so with the suffix probed the same way.</summary>
        public static IcuLibrary? TryOpen(out string? problem)
        {
            try
            {
                for (var version = 90; version >= 50; version--)
                {
                    var v = version.ToString(CultureInfo.InvariantCulture);
                    if (TryOpen("libicui18n.so." + v, ["_" + v, ""]) is { } found)
                    {
                        problem = null;
                        return found;
                    }
                }

                var suffixes = Enumerable.Range(50, 41).Reverse().Select(v => "_" + v.ToString(CultureInfo.InvariantCulture)).Append("").ToArray();
                var unversioned = TryOpen("libicui18n.so", suffixes);
                problem = unversioned is null ? "ICU (libicui18n with utrans_openU) was not found." : null;
                return unversioned;
            }
            catch (Exception e) when (e is BadImageFormatException or MarshalDirectiveException or EntryPointNotFoundException)
            {
                problem = "ICU could not be called: " + e.Message;
                return null;
            }
        }

        private static IcuLibrary? TryOpen(string name, string[] suffixes)
        {
            if (!NativeLibrary.TryLoad(name, out var library))
                return null;
            foreach (var suffix in suffixes)
            {
                // utrans_close is not needed: transliterators live as long as the process.
                if (NativeLibrary.TryGetExport(library, "utrans_openU" + suffix, out var open)
                    && NativeLibrary.TryGetExport(library, "utrans_transUChars" + suffix, out var transliterate))
                    return new IcuLibrary(library, name, open, transliterate);
            }

            NativeLibrary.Free(library);
            return null;
        }

        /// <summary>A transliterator for an ICU transform id; zero on failure, with the ICU error code.</summary>
        public IntPtr OpenTransform(string id, out int status)
        {
            var unmanagedId = Marshal.StringToHGlobalUni(id);
            try
            {
                status = 0;
                var transliterator = _open(unmanagedId, id.Length, 0, IntPtr.Zero, 0, IntPtr.Zero, ref status);
                return status > 0 ? IntPtr.Zero : transliterator;
            }
            finally
            {
                Marshal.FreeHGlobal(unmanagedId);
            }
        }

        /// <summary>The transform of a text; null when ICU reports an error (U_FAILURE: a positive code).</summary>
        public string? Transliterate(IntPtr transliterator, string text)
        {
            var capacity = (text.Length * 4) + 16;
            var buffer = Marshal.AllocHGlobal(capacity * sizeof(char));
            try
            {
                Marshal.Copy(text.ToCharArray(), 0, buffer, text.Length);
                int length = text.Length, limit = text.Length, status = 0;
                _transliterate(transliterator, buffer, ref length, capacity, 0, ref limit, ref status);
                if (status > 0 || length < 0 || length > capacity)
                    return null;
                return Marshal.PtrToStringUni(buffer, length);
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }

        /// <summary>The transform of one character when it is one character again; null otherwise.</summary>
        public char? TransliterateOne(IntPtr transliterator, char c)
        {
            var converted = Transliterate(transliterator, c.ToString());
            return converted is { Length: 1 } ? converted[0] : null;
        }

        // Only when ICU turned out unusable; a working library stays loaded for the process.
        public void Dispose() => NativeLibrary.Free(_library);
    }
}
