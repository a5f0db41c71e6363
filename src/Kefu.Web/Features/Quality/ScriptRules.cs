using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kefu.Web.Features.Quality;

/// <summary>What a script rule asks of the agent (话术规范, seed 003 §5.1, seed 004, seed 003 §3.2).</summary>
public enum ScriptRuleKind
{
    /// <summary>必用话术: the phrase must be said, in the right place; a finding when it is missing or misplaced.</summary>
    RequiredScript = 1,

    /// <summary>禁用话术: a finding whenever the phrase is said; it has a replacement.</summary>
    ForbiddenPhrase = 2,

    /// <summary>应避免的句型 (seed 004): a lighter finding whenever the phrase is said.</summary>
    AvoidPhrase = 3,

    /// <summary>Empathy, apology and action-commitment phrases (seed 003 §3.2): counted in the agent's favour.</summary>
    PositivePhrase = 4,
}

/// <summary>Whose speech a rule looks at.</summary>
public enum ScriptSide
{
    /// <summary>Only the agent's segments (every default rule).</summary>
    Agent = 1,

    /// <summary>Only the customer's segments.</summary>
    Customer = 2,

    /// <summary>Both sides.</summary>
    Both = 3,
}

/// <summary>Where a required script must occur.</summary>
public enum ScriptPlacement
{
    /// <summary>Anywhere in the call; the only placement of forbidden, avoid and positive rules.</summary>
    Anywhere = 0,

    /// <summary>Within <see cref="ScriptRule.Window"/> from the start of the call (the greeting).</summary>
    Opening = 1,

    /// <summary>Before the first sensitive action, which <see cref="ScriptRule.AnchorPatterns"/> recognise (refund,
    /// address change, order lookup …). Applies only to calls that have such an action: without one, an absent
    /// script is not a finding (seed 003 §2.3: verification is for private or sensitive business).</summary>
    BeforeSensitiveAction = 2,

    /// <summary>Before the agent's plan or solution, which <see cref="ScriptRule.AnchorPatterns"/> recognise. Applies to
    /// every call; without a recognised plan the script only has to be present.</summary>
    BeforePlan = 3,

    /// <summary>Within <see cref="ScriptRule.Window"/> before the end of the call (the closing).</summary>
    EndOfCall = 4,
}

/// <summary>How much a finding weighs on its own; whether it fails the whole evaluation is <see cref="ScriptRule.Critical"/>.</summary>
public enum RuleSeverity
{
    /// <summary>Worth a coaching remark.</summary>
    Minor = 1,

    /// <summary>A clear breach of the script.</summary>
    Major = 2,
}

/// <summary>Where a rule applies: spoken calls, written replies (e-mail, chat, complaint letters) or both.</summary>
[Flags]
public enum RuleChannels
{
    /// <summary>Nowhere (a switched-off rule).</summary>
    None = 0,

    /// <summary>Call transcripts.</summary>
    Call = 1,

    /// <summary>Written replies.</summary>
    Written = 2,

    /// <summary>Both.</summary>
    All = Call | Written,
}

/// <summary>The stretch of a call a positional required script must fall in: the first (opening) or last (end of call)
/// <paramref name="Segments"/> segments of the rule's side, and — when the transcript has times — within
/// <paramref name="Seconds"/> of the start or end. A limit left null does not apply; both limits must hold when set.</summary>
/// <param name="Segments">How many of the side's segments count, at the start or at the end.</param>
/// <param name="Seconds">How many seconds from the call's start (opening) or before its end (end of call).</param>
public sealed record PlacementWindow(int? Segments, double? Seconds)
{
    /// <summary>The greeting's default: the agent's first two segments, starting within 20 s of answering.</summary>
    public static PlacementWindow DefaultOpening { get; } = new(2, 20);

    /// <summary>The closing's default: the agent's last three segments, within the last 45 s of the call.</summary>
    public static PlacementWindow DefaultEndOfCall { get; } = new(3, 45);
}

/// <summary>A rule's identity as a check used it: which version of which rule.</summary>
/// <param name="Id">The rule id.</param>
/// <param name="Version">Its version.</param>
public sealed record RuleVersion(string Id, int Version)
{
    /// <inheritdoc />
    public override string ToString() => Id + "@" + Version.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One service-script rule, as data that QA staff edit (JSON through <see cref="ScriptRuleJson"/>). A rule is versioned:
/// an edit saves it with <see cref="Version"/> + 1 and every check reports the versions it used.
/// </summary>
/// <remarks>
/// Pattern language: plain phrases, in Simplified or Traditional characters, full- or half-width, with or without
/// spaces and punctuation (all are normalised by <see cref="ChineseText"/> before matching); "……", "…" or "..." is a
/// gap that matches up to <see cref="MaxGap"/> characters within the same sentence, so "你应该……" matches
/// "你应该先看说明书" and "您的意思是……，对吗" matches "您的意思是您10月5日买的商品还没收到，对吗". Punctuation inside a
/// sentence (commas, colons, quotes) is ignored on both sides; sentence ends (。！？；, line breaks) stop a gap.
/// </remarks>
public sealed record ScriptRule
{
    /// <summary>Stable id, e.g. "forbidden-dont-know".</summary>
    public required string Id { get; init; }

