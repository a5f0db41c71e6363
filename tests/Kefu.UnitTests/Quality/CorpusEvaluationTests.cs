using System.Globalization;
using System.Text;
using System.Text.Json;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Quality;
using Xunit.Abstractions;

namespace Kefu.UnitTests.Quality;

/// <summary>
/// The default script rules measured on a labelled corpus (issue #6, "quality of the checks is measured"): precision and
/// recall per finding category on single lines (Quality/Corpus/labelled-lines.tsv) and, for the required scripts, on
/// whole short calls (Quality/Corpus/labelled-calls.json). docs/QUALITY.md reports the figures and the labelling rules.
/// </summary>
public sealed class CorpusEvaluationTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<CorpusEvaluation.LabelledLine>> Lines = new(() => CorpusEvaluation.LoadLines(CorpusEvaluation.CorpusPath("labelled-lines.tsv")));
    private static readonly Lazy<IReadOnlyList<CorpusEvaluation.LabelledCall>> Calls = new(() => CorpusEvaluation.LoadCalls(CorpusEvaluation.CorpusPath("labelled-calls.json")));

    [Fact]
    public void LineCorpus_IsWellFormed_AndCoversEveryRuleInBothScripts()
    {
        var problems = CorpusEvaluation.CheckLineCorpus(Lines.Value, TranscriptCheck.Default.Rules);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void CallCorpus_IsWellFormed_AndHasEveryStatusOfEveryRequiredScript()
    {
        var problems = CorpusEvaluation.CheckCallCorpus(Calls.Value, TranscriptCheck.Default.Rules);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void LineFindings_ReachTheTargetPrecisionAndRecall_InEveryCategory()
    {
        var result = CorpusEvaluation.EvaluateLines(TranscriptCheck.Default, Lines.Value);
        output.WriteLine(result.Report());
        foreach (var (split, lines) in CorpusEvaluation.Splits(Lines.Value, l => l.Id))
            output.WriteLine(CorpusEvaluation.EvaluateLines(TranscriptCheck.Default, lines).Summary(split));

        var below = result.Scores.Where(s => s.Precision < CorpusEvaluation.Target || s.Recall < CorpusEvaluation.Target).ToList();
        Assert.True(below.Count == 0, "Below " + CorpusEvaluation.Target.ToString(CultureInfo.InvariantCulture) + ": "
            + string.Join(", ", below.Select(s => s.Category)) + Environment.NewLine + result.Report());
    }

    [Fact]
    public void RequiredScripts_ReachTheTargetPrecisionAndRecall_OnWholeCalls()
    {
        var result = CorpusEvaluation.EvaluateCalls(TranscriptCheck.Default, Calls.Value);
        output.WriteLine(result.Report());
        foreach (var (split, calls) in CorpusEvaluation.Splits(Calls.Value, c => c.Id))
            output.WriteLine(CorpusEvaluation.EvaluateCalls(TranscriptCheck.Default, calls).Summary(split));

        var below = result.Scores.Where(s => s.Precision < CorpusEvaluation.Target || s.Recall < CorpusEvaluation.Target).ToList();
        Assert.True(below.Count == 0, "Below " + CorpusEvaluation.Target.ToString(CultureInfo.InvariantCulture) + ": "
            + string.Join(", ", below.Select(s => s.Category)) + Environment.NewLine + result.Report());
    }
}

/// <summary>Loading, checking and scoring the labelled corpus.</summary>
/// <remarks>
/// Scoring is per label: each line (or call) has a set of expected labels and the check yields a set of predicted ones;
/// a predicted label that was expected is a true positive, one that was not is a false positive, an expected label not
/// predicted is a false negative. A finding with the right category but the wrong rule is both. Categories: forbidden
/// (non-critical forbidden phrases), critical (the privacy rule that fails an evaluation), avoid, positive; and for
/// whole calls, required (a required script reported missing or misplaced).
/// </remarks>
public static class CorpusEvaluation
{
    /// <summary>The precision and recall every category must reach.</summary>
    public const double Target = 0.95;

    private static readonly string[] LineCategories = ["forbidden", "critical", "avoid", "positive"];

    private static readonly Dictionary<string, string> PositiveCategories = new(StringComparer.Ordinal)
    {
        ["empathy"] = ScriptCategories.Empathy,
        ["apology"] = ScriptCategories.Apology,
        ["commitment"] = ScriptCategories.ActionCommitment,
    };

    private static readonly string[] Statuses = ["present", "missing", "misplaced", "not-applicable"];

    /// <summary>A labelled line.</summary>
    public sealed record LabelledLine(string Id, bool Written, TranscriptSpeaker Speaker, bool Traditional, IReadOnlySet<string> Expected, string Text, string Note);

    /// <summary>A labelled call: the expected status of each required script.</summary>
    public sealed record LabelledCall(string Id, string Note, IReadOnlyDictionary<string, string> Expected, IReadOnlyList<SegmentToCheck> Segments);

    /// <summary>Precision and recall of one category.</summary>
    public sealed record Score(string Category, int Expected, int TruePositives, int FalsePositives, int FalseNegatives)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

        public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
    }

    /// <summary>One item the check got wrong.</summary>
    public sealed record Miss(string Id, string Text, IReadOnlyCollection<string> Expected, IReadOnlyCollection<string> Predicted);

    /// <summary>Scores per category, per label, and the items that were not classified as labelled.</summary>
    public sealed record Result(string Title, int Items, IReadOnlyList<Score> Scores, IReadOnlyList<Score> PerLabel, IReadOnlyList<Miss> Misses)
    {
        /// <summary>The table of scores per category, for one split of the corpus.</summary>
        public string Summary(string split)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Title}, {split}: {Items} items").AppendLine();
            AppendTable(text);
            return text.ToString();
        }

        public string Report()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Title}: {Items} items").AppendLine();
            AppendTable(text);
            text.AppendLine("Per label (expected / TP / FP / FN):");
            foreach (var s in PerLabel)
                text.Append(CultureInfo.InvariantCulture, $"  {s.Category}: {s.Expected} / {s.TruePositives} / {s.FalsePositives} / {s.FalseNegatives}").AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"Misclassified ({Misses.Count}):").AppendLine();
            foreach (var miss in Misses)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {miss.Id} {miss.Text}").AppendLine();
                text.Append(CultureInfo.InvariantCulture, $"      expected [{string.Join(' ', miss.Expected)}] got [{string.Join(' ', miss.Predicted)}]").AppendLine();
            }

            return text.ToString();
        }

        private void AppendTable(StringBuilder text)
        {
            text.AppendLine("| category | expected | TP | FP | FN | precision | recall |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var s in Scores)
                text.Append(CultureInfo.InvariantCulture, $"| {s.Category} | {s.Expected} | {s.TruePositives} | {s.FalsePositives} | {s.FalseNegatives} | {s.Precision:0.000} | {s.Recall:0.000} |").AppendLine();
        }
    }

    /// <summary>The corpus in the order it was written (docs/QUALITY.md): the development set the rules were revised
    /// on, then two held-out rounds, each scored once before the rules were revised again. Lines: ids "ho…" (round 1),
    /// "hb…" (round 2); calls: "h…" and "k…".</summary>
    public static IEnumerable<(string Split, List<T> Items)> Splits<T>(IReadOnlyList<T> items, Func<T, string> id)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(id);
        yield return ("development set", items.Where(i => SplitOf(id(i)) == 0).ToList());
        yield return ("held-out round 1", items.Where(i => SplitOf(id(i)) == 1).ToList());
        yield return ("held-out round 2", items.Where(i => SplitOf(id(i)) == 2).ToList());
    }

    private static int SplitOf(string id) =>
        id.StartsWith("ho", StringComparison.Ordinal) || (id.Length > 1 && id[0] == 'h' && char.IsAsciiDigit(id[1])) ? 1
        : id.StartsWith("hb", StringComparison.Ordinal) || (id.Length > 1 && id[0] == 'k' && char.IsAsciiDigit(id[1])) ? 2
        : 0;

    /// <summary>Where the corpus files are copied next to the tests.</summary>
    public static string CorpusPath(string file) => Path.Combine(AppContext.BaseDirectory, "Quality", "Corpus", file);

    public static IReadOnlyList<LabelledLine> LoadLines(string path)
    {
        var lines = new List<LabelledLine>();
        var header = true;
        foreach (var raw in File.ReadLines(path, Encoding.UTF8))
        {
            if (raw.Length == 0 || raw.StartsWith('#'))
                continue;
            if (header)
            {
                header = false; // column names
                continue;
            }

            var cells = raw.Split('\t');
            if (cells.Length is < 6 or > 7)
                throw new InvalidDataException($"Corpus row '{raw}' has {cells.Length} columns, not 6 or 7.");
            var expected = cells[4] == "none"
                ? new HashSet<string>(StringComparer.Ordinal)
                : new HashSet<string>(cells[4].Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            lines.Add(new LabelledLine(
                cells[0],
                cells[1] switch
                {
                    "call" => false,
                    "written" => true,
                    _ => throw new InvalidDataException($"{cells[0]}: channel '{cells[1]}' is not call or written."),
                },
                cells[2] switch
                {
                    "agent" => TranscriptSpeaker.Agent,
                    "customer" => TranscriptSpeaker.Customer,
                    _ => throw new InvalidDataException($"{cells[0]}: speaker '{cells[2]}' is not agent or customer."),
                },
                cells[3] switch
                {
                    "hans" => false,
                    "hant" => true,
                    _ => throw new InvalidDataException($"{cells[0]}: script '{cells[3]}' is not hans or hant."),
                },
                expected,
                cells[5],
                cells.Length > 6 ? cells[6] : ""));
        }

        return lines;
    }

    public static IReadOnlyList<LabelledCall> LoadCalls(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path, Encoding.UTF8));
        var calls = new List<LabelledCall>();
        foreach (var call in document.RootElement.GetProperty("calls").EnumerateArray())
        {
            var id = call.GetProperty("id").GetString()!;
            var raw = call.GetProperty("segments").EnumerateArray().ToList();
            var segments = new List<SegmentToCheck>();
            for (var i = 0; i < raw.Count; i++)
            {
                var start = raw[i].GetProperty("startSeconds").GetDouble();
                var end = i + 1 < raw.Count ? raw[i + 1].GetProperty("startSeconds").GetDouble() : start + 3;
                var speaker = raw[i].GetProperty("speaker").GetString() switch
                {
                    "agent" => TranscriptSpeaker.Agent,
                    "customer" => TranscriptSpeaker.Customer,
                    var other => throw new InvalidDataException($"{id}: speaker '{other}' is not agent or customer."),
                };
                segments.Add(new SegmentToCheck(speaker, start, end, raw[i].GetProperty("text").GetString()!));
            }

            var expected = call.GetProperty("expected").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            calls.Add(new LabelledCall(id, call.GetProperty("note").GetString() ?? "", expected, segments));
        }

        return calls;
    }

    /// <summary>The labels the check gives a line: its forbidden, critical, avoid and positive findings.</summary>
    public static IReadOnlySet<string> Predict(TranscriptCheck check, LabelledLine line)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(line);
        var report = line.Written
            ? check.CheckWrittenReply(line.Text)
            : check.Check([new SegmentToCheck(line.Speaker, 0, 5, line.Text)]);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var finding in report.Findings)
        {
            var label = finding.Kind switch
            {
                FindingKind.Forbidden => (finding.Critical ? "critical:" : "forbidden:") + finding.RuleId,
                FindingKind.Avoid => "avoid:" + finding.RuleId,
                FindingKind.Positive => "positive:" + (PositiveCategories.FirstOrDefault(p => p.Value == finding.Category).Key ?? finding.Category),
                _ => null, // required scripts are scored on whole calls
            };
            if (label is not null)
                labels.Add(label);
        }

        return labels;
    }

    public static Result EvaluateLines(TranscriptCheck check, IReadOnlyList<LabelledLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var items = lines.Select(line => (line.Id, line.Text, line.Expected, Predicted: Predict(check, line))).ToList();
        return ScoreItems("Script-rule findings on single lines", items, LineCategories);
    }

    /// <summary>The labels of a call: "missing:&lt;rule&gt;" or "misplaced:&lt;rule&gt;" per required script that is not in place.</summary>
    public static IReadOnlySet<string> Predict(TranscriptCheck check, LabelledCall call)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(call);
        var report = check.Check(call.Segments);
        return report.RequiredScripts
            .Where(r => r.Status is RequiredScriptStatus.Missing or RequiredScriptStatus.Misplaced)
            .Select(r => (r.Status == RequiredScriptStatus.Missing ? "missing:" : "misplaced:") + r.RuleId)
            .ToHashSet(StringComparer.Ordinal);
    }

    public static Result EvaluateCalls(TranscriptCheck check, IReadOnlyList<LabelledCall> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var items = calls.Select(call =>
        {
            var expected = call.Expected
                .Where(e => e.Value is "missing" or "misplaced")
                .Select(e => e.Value + ":" + e.Key)
                .ToHashSet(StringComparer.Ordinal);
            var text = string.Join(" / ", call.Segments.Select(s => (s.Speaker == TranscriptSpeaker.Agent ? "A: " : "C: ") + s.Text));
            return (call.Id, Text: call.Note + " — " + text, Expected: (IReadOnlySet<string>)expected, Predicted: Predict(check, call));
        }).ToList();
        return ScoreItems("Required scripts on whole calls", items, ["required"], _ => "required");
    }

    /// <summary>What is wrong with the line corpus: unknown labels, scripts that do not match the text, too few examples.</summary>
    public static IReadOnlyList<string> CheckLineCorpus(IReadOnlyList<LabelledLine> lines, IReadOnlyList<ScriptRule> rules)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<string>();
        if (lines.Count < 300)
            problems.Add($"The corpus has {lines.Count} lines; it needs at least 300.");
        foreach (var duplicate in lines.GroupBy(l => l.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"Id {duplicate.Key} appears {duplicate.Count()} times.");

        var known = KnownLabels(rules);
        foreach (var line in lines)
        {
            foreach (var label in line.Expected.Where(l => !known.Contains(l)))
                problems.Add($"{line.Id}: unknown label '{label}'.");
            if (line.Written && line.Speaker != TranscriptSpeaker.Agent)
                problems.Add($"{line.Id}: a written reply is the agent's.");
            if (line.Speaker == TranscriptSpeaker.Customer && line.Expected.Count > 0)
                problems.Add($"{line.Id}: every default rule looks at the agent only; a customer line expects none.");
            if (ChineseText.TraditionalConversionAvailable && ChineseText.IsMainlyTraditional(line.Text) != line.Traditional)
                problems.Add($"{line.Id}: labelled {(line.Traditional ? "hant" : "hans")} but the text is not.");
        }

        // Every forbidden and avoid rule, and every positive category, several times in each script; negatives too.
        foreach (var label in known)
        {
            foreach (var traditional in new[] { false, true })
            {
                var count = lines.Count(l => l.Traditional == traditional && l.Expected.Contains(label));
                if (count < 3)
                    problems.Add($"'{label}' has {count} {(traditional ? "Traditional" : "Simplified")} examples; it needs at least 3.");
            }
        }

        var trickyNegatives = lines.Count(l => l.Expected.Count == 0 && l.Note.Length > 0 && l.Speaker == TranscriptSpeaker.Agent);
        if (trickyNegatives < 60)
            problems.Add($"Only {trickyNegatives} annotated agent lines with nothing to find (tricky negatives); at least 60 are needed.");

        if (lines.Count(l => l.Speaker == TranscriptSpeaker.Customer) < 20)
            problems.Add("Fewer than 20 customer lines.");
        if (lines.Count(l => l.Written) < 20)
            problems.Add("Fewer than 20 written replies.");
        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>What is wrong with the call corpus.</summary>
    public static IReadOnlyList<string> CheckCallCorpus(IReadOnlyList<LabelledCall> calls, IReadOnlyList<ScriptRule> rules)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<string>();
        if (calls.Count < 40)
            problems.Add($"The call corpus has {calls.Count} calls; it needs at least 40.");
        var required = rules.Where(r => r.Kind == ScriptRuleKind.RequiredScript && r.Channels.HasFlag(RuleChannels.Call)).ToList();
        foreach (var call in calls)
        {
            foreach (var rule in required.Where(r => !call.Expected.ContainsKey(r.Id)))
                problems.Add($"{call.Id}: no expected status for '{rule.Id}'.");
            foreach (var (rule, status) in call.Expected)
            {
                if (!required.Exists(r => r.Id == rule))
                    problems.Add($"{call.Id}: '{rule}' is not a required script.");
                if (!Statuses.Contains(status, StringComparer.Ordinal))
                    problems.Add($"{call.Id}: unknown status '{status}'.");
            }
        }

        foreach (var rule in required)
        {
            foreach (var status in new[] { "present", "missing", "misplaced" })
            {
                if (!calls.Any(c => c.Expected.TryGetValue(rule.Id, out var s) && s == status))
                    problems.Add($"No call where '{rule.Id}' is {status}.");
            }
        }

        return problems;
    }

    private static HashSet<string> KnownLabels(IReadOnlyList<ScriptRule> rules)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            switch (rule.Kind)
            {
                case ScriptRuleKind.ForbiddenPhrase:
                    known.Add((rule.Critical ? "critical:" : "forbidden:") + rule.Id);
                    break;
                case ScriptRuleKind.AvoidPhrase:
                    known.Add("avoid:" + rule.Id);
                    break;
                case ScriptRuleKind.PositivePhrase:
                    known.Add("positive:" + (PositiveCategories.FirstOrDefault(p => p.Value == rule.Category).Key ?? rule.Category));
                    break;
            }
        }

        return known;
    }

    private static Result ScoreItems(
        string title,
        List<(string Id, string Text, IReadOnlySet<string> Expected, IReadOnlySet<string> Predicted)> items,
        string[] categories,
        Func<string, string>? categoryOf = null)
    {
        categoryOf ??= label => label[..label.IndexOf(':', StringComparison.Ordinal)];
        var perLabel = new SortedDictionary<string, (int Expected, int Tp, int Fp, int Fn)>(StringComparer.Ordinal);
        var misses = new List<Miss>();
        foreach (var item in items)
        {
            foreach (var label in item.Expected.Union(item.Predicted))
            {
                var counts = perLabel.GetValueOrDefault(label);
                var expected = item.Expected.Contains(label);
                var predicted = item.Predicted.Contains(label);
                perLabel[label] = (counts.Expected + (expected ? 1 : 0), counts.Tp + (expected && predicted ? 1 : 0),
                    counts.Fp + (!expected && predicted ? 1 : 0), counts.Fn + (expected && !predicted ? 1 : 0));
            }

            if (!item.Expected.SetEquals(item.Predicted))
                misses.Add(new Miss(item.Id, item.Text, [.. item.Expected.Order(StringComparer.Ordinal)], [.. item.Predicted.Order(StringComparer.Ordinal)]));
        }

        var scores = categories.Select(category =>
        {
            var labels = perLabel.Where(p => categoryOf(p.Key) == category).Select(p => p.Value).ToList();
            return new Score(category, labels.Sum(l => l.Expected), labels.Sum(l => l.Tp), labels.Sum(l => l.Fp), labels.Sum(l => l.Fn));
        }).ToList();
        var unknown = perLabel.Keys.Where(label => !categories.Contains(categoryOf(label), StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException("Labels outside the scored categories: " + string.Join(", ", unknown));
        var labelScores = perLabel.Select(p => new Score(p.Key, p.Value.Expected, p.Value.Tp, p.Value.Fp, p.Value.Fn)).ToList();
        return new Result(title, items.Count, scores, labelScores, misses);
    }
}
