using System.Globalization;
using System.Text.RegularExpressions;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Features.Quality;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Kefu.Web.Components.Pages.Quality;

/// <summary>How the quality pages (script rules, script checks, the writing assistant) name kinds, sides and statuses.</summary>
public static partial class QualityUi
{
    /// <summary>The rule kinds in the order the rules page groups them: 必用话术, 禁用话术, 避免句型, 正向话术.</summary>
    public static readonly IReadOnlyList<ScriptRuleKind> Kinds =
        [ScriptRuleKind.RequiredScript, ScriptRuleKind.ForbiddenPhrase, ScriptRuleKind.AvoidPhrase, ScriptRuleKind.PositivePhrase];

    public static string Kind(IStringLocalizer<SharedResource> l, ScriptRuleKind kind) => Or(l["ScriptKind_" + kind], kind.ToString());

    public static string Side(IStringLocalizer<SharedResource> l, ScriptSide side) => Or(l["ScriptSide_" + side], side.ToString());

    public static string Placement(IStringLocalizer<SharedResource> l, ScriptPlacement placement) => Or(l["ScriptPlacement_" + placement], placement.ToString());

    public static string Severity(IStringLocalizer<SharedResource> l, RuleSeverity severity) => Or(l["ScriptSeverity_" + severity], severity.ToString());

    public static string Status(IStringLocalizer<SharedResource> l, RequiredScriptStatus status) => Or(l["ScriptStatus_" + status], status.ToString());

    public static Color StatusColor(RequiredScriptStatus status) => status switch
    {
        RequiredScriptStatus.Present => Color.Success,
        RequiredScriptStatus.Missing => Color.Error,
        RequiredScriptStatus.Misplaced => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>问候语, 身份核实 … for the categories the seeds name; a category QA made up is shown as written.</summary>
    public static string Category(IStringLocalizer<SharedResource> l, string? category) =>
        string.IsNullOrEmpty(category) ? "—" : Or(l["ScriptCategory_" + category], category);

    /// <summary>A finding's kind as the API names it (forbidden, avoid, required-missing, positive, pii).</summary>
    public static string FindingKind(IStringLocalizer<SharedResource> l, QualityApi.FindingView finding) =>
        finding.Misplaced ? l["ScriptFinding_misplaced"] : Or(l["ScriptFinding_" + finding.Kind], finding.Kind);

    public static Color FindingColor(QualityApi.FindingView finding) => finding.Kind switch
    {
        "forbidden" or "pii" => Color.Error,
        "required-missing" => finding.Misplaced ? Color.Warning : Color.Error,
        "avoid" => Color.Warning,
        "positive" => Color.Success,
        _ => Color.Default,
    };

    public static string Pii(IStringLocalizer<SharedResource> l, PiiKind kind) => Or(l["ScriptPii_" + kind], kind.ToString());

    /// <summary>Seconds from answering as "m:ss"; a dash for written text and missing scripts.</summary>
    public static string Offset(double? seconds)
    {
        if (seconds is not { } value || !double.IsFinite(value))
        {
            return "—";
        }

        var span = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(value)));
        return span.TotalHours >= 1
            ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Where a finding is: "#3 · 0:42" (segments counted from 1, as people read them), "#1" for a written reply.</summary>
    public static string Where(QualityApi.FindingView finding) =>
        finding.Segment is not { } segment
            ? "—"
            : string.Create(CultureInfo.InvariantCulture, $"#{segment + 1}") + (finding.OffsetSeconds is null ? "" : " · " + Offset(finding.OffsetSeconds));

    /// <summary>One line per item (patterns, exceptions, anchors as QA type them), blanks dropped.</summary>
    public static List<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();

    /// <summary>
    /// What QA paste into the trial check: a transcript with one utterance per line ("坐席: …", "客户：…", optionally
    /// led by a time "[0:05]"), or — when no line names a speaker — a single written reply. A line without a speaker
    /// continues the utterance above it.
    /// </summary>
    public static TrialText ParseTrial(string? text)
    {
        var segments = new List<QualityApi.SegmentInput>();
        var lines = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        foreach (var line in lines)
        {
            var match = SpeakerLine().Match(line);
            if (match.Success)
            {
                var speaker = match.Groups["who"].Value.ToUpperInvariant() switch
                {
                    "客户" or "顾客" or "CUSTOMER" => "customer",
                    _ => "agent",
                };
                double? start = match.Groups["m"].Success
                    ? (int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) * 60) + int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture)
                    : null;
                segments.Add(new QualityApi.SegmentInput(speaker, start, null, match.Groups["text"].Value.Trim()));
            }
            else if (segments.Count > 0 && line.Trim().Length > 0)
            {
                var last = segments[^1];
                segments[^1] = last with { Text = (last.Text + "\n" + line.Trim()).Trim() };
            }
        }

        return segments.Count == 0 ? new TrialText(null, (text ?? "").Trim()) : new TrialText(segments, null);
    }

    private static string Or(LocalizedString text, string fallback) => text.ResourceNotFound ? fallback : text.Value;

    [GeneratedRegex(@"^\s*(?:[\[(（【]?(?<m>\d{1,3})[:：](?<s>[0-5]\d)[\])）】]?\s*)?(?<who>坐席|客服|客户|顾客|agent|customer)\s*[:：]\s*(?<text>.*)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SpeakerLine();
}

/// <summary>A trial-check input: transcript segments, or one written reply.</summary>
/// <param name="Segments">The utterances, when the text named speakers.</param>
/// <param name="Reply">The written reply otherwise.</param>
public sealed record TrialText(IReadOnlyList<QualityApi.SegmentInput>? Segments, string? Reply);
