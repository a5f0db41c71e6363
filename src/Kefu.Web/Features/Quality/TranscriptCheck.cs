using System.Diagnostics.CodeAnalysis;
using Kefu.Web.Features.Calls;

namespace Kefu.Web.Features.Quality;

/// <summary>One stretch of speech to check, or a whole written reply.</summary>
/// <param name="Speaker">Who spoke (a written reply is the agent's).</param>
/// <param name="StartSeconds">Seconds from the moment the agent answered; null for written text.</param>
/// <param name="EndSeconds">When the stretch ends; null for written text.</param>
/// <param name="Text">What was said or written.</param>
public sealed record SegmentToCheck(TranscriptSpeaker Speaker, double? StartSeconds, double? EndSeconds, string Text);

/// <summary>What a finding reports.</summary>
public enum FindingKind
{
    /// <summary>A forbidden phrase was said.</summary>
    Forbidden = 1,

    /// <summary>A phrase to avoid was said.</summary>
    Avoid = 2,

    /// <summary>A required script was not said at all.</summary>
    RequiredMissing = 3,

    /// <summary>A required script was said, but not where it belongs (greeting not in the opening …).</summary>
    RequiredMisplaced = 4,

    /// <summary>An empathy, apology or commitment phrase was said.</summary>
    Positive = 5,
}

/// <summary>How a required script fared in one call.</summary>
public enum RequiredScriptStatus
{
    /// <summary>Said, in the right place.</summary>
    Present = 1,

    /// <summary>Not said.</summary>
    Missing = 2,

    /// <summary>Said, but only outside its place.</summary>
    Misplaced = 3,

    /// <summary>Not needed in this call (identity verification without a sensitive action).</summary>
    NotApplicable = 4,
}

/// <summary>One finding of a check.</summary>
public sealed record ScriptFinding
{
    /// <summary>The rule that fired.</summary>
    public required string RuleId { get; init; }

    /// <summary>The version of that rule.</summary>
    public required int RuleVersion { get; init; }

    /// <summary>What the finding reports.</summary>
    public required FindingKind Kind { get; init; }

    /// <summary>The rule's category.</summary>
    public required string Category { get; init; }

    /// <summary>The rule's severity.</summary>
    public required RuleSeverity Severity { get; init; }

    /// <summary>Whether the finding fails the evaluation on its own.</summary>
    public required bool Critical { get; init; }

    /// <summary>Index of the segment (in the order given); null for a missing script.</summary>
    public int? Segment { get; init; }

    /// <summary>Start of that segment in seconds from answering; null for written replies and missing scripts.</summary>
    public double? OffsetSeconds { get; init; }

    /// <summary>The original words, as said or written (Traditional stays Traditional); a "……" gap at either end of the
    /// pattern extends it to the end of the sentence.</summary>
    public string? Quote { get; init; }

    /// <summary>Where <see cref="Quote"/> stands in the segment's text.</summary>
    public TextSpan? QuoteSpan { get; init; }

    /// <summary>For forbidden and avoid phrases, the part of the segment's text the replacement stands in for: the quote
    /// without a trailing or leading gap (in "你应该先看说明书" only "你应该"); null for other findings.</summary>
    public TextSpan? ReplaceSpan { get; init; }

    /// <summary>What to say instead (forbidden and avoid phrases), or the model script (required scripts).</summary>
    public string? Replacement { get; init; }
}

/// <summary>A required script's result in one call.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="RuleVersion">Its version.</param>
/// <param name="Category">Greeting, identity verification, need confirmation, closing …</param>
/// <param name="Placement">Where it had to be.</param>
/// <param name="Status">How it fared.</param>
/// <param name="Segment">Where it was said (in place if it was, else the first time); null when not said.</param>
/// <param name="Quote">What was said there.</param>
/// <param name="AnchorSegment">For action- and plan-anchored scripts, where the action or plan was first recognised.</param>
public sealed record RequiredScriptResult(
    string RuleId, int RuleVersion, string Category, ScriptPlacement Placement, RequiredScriptStatus Status,
    int? Segment, string? Quote, int? AnchorSegment);