    /// <summary>Version, from 1; raised on every edit.</summary>
    public int Version { get; init; } = 1;

    /// <summary>What the rule asks.</summary>
    public required ScriptRuleKind Kind { get; init; }

    /// <summary>The rule's category (<see cref="ScriptCategories"/> lists the default ones; QA may add others).</summary>
    public required string Category { get; init; }

    /// <summary>What QA staff see: the rule in words, with its source.</summary>
    public string? Description { get; init; }

    /// <summary>Alternative phrasings; the rule matches where any of them does.</summary>
    public required IReadOnlyList<string> Patterns { get; init; }

    /// <summary>Phrasings that look like a match but are not one (e.g. "我不知道您是否方便" for "我不知道"): a match is
    /// dropped where one of these matches over it.</summary>
    public IReadOnlyList<string> Exceptions { get; init; } = [];

    /// <summary>For forbidden and avoid phrases, what to say instead; for required scripts, the model script.</summary>
    public string? Replacement { get; init; }

    /// <summary>Whose speech the rule looks at.</summary>
    public ScriptSide Side { get; init; } = ScriptSide.Agent;

    /// <summary>Where a required script must occur; <see cref="ScriptPlacement.Anywhere"/> for other kinds.</summary>
    public ScriptPlacement Placement { get; init; } = ScriptPlacement.Anywhere;

    /// <summary>For <see cref="ScriptPlacement.Opening"/> and <see cref="ScriptPlacement.EndOfCall"/>; null takes
    /// <see cref="PlacementWindow.DefaultOpening"/> or <see cref="PlacementWindow.DefaultEndOfCall"/>.</summary>
    public PlacementWindow? Window { get; init; }

    /// <summary>For <see cref="ScriptPlacement.BeforeSensitiveAction"/> and <see cref="ScriptPlacement.BeforePlan"/>:
    /// phrases (same language as <see cref="Patterns"/>, on the rule's side) that mark the action or plan; the first
    /// one in the call is the point the script must come before.</summary>
    public IReadOnlyList<string> AnchorPatterns { get; init; } = [];

    /// <summary>How much a finding weighs on its own.</summary>
    public RuleSeverity Severity { get; init; } = RuleSeverity.Major;

    /// <summary>A finding of this rule fails the whole evaluation (auto-fail).</summary>
    public bool Critical { get; init; }

    /// <summary>Points the rule carries in a score: deducted per finding, credited per positive phrase.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>How many characters (after normalisation) a "……" gap may stand for.</summary>
    public int MaxGap { get; init; } = 40;

    /// <summary>Calls, written replies or both.</summary>
    public RuleChannels Channels { get; init; } = RuleChannels.All;

    /// <summary>The id and version a check records.</summary>
    [JsonIgnore]
    public RuleVersion IdAndVersion => new(Id, Version);

    /// <summary>The window that applies to a positional rule.</summary>
    [JsonIgnore]
    public PlacementWindow EffectiveWindow => Window ?? (Placement == ScriptPlacement.EndOfCall
        ? PlacementWindow.DefaultEndOfCall
        : PlacementWindow.DefaultOpening);