/// <summary>The result of checking a call transcript or a written reply.</summary>
/// <param name="Findings">Every finding, in the order of the text; missing scripts last.</param>
/// <param name="RequiredScripts">Each required script that applies to the channel, with its status.</param>
/// <param name="PositiveCounts">Positive phrases per category (empathy, apology, action-commitment …); a rule counts
/// at most once per segment.</param>
/// <param name="AutoFail">A critical rule fired: the evaluation fails whatever else it scores.</param>
/// <param name="RulesUsed">Every rule (id and version) the check applied.</param>
/// <param name="TraditionalConverted">Whether Traditional characters were converted (<see cref="ChineseText.TraditionalConversionAvailable"/>).</param>
public sealed record TranscriptReport(
    IReadOnlyList<ScriptFinding> Findings,
    IReadOnlyList<RequiredScriptResult> RequiredScripts,
    IReadOnlyDictionary<string, int> PositiveCounts,
    bool AutoFail,
    IReadOnlyList<RuleVersion> RulesUsed,
    bool TraditionalConverted)
{
    /// <summary>How many positive phrases of a category were found.</summary>
    public int PositiveCount(string category) => PositiveCounts.TryGetValue(category, out var count) ? count : 0;
}

/// <summary>A written reply with its forbidden and avoid phrases replaced.</summary>
/// <param name="Text">The reply after replacement.</param>
/// <param name="Replaced">The findings that were replaced (spans refer to the reply as given).</param>
public sealed record ReplyRewrite(string Text, IReadOnlyList<ScriptFinding> Replaced);

/// <summary>
/// Checks call transcripts and written replies against a set of <see cref="ScriptRule"/>s (SPEC §3): forbidden and
/// avoid phrases with their replacements, required scripts present and in place, positive phrases, auto-fail.
/// </summary>
/// <remarks>
/// The rules are compiled once (an instance is immutable and thread-safe; build a new one when QA edits the rules).
/// Each segment is normalised by <see cref="ChineseText"/> and scanned once for every literal piece of every pattern
/// (indexed by first character); patterns are then assembled from those hits, so the cost grows with the text, not
/// with the number of rules. Matches never span two segments.
/// </remarks>
public sealed class TranscriptCheck
{
    private static readonly Lazy<TranscriptCheck> LazyDefault = new(() => new TranscriptCheck(DefaultScriptRules.All));

    private readonly ScriptRule[] _rules;
    private readonly CompiledPattern[] _patterns;
    private readonly string[] _literals;
    private readonly SideIndex _agent;
    private readonly SideIndex _customer;
    private readonly RuleVersion[] _callVersions;
    private readonly RuleVersion[] _writtenVersions;

    /// <summary>Compiles a rule set.</summary>
    /// <exception cref="ArgumentException">The rules are not valid (<see cref="ScriptRule.Validate"/> lists why).</exception>
    public TranscriptCheck(IEnumerable<ScriptRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        var problems = ScriptRule.Validate(_rules);
        if (problems.Count > 0)
            throw new ArgumentException("The script rules are not valid: " + string.Join(" ", problems), nameof(rules));

        var literalIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var literals = new List<string>();
        var patterns = new List<CompiledPattern>();
        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            Add(rule.Patterns, PatternRole.Match);
            Add(rule.Exceptions, PatternRole.Exception);
            Add(rule.AnchorPatterns, PatternRole.Anchor);

            void Add(IReadOnlyList<string> texts, PatternRole role)
            {
                foreach (var text in texts)
                {
                    if (!PhrasePattern.TryParse(text, out var parsed))
                        continue; // cannot happen: Validate refused such a rule
                    var ids = new int[parsed.Pieces.Count];
                    for (var i = 0; i < ids.Length; i++)
                    {
                        var piece = parsed.Pieces[i];
                        if (!literalIds.TryGetValue(piece, out var id))
                        {
                            id = literals.Count;
                            literals.Add(piece);
                            literalIds.Add(piece, id);
                        }

                        ids[i] = id;
                    }

                    patterns.Add(new CompiledPattern(r, role, ids, parsed.LeadingGap, parsed.TrailingGap, rule.MaxGap));
                }
            }
        }

        _patterns = [.. patterns];
        _literals = [.. literals];
        _agent = new SideIndex(this, ScriptSide.Agent);
        _customer = new SideIndex(this, ScriptSide.Customer);
        _callVersions = [.. _rules.Where(r => r.Channels.HasFlag(RuleChannels.Call)).Select(r => r.IdAndVersion)];
        _writtenVersions = [.. _rules.Where(r => r.Channels.HasFlag(RuleChannels.Written)).Select(r => r.IdAndVersion)];
    }

    private enum PatternRole
    {
        Match,
        Exception,
        Anchor,
    }

    /// <summary>The checker of <see cref="DefaultScriptRules.All"/>, compiled on first use.</summary>
    public static TranscriptCheck Default => LazyDefault.Value;

    /// <summary>The rules this checker applies.</summary>
    public IReadOnlyList<ScriptRule> Rules => Array.AsReadOnly(_rules);

    /// <summary>Checks a call transcript. Segments are in the order they were spoken; times are seconds from answering.</summary>
    public TranscriptReport Check(IReadOnlyList<SegmentToCheck> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return Run(segments, RuleChannels.Call);
    }

    /// <summary>Checks a written reply (e-mail, chat, complaint letter) as one agent segment without times. Rules for
    /// calls only (by default the required scripts) do not apply.</summary>
    public TranscriptReport CheckWrittenReply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Run([new SegmentToCheck(TranscriptSpeaker.Agent, null, null, text)], RuleChannels.Written);
    }

    /// <summary>The reply with every forbidden and avoid phrase that has a replacement replaced by it (what the UI's
    /// "use the replacement" button does for all findings at once). In a reply written mainly in Traditional characters
    /// the replacements are written in Traditional too (ICU Hans-Hant, character by character). Critical findings (asking for an ID number, a bank card, a password)
    /// are left alone: a phrase swap cannot mend such a sentence, the agent rewrites it with the suggestion as a guide.</summary>
    public ReplyRewrite ApplyReplacements(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var replaceable = CheckWrittenReply(text).Findings
            .Where(f => f.Kind is FindingKind.Forbidden or FindingKind.Avoid && !f.Critical && f.Replacement is not null && f.ReplaceSpan is not null)
            .OrderBy(f => f.ReplaceSpan!.Value.Start)
            .ToList();

        var replaced = new List<ScriptFinding>();
        var builder = new System.Text.StringBuilder(text.Length + 16);
        var traditional = ChineseText.IsMainlyTraditional(text);
        var at = 0;
        foreach (var finding in replaceable)
        {
            var span = finding.ReplaceSpan!.Value;
            if (span.Start < at)
                continue; // overlaps a phrase already replaced
            builder.Append(text, at, span.Start - at).Append(traditional ? ChineseText.ToTraditional(finding.Replacement!) : finding.Replacement);
            at = span.End;
            replaced.Add(finding);
        }

        builder.Append(text, at, text.Length - at);
        return new ReplyRewrite(builder.ToString(), replaced);
    }

    /// <summary>The text with one finding's phrase replaced (the UI's "use the replacement" button), in Traditional
    /// characters if the text mainly is; unchanged when the finding has no replacement or no place in the text, or is critical
    /// (see <see cref="ApplyReplacements"/>).</summary>
    public static string ApplyReplacement(string text, ScriptFinding finding)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.Replacement is null || finding.Critical || finding.ReplaceSpan is not { } span || span.End > text.Length)
            return text;
        var replacement = ChineseText.IsMainlyTraditional(text) ? ChineseText.ToTraditional(finding.Replacement) : finding.Replacement;
        return string.Concat(text.AsSpan(0, span.Start), replacement, text.AsSpan(span.End));
    }

    private TranscriptReport Run(IReadOnlyList<SegmentToCheck> segments, RuleChannels channel)
    {
        for (var s = 0; s < segments.Count; s++)
        {
            if (segments[s]?.Text is null)
                throw new ArgumentException($"Segment {s} is null or has no text.", nameof(segments));
        }

        var state = new RunState(this, segments, channel);
        for (var s = 0; s < segments.Count; s++)
            state.CheckSegment(s);
        return state.Finish();
    }

    private sealed record CompiledPattern(int Rule, PatternRole Role, int[] Literals, bool LeadingGap, bool TrailingGap, int MaxGap);

    /// <summary>A match in one segment's normalised text: [Start, End) without gaps at either end.</summary>
    private readonly record struct Match(int Rule, int Pattern, int Start, int End);

    private readonly record struct Occurrence(int Segment, int Start, int End, int Pattern);

    /// <summary>The literals and patterns of the rules that look at one side, indexed by first character.</summary>
    private sealed class SideIndex
    {
        private readonly ulong[] _firstCharBits = new ulong[(char.MaxValue + 1) / 64];
        private readonly Dictionary<char, int[]> _literalsByFirstChar = [];

        public SideIndex(TranscriptCheck check, ScriptSide side)
        {
            var used = new HashSet<int>();
            var patternsByFirst = new Dictionary<int, List<int>>();
            for (var p = 0; p < check._patterns.Length; p++)
            {
                var pattern = check._patterns[p];
                var ruleSide = check._rules[pattern.Rule].Side;
                if (ruleSide != side && ruleSide != ScriptSide.Both)
                    continue;
                foreach (var literal in pattern.Literals)
                    used.Add(literal);
                if (!patternsByFirst.TryGetValue(pattern.Literals[0], out var list))
                    patternsByFirst[pattern.Literals[0]] = list = [];
                list.Add(p);
            }

            PatternsByFirstLiteral = new int[check._literals.Length][];
            for (var l = 0; l < check._literals.Length; l++)
                PatternsByFirstLiteral[l] = patternsByFirst.TryGetValue(l, out var list) ? [.. list] : [];

            foreach (var group in used.GroupBy(l => check._literals[l][0]))
            {
                var first = group.Key;
                _firstCharBits[first >> 6] |= 1UL << (first & 63);
                _literalsByFirstChar[first] = [.. group.Order()];
            }

            IsEmpty = used.Count == 0;
        }

        public bool IsEmpty { get; }

        /// <summary>For each literal, the side's patterns that start with it.</summary>
        public int[][] PatternsByFirstLiteral { get; }

        public bool TryGetLiterals(char first, [NotNullWhen(true)] out int[]? literals)
        {
            if ((_firstCharBits[first >> 6] & (1UL << (first & 63))) == 0)
            {
                literals = null;
                return false;
            }

            return _literalsByFirstChar.TryGetValue(first, out literals);
        }
    }

    /// <summary>The working state of one check: literal hits of the current segment, and what the segments so far
    /// have shown of each rule.</summary>
    private sealed class RunState
    {
        private readonly TranscriptCheck _check;
        private readonly IReadOnlyList<SegmentToCheck> _segments;
        private readonly RuleChannels _channel;
        private readonly bool[] _ruleApplies;

        // Hits of the current segment: per literal a chain of positions in text order.
        private readonly int[] _head;
        private readonly int[] _tail;
        private readonly List<int> _hitPosition = [];
        private readonly List<int> _hitNext = [];
        private readonly List<int> _touched = [];
        private readonly List<Match> _matches = [];
        private readonly List<Match> _ruleMatches = [];
        private readonly List<Match> _ruleExceptions = [];

        private readonly List<ScriptFinding> _findings = [];
        private readonly List<Occurrence>?[] _requiredOccurrences;
        private readonly Occurrence?[] _firstAnchor;
        private readonly NormalizedText?[] _normalized;
        private readonly Dictionary<string, int> _positiveCounts = new(StringComparer.Ordinal);

        public RunState(TranscriptCheck check, IReadOnlyList<SegmentToCheck> segments, RuleChannels channel)
        {
            _check = check;
            _segments = segments;
            _channel = channel;
            _ruleApplies = [.. check._rules.Select(r => (r.Channels & channel) != RuleChannels.None)];
            _head = new int[check._literals.Length];
            _tail = new int[check._literals.Length];
            Array.Fill(_head, -1);
            _requiredOccurrences = new List<Occurrence>?[check._rules.Length];
            _firstAnchor = new Occurrence?[check._rules.Length];
            _normalized = new NormalizedText?[segments.Count];
        }

        public void CheckSegment(int s)
        {
            var segment = _segments[s];
            var index = segment.Speaker == TranscriptSpeaker.Customer ? _check._customer : _check._agent;
            if (index.IsEmpty || string.IsNullOrEmpty(segment.Text))
                return;

            var normalized = ChineseText.Normalize(segment.Text);
            _normalized[s] = normalized;
            var text = normalized.Value;
            Scan(index, text);
            if (_touched.Count == 0)
                return;

            _matches.Clear();
            foreach (var literal in _touched)
            {
                foreach (var p in index.PatternsByFirstLiteral[literal])
                {
                    if (_ruleApplies[_check._patterns[p].Rule])
                        FindMatches(p, text);
                }
            }

            ResetHits();
            if (_matches.Count == 0)
                return;

            // Group by rule; within a rule by start, longer first.
            _matches.Sort(static (a, b) => a.Rule != b.Rule ? a.Rule.CompareTo(b.Rule) : a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
            var i = 0;
            while (i < _matches.Count)
            {
                var rule = _matches[i].Rule;
                _ruleMatches.Clear();
                _ruleExceptions.Clear();
                Match? anchor = null;
                for (; i < _matches.Count && _matches[i].Rule == rule; i++)
                {
                    var match = _matches[i];
                    switch (_check._patterns[match.Pattern].Role)
                    {
                        case PatternRole.Match:
                            _ruleMatches.Add(match);
                            break;
                        case PatternRole.Exception:
                            _ruleExceptions.Add(match);
                            break;
                        default:
                            if (anchor is null || match.Start < anchor.Value.Start)
                                anchor = match;
                            break;
                    }
                }

                if (anchor is { } a && _firstAnchor[rule] is null)
                    _firstAnchor[rule] = new Occurrence(s, a.Start, a.End, a.Pattern);
                RecordRule(s, rule, normalized);
            }
        }

        /// <summary>Every literal of the side at every position of the text.</summary>
        private void Scan(SideIndex index, string text)
        {
            var literals = _check._literals;
            for (var i = 0; i < text.Length; i++)
            {
                if (!index.TryGetLiterals(text[i], out var candidates))
                    continue;
                var rest = text.AsSpan(i);
                foreach (var l in candidates)
                {
                    if (!rest.StartsWith(literals[l], StringComparison.Ordinal))
                        continue;
                    var hit = _hitPosition.Count;
                    _hitPosition.Add(i);
                    _hitNext.Add(-1);
                    if (_head[l] < 0)
                    {
                        _head[l] = hit;
                        _touched.Add(l);
                    }
                    else
                    {
                        _hitNext[_tail[l]] = hit;
                    }

                    _tail[l] = hit;
                }
            }
        }

        private void ResetHits()
        {
            foreach (var l in _touched)
                _head[l] = -1;
            _touched.Clear();
            _hitPosition.Clear();
            _hitNext.Clear();
        }

        /// <summary>Non-overlapping matches of one pattern, left to right.</summary>
        private void FindMatches(int p, string text)
        {
            var pattern = _check._patterns[p];
            var firstLength = _check._literals[pattern.Literals[0]].Length;
            var after = 0;
            for (var hit = _head[pattern.Literals[0]]; hit >= 0; hit = _hitNext[hit])
            {
                var start = _hitPosition[hit];
                if (start < after)
                    continue;
                if (MatchRest(pattern, 1, start + firstLength, text, out var end))
                {
                    _matches.Add(new Match(pattern.Rule, p, start, end));
                    after = end;
                }
            }
        }

        /// <summary>Pieces from <paramref name="piece"/> on, each within the gap after the previous one (backtracking over
        /// later occurrences, so "A……B……C" is found whenever it is there).</summary>
        private bool MatchRest(CompiledPattern pattern, int piece, int from, string text, out int end)
        {
            if (piece == pattern.Literals.Length)
            {
                end = from;
                return true;
            }

            var literal = pattern.Literals[piece];
            var length = _check._literals[literal].Length;
            for (var hit = _head[literal]; hit >= 0; hit = _hitNext[hit])
            {
                var at = _hitPosition[hit];
                if (at < from)
                    continue;
                if (at - from > pattern.MaxGap || text.AsSpan(from, at - from).Contains(ChineseText.SentenceEnd))
                    break; // later occurrences are further away and behind the same sentence end
                if (MatchRest(pattern, piece + 1, at + length, text, out end))
                    return true;
            }

            end = 0;
            return false;
        }

        /// <summary>Turns one rule's matches in one segment (in <see cref="_ruleMatches"/>) into findings or occurrences.</summary>
        private void RecordRule(int s, int r, NormalizedText normalized)
        {
            if (_ruleMatches.Count == 0)
                return;
            var rule = _check._rules[r];
            var accepted = 0;
            var acceptedEnd = -1;
            foreach (var match in _ruleMatches)
            {
                if (match.Start < acceptedEnd || IsExcepted(match))
                    continue;
                acceptedEnd = match.End;
                accepted++;
                switch (rule.Kind)
                {
                    case ScriptRuleKind.ForbiddenPhrase:
                    case ScriptRuleKind.AvoidPhrase:
                        _findings.Add(Finding(rule, rule.Kind == ScriptRuleKind.ForbiddenPhrase ? FindingKind.Forbidden : FindingKind.Avoid, s, match, normalized, rule.Replacement));
                        break;
                    case ScriptRuleKind.PositivePhrase:
                        if (accepted == 1)
                        {
                            _findings.Add(Finding(rule, FindingKind.Positive, s, match, normalized, null));
                            _positiveCounts[rule.Category] = _positiveCounts.GetValueOrDefault(rule.Category) + 1;
                        }

                        break;
                    default:
                        (_requiredOccurrences[r] ??= []).Add(new Occurrence(s, match.Start, match.End, match.Pattern));
                        break;
                }
            }
        }

        private bool IsExcepted(Match match)
        {
            foreach (var exception in _ruleExceptions)
            {
                if (exception.Start < match.End && match.Start < exception.End)
                    return true;
            }

            return false;
        }

        private ScriptFinding Finding(ScriptRule rule, FindingKind kind, int s, Match match, NormalizedText normalized, string? replacement)
        {
            var pattern = _check._patterns[match.Pattern];
            var text = normalized.Value;
            var quoteStart = match.Start;
            var quoteEnd = match.End;
            if (pattern.LeadingGap)
            {
                var limit = Math.Max(0, match.Start - pattern.MaxGap);
                while (quoteStart > limit && text[quoteStart - 1] != ChineseText.SentenceEnd)
                    quoteStart--;
            }

            if (pattern.TrailingGap)
            {
                var limit = Math.Min(text.Length, match.End + pattern.MaxGap);
                while (quoteEnd < limit && text[quoteEnd] != ChineseText.SentenceEnd)
                    quoteEnd++;
            }

            var quoteSpan = normalized.ToOriginal(quoteStart, quoteEnd);
            return new ScriptFinding
            {
                RuleId = rule.Id,
                RuleVersion = rule.Version,
                Kind = kind,
                Category = rule.Category,
                Severity = rule.Severity,
                Critical = rule.Critical && kind != FindingKind.Positive,
                Segment = s,
                OffsetSeconds = _segments[s].StartSeconds,
                Quote = normalized.Original.Substring(quoteSpan.Start, quoteSpan.Length),
                QuoteSpan = quoteSpan,
                ReplaceSpan = kind is FindingKind.Forbidden or FindingKind.Avoid ? normalized.ToOriginal(match.Start, match.End) : null,
                Replacement = replacement,
            };
        }

        public TranscriptReport Finish()
        {
            var required = new List<RequiredScriptResult>();
            var missing = new List<ScriptFinding>();
            for (var r = 0; r < _check._rules.Length; r++)
            {
                var rule = _check._rules[r];
                if (rule.Kind != ScriptRuleKind.RequiredScript || !_ruleApplies[r])
                    continue;
                var result = Evaluate(r, out var inPlace);
                required.Add(result);
                if (result.Status == RequiredScriptStatus.Missing)
                {
                    missing.Add(new ScriptFinding
                    {
                        RuleId = rule.Id,
                        RuleVersion = rule.Version,
                        Kind = FindingKind.RequiredMissing,
                        Category = rule.Category,
                        Severity = rule.Severity,
                        Critical = rule.Critical,
                        Replacement = rule.Replacement,
                    });
                }
                else if (result.Status == RequiredScriptStatus.Misplaced && inPlace is { } first)
                {
                    var finding = Finding(rule, FindingKind.RequiredMisplaced, first.Segment, new Match(r, first.Pattern, first.Start, first.End), _normalized[first.Segment]!, rule.Replacement);
                    _findings.Add(finding);
                }
            }

            _findings.Sort(static (a, b) => a.Segment != b.Segment
                ? Nullable.Compare(a.Segment, b.Segment)
                : Nullable.Compare(a.QuoteSpan?.Start, b.QuoteSpan?.Start));
            _findings.AddRange(missing);
            return new TranscriptReport(
                _findings,
                required,
                _positiveCounts,
                _findings.Exists(f => f.Critical),
                _channel == RuleChannels.Written ? _check._writtenVersions : _check._callVersions,
                ChineseText.TraditionalConversionAvailable);
        }

        /// <summary>A required script's status; <paramref name="shown"/> is the occurrence to show (the one in place, or
        /// the first one when none is).</summary>
        private RequiredScriptResult Evaluate(int r, out Occurrence? shown)
        {
            var rule = _check._rules[r];
            var occurrences = _requiredOccurrences[r];
            var anchor = _firstAnchor[r];
            shown = null;
            RequiredScriptStatus status;
            if (occurrences is null)
            {
                status = rule.Placement == ScriptPlacement.BeforeSensitiveAction && anchor is null
                    ? RequiredScriptStatus.NotApplicable
                    : RequiredScriptStatus.Missing;
            }
            else
            {
                var inPlace = occurrences.FindIndex(o => InPlace(rule, o, anchor));
                status = inPlace >= 0 ? RequiredScriptStatus.Present : RequiredScriptStatus.Misplaced;
                shown = occurrences[inPlace >= 0 ? inPlace : 0];
            }

            string? quote = null;
            if (shown is { } o)
            {
                var normalized = _normalized[o.Segment]!;
                quote = normalized.Quote(o.Start, o.End);
            }

            return new RequiredScriptResult(rule.Id, rule.Version, rule.Category, rule.Placement, status, shown?.Segment, quote, anchor?.Segment);
        }

        private bool InPlace(ScriptRule rule, Occurrence o, Occurrence? anchor)
        {
            switch (rule.Placement)
            {
                case ScriptPlacement.Opening:
                case ScriptPlacement.EndOfCall:
                    return InWindow(rule, o.Segment);
                case ScriptPlacement.BeforeSensitiveAction:
                case ScriptPlacement.BeforePlan:
                    return anchor is not { } a || o.Segment < a.Segment || (o.Segment == a.Segment && o.Start < a.Start);
                default:
                    return true;
            }
        }

        private bool InWindow(ScriptRule rule, int s)
        {
            var window = rule.EffectiveWindow;
            var fromEnd = rule.Placement == ScriptPlacement.EndOfCall;
            if (window.Segments is { } count)
            {
                // The segment's rank among the side's segments, counted from the start or the end.
                var rank = 0;
                if (fromEnd)
                {
                    for (var i = s + 1; i < _segments.Count; i++)
                        rank += OnSide(rule.Side, i) ? 1 : 0;
                }
                else
                {
                    for (var i = 0; i < s; i++)
                        rank += OnSide(rule.Side, i) ? 1 : 0;
                }

                if (rank >= count)
                    return false;
            }

            if (window.Seconds is { } seconds && _segments[s].StartSeconds is { } start)
            {
                if (fromEnd)
                {
                    var callEnd = double.MinValue;
                    foreach (var segment in _segments)
                        callEnd = Math.Max(callEnd, segment.EndSeconds ?? segment.StartSeconds ?? double.MinValue);
                    var end = _segments[s].EndSeconds ?? start;
                    return end >= callEnd - seconds;
                }

                var callStart = double.MaxValue;
                foreach (var segment in _segments)
                    callStart = Math.Min(callStart, segment.StartSeconds ?? double.MaxValue);
                return start - callStart <= seconds;
            }

            return true;
        }

        private bool OnSide(ScriptSide side, int s) => side == ScriptSide.Both
            || (side == ScriptSide.Customer) == (_segments[s].Speaker == TranscriptSpeaker.Customer);
    }
}