    /// <summary>What is wrong with a rule set, in words QA staff can act on; empty when it can be used.</summary>
    public static IReadOnlyList<string> Validate(IEnumerable<ScriptRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var rule in rules)
        {
            if (rule is null)
            {
                problems.Add($"Rule #{index} is empty.");
                index++;
                continue;
            }

            var name = string.IsNullOrWhiteSpace(rule.Id) ? $"Rule #{index}" : $"Rule '{rule.Id}'";
            if (string.IsNullOrWhiteSpace(rule.Id))
                problems.Add($"{name} has no id.");
            else if (!ids.Add(rule.Id))
                problems.Add($"{name} appears twice.");
            if (rule.Version < 1)
                problems.Add($"{name}: version must be 1 or more.");
            if (!Enum.IsDefined(rule.Kind))
                problems.Add($"{name}: unknown kind.");
            if (!Enum.IsDefined(rule.Side))
                problems.Add($"{name}: unknown side.");
            if (!Enum.IsDefined(rule.Placement))
                problems.Add($"{name}: unknown placement.");
            if (string.IsNullOrWhiteSpace(rule.Category))
                problems.Add($"{name} has no category.");
            if (rule.MaxGap is < 1 or > 200)
                problems.Add($"{name}: the gap length must be between 1 and 200 characters.");
            if (!double.IsFinite(rule.Weight) || rule.Weight < 0)
                problems.Add($"{name}: the weight must be a finite, non-negative number.");
            CheckPatterns(problems, name, "pattern", rule.Patterns, required: true);
            CheckPatterns(problems, name, "exception", rule.Exceptions, required: false);
            CheckPatterns(problems, name, "anchor", rule.AnchorPatterns, required: false);

            var anchored = rule.Placement is ScriptPlacement.BeforeSensitiveAction or ScriptPlacement.BeforePlan;
            if (rule.Kind != ScriptRuleKind.RequiredScript && rule.Placement != ScriptPlacement.Anywhere)
                problems.Add($"{name}: only required scripts have a placement.");
            if (anchored && (rule.AnchorPatterns is null || rule.AnchorPatterns.Count == 0))
                problems.Add($"{name}: placement {rule.Placement} needs anchor patterns that recognise the action or plan.");
            if (rule.Kind == ScriptRuleKind.PositivePhrase && rule.Critical)
                problems.Add($"{name}: a positive phrase cannot be critical.");
            if (rule.Window is { } window
                && (window.Segments is < 1 || window.Seconds is { } seconds && (!double.IsFinite(seconds) || seconds <= 0)))
                problems.Add($"{name}: the placement window needs a positive number of segments or seconds.");
            index++;
        }

        return problems;
    }

    private static void CheckPatterns(List<string> problems, string name, string what, IReadOnlyList<string>? patterns, bool required)
    {
        if (patterns is null || patterns.Count == 0)
        {
            if (required)
                problems.Add($"{name} has no {what}.");
            return;
        }

        foreach (var pattern in patterns)
        {
            if (!PhrasePattern.TryParse(pattern, out _))
                problems.Add($"{name}: {what} '{pattern}' has nothing to match once spaces, punctuation and gaps are removed.");
        }
    }
}

/// <summary>The default rule categories (a rule's category is free text; these are the ones the seeds name).</summary>
public static class ScriptCategories
{
    /// <summary>问候语.</summary>
    public const string Greeting = "greeting";

    /// <summary>身份核实.</summary>
    public const string IdentityVerification = "identity-verification";

    /// <summary>需求确认.</summary>
    public const string NeedConfirmation = "need-confirmation";

    /// <summary>结束语.</summary>
    public const string Closing = "closing";

    /// <summary>共情语句.</summary>
    public const string Empathy = "empathy";

    /// <summary>道歉语句.</summary>
    public const string Apology = "apology";

    /// <summary>行动承诺.</summary>
    public const string ActionCommitment = "action-commitment";

    /// <summary>禁用话术 that refuse, blame or brush the customer off.</summary>
    public const string ServiceAttitude = "service-attitude";

    /// <summary>Asking for what verification must never ask (ID number, bank card, password; seed 003 §3.1).</summary>
    public const string Privacy = "privacy";

    /// <summary>句型 to avoid with an upset customer (seed 004).</summary>
    public const string Wording = "wording";
}

/// <summary>The JSON form of rule sets, as QA staff edit and store them: camelCase properties, kebab-case enum values.</summary>
public static class ScriptRuleJson
{
    /// <summary>The serializer options every rule document uses; Chinese stays readable (not \u-escaped).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The rules as a JSON array.</summary>
    public static string Serialize(IEnumerable<ScriptRule> rules) => JsonSerializer.Serialize(rules, Options);

    /// <summary>Rules from a JSON array.</summary>
    /// <exception cref="JsonException">The JSON is not a rule array (unknown enum value, missing required property …).</exception>
    public static IReadOnlyList<ScriptRule> Deserialize(string json) =>
        JsonSerializer.Deserialize<List<ScriptRule>>(json, Options) ?? throw new JsonException("A rule set must be a JSON array.");

    /// <summary>One rule as JSON.</summary>
    public static string SerializeOne(ScriptRule rule) => JsonSerializer.Serialize(rule, Options);

    /// <summary>One rule from JSON.</summary>
    /// <exception cref="JsonException">The JSON is not a rule.</exception>
    public static ScriptRule DeserializeOne(string json) =>
        JsonSerializer.Deserialize<ScriptRule>(json, Options) ?? throw new JsonException("A rule must be a JSON object.");
}