/// <summary>A pattern split at its "……" gaps into normalised literal pieces.</summary>
internal sealed class PhrasePattern
{
    private PhrasePattern(IReadOnlyList<string> pieces, bool leadingGap, bool trailingGap)
    {
        Pieces = pieces;
        LeadingGap = leadingGap;
        TrailingGap = trailingGap;
    }

    /// <summary>The literal pieces in their matching form; between two pieces is a gap.</summary>
    public IReadOnlyList<string> Pieces { get; }

    /// <summary>The pattern starts with a gap.</summary>
    public bool LeadingGap { get; }

    /// <summary>The pattern ends with a gap.</summary>
    public bool TrailingGap { get; }

    /// <summary>Splits a pattern; false when nothing is left to match.</summary>
    public static bool TryParse(string? pattern, [NotNullWhen(true)] out PhrasePattern? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(pattern))
            return false;

        var pieces = new List<string>();
        var gapBefore = new List<bool>();
        var gapPending = false;
        var start = 0;
        var i = 0;
        while (i <= pattern.Length)
        {
            var gapLength = i < pattern.Length ? GapLength(pattern, i) : 0;
            if (i < pattern.Length && gapLength == 0)
            {
                i++;
                continue;
            }

            var piece = ChineseText.Normalize(pattern[start..i]).Value;
            if (piece.Length > 0)
            {
                pieces.Add(piece);
                gapBefore.Add(gapPending);
                gapPending = false;
            }

            if (i == pattern.Length)
                break;
            gapPending = true;
            i += gapLength;
            start = i;
        }

        if (pieces.Count == 0)
            return false;

        // A sentence end at the very start or end of a pattern ("你自己不会看吗？") must not demand one in the text.
        pieces[0] = pieces[0].TrimStart(ChineseText.SentenceEnd);
        pieces[^1] = pieces[^1].TrimEnd(ChineseText.SentenceEnd);
        if (pieces[0].Length == 0 || pieces[^1].Length == 0)
            return false;

        parsed = new PhrasePattern(pieces, gapBefore[0], gapPending);
        return true;
    }

    /// <summary>Length of the gap token at <paramref name="i"/>: a run of "…"/"⋯"/"‥", or of two or more dots, or of
    /// three or more "。"; 0 when there is none.</summary>
    private static int GapLength(string pattern, int i)
    {
        var j = i;
        while (j < pattern.Length && pattern[j] is '…' or '⋯' or '‥')
            j++;
        if (j > i)
            return j - i;
        while (j < pattern.Length && pattern[j] is '.' or '．')
            j++;
        if (j - i >= 2)
            return j - i;
        j = i;
        while (j < pattern.Length && pattern[j] == '。')
            j++;
        return j - i >= 3 ? j - i : 0;
    }
}
