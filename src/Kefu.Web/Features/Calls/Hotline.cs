using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kefu.Web.Data;
using Kefu.Web.Features.Complaints;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// A hotline number with its IVR menu tree and business hours. Each leaf of the menu is a queue. Outside business
/// hours the caller hears <see cref="AfterHoursPrompt"/> and can leave a callback request or a voicemail.
/// </summary>
public sealed class Hotline : IVersioned, ITimestamped
{
    public Guid Id { get; set; }

    /// <summary>The dialled number, digits only, e.g. "4008001234".</summary>
    public required string Number { get; set; }

    public required string Name { get; set; }

    /// <summary>Played when the call arrives, before the menu options.</summary>
    public required string Greeting { get; set; }

    /// <summary>The menu tree as JSON (<see cref="IvrOption"/> list); use <see cref="Menu"/>.</summary>
    public string MenuJson { get; set; } = "[]";

    /// <summary>Opening time, China time "HH:mm".</summary>
    public string OpensAt { get; set; } = "08:00";

    /// <summary>Closing time, China time "HH:mm"; equal to <see cref="OpensAt"/> means open around the clock.</summary>
    public string ClosesAt { get; set; } = "22:00";

    /// <summary>Open weekdays, ISO numbers 1 (Monday) to 7 (Sunday), e.g. "1234567".</summary>
    public string OpenDays { get; set; } = "1234567";

    public required string AfterHoursPrompt { get; set; }
    public AfterHoursMode AfterHoursMode { get; set; } = AfterHoursMode.Callback;

    /// <summary>Played for a digit that is not on the menu.</summary>
    public string InvalidChoicePrompt { get; set; } = "您的输入有误，请重新选择。";

    public bool IsDefault { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<IvrOption> Menu
    {
        get => IvrMenu.Parse(MenuJson);
        set => MenuJson = IvrMenu.Serialize(value);
    }

    /// <summary>Whether the hotline is open at <paramref name="utcNow"/> (business hours are China time).</summary>
    public bool IsOpen(DateTime utcNow)
    {
        var local = ComplaintTime.ToChina(utcNow);
        var day = local.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)local.DayOfWeek;
        if (!OpenDays.Contains(day.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            return false;
        }

        var opens = TimeOnly.ParseExact(OpensAt, "HH:mm", CultureInfo.InvariantCulture);
        var closes = TimeOnly.ParseExact(ClosesAt, "HH:mm", CultureInfo.InvariantCulture);
        var now = TimeOnly.FromDateTime(local);
        if (opens == closes)
        {
            return true;
        }

        return opens < closes ? now >= opens && now < closes : now >= opens || now < closes;
    }
}

/// <summary>What the caller can do outside business hours.</summary>
public enum AfterHoursMode
{
    /// <summary>Leave a callback request (press 1).</summary>
    Callback = 1,

    /// <summary>Record a voicemail.</summary>
    Voicemail = 2,
}

/// <summary>One IVR menu option: a digit, its label and prompt, and either a queue (leaf) or a sub-menu.</summary>
public sealed record IvrOption(string Digit, string Label, string? Prompt, string? Queue, IReadOnlyList<IvrOption>? Options)
{
    [JsonIgnore]
    public bool IsLeaf => Options is null || Options.Count == 0;
}

/// <summary>A caller's place in an IVR menu: the option reached (null at the top), the level offered next, whether the
/// last key pressed was on the menu, and whether every key was.</summary>
public sealed record IvrPosition(IvrOption? Node, IReadOnlyList<IvrOption> Level, bool LastKeyValid, bool AllKeysValid);

/// <summary>Parsing, validation and navigation of IVR menu trees.</summary>
public static class IvrMenu
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The default menu of SPEC §2: 1 查询订单, 2 售后, 3 投诉建议, 0 人工.</summary>
    public static IReadOnlyList<IvrOption> Default { get; } =
    [
        new("1", "查询订单", "查询订单请按1。", "orders", null),
        new("2", "售后", "售后服务请按2。", "after-sales", null),
        new("3", "投诉建议", "投诉建议请按3。", "complaints", null),
        new("0", "人工", "人工服务请按0。", "general", null),
    ];

    public static IReadOnlyList<IvrOption> Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<List<IvrOption>>(json, Json) ?? [];

    public static string Serialize(IReadOnlyList<IvrOption> menu) => JsonSerializer.Serialize(menu, Json);

    /// <summary>Follows <paramref name="digits"/> down the tree; null when a digit is not on the menu at its level.</summary>
    public static IvrOption? Navigate(IReadOnlyList<IvrOption> menu, IReadOnlyList<string> digits) =>
        Walk(menu, digits) is { AllKeysValid: true } position ? position.Node : null;

    /// <summary>
    /// Where a caller is after pressing <paramref name="digits"/>: a key that is not on the menu at its level is skipped
    /// (the caller heard the invalid-choice prompt and chose again); keys after a leaf are ignored.
    /// </summary>
    public static IvrPosition Walk(IReadOnlyList<IvrOption> menu, IEnumerable<string> digits)
    {
        ArgumentNullException.ThrowIfNull(menu);
        ArgumentNullException.ThrowIfNull(digits);
        IvrOption? node = null;
        var level = menu;
        var lastValid = true;
        var allValid = true;
        foreach (var digit in digits)
        {
            if (node is { IsLeaf: true })
            {
                allValid = false; // pressed after the menu already routed the call
                break;
            }

            var next = level.FirstOrDefault(o => string.Equals(o.Digit, digit, StringComparison.Ordinal));
            lastValid = next is not null;
            allValid &= lastValid;
            if (next is null)
            {
                continue;
            }

            node = next;
            level = next.Options ?? [];
        }

        return new IvrPosition(node, level, lastValid, allValid);
    }

    /// <summary>The prompt read for a level: each option's prompt (or "label请按digit").</summary>
    public static string PromptFor(IReadOnlyList<IvrOption> level) =>
        string.Concat(level.Select(o => o.Prompt ?? $"{o.Label}请按{o.Digit}。"));

    /// <summary>Checks a tree: digits 0–9, * or #, unique per level; every leaf names a known queue; at most 4 levels.</summary>
    public static void Validate(IReadOnlyList<IvrOption>? menu, IReadOnlySet<string> queues, Infrastructure.FieldErrors errors, string field = "menu")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (menu is null || menu.Count == 0)
        {
            errors.Add(field, "must have at least one option");
            return;
        }

        Check(menu, field, 1);

        void Check(IReadOnlyList<IvrOption> level, string path, int depth)
        {
            if (depth > 4)
            {
                errors.Add(path, "is nested too deep (at most 4 levels)");
                return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < level.Count; i++)
            {
                var option = level[i];
                var at = $"{path}[{i}]";
                if (option.Digit is not { Length: 1 } d || !"0123456789*#".Contains(d, StringComparison.Ordinal))
                {
                    errors.Add(at + ".digit", "must be one key: 0-9, * or #");
                }
                else if (!seen.Add(d))
                {
                    errors.Add(at + ".digit", $"'{d}' is used twice on this level");
                }

                if (string.IsNullOrWhiteSpace(option.Label) || option.Label.Length > 40)
                {
                    errors.Add(at + ".label", "is required (at most 40 characters)");
                }

                if (option.Prompt is { Length: > 500 })
                {
                    errors.Add(at + ".prompt", "must be at most 500 characters");
                }

                if (option.IsLeaf)
                {
                    if (option.Queue is null || !queues.Contains(option.Queue))
                    {
                        errors.Add(at + ".queue", "must name a configured queue (a menu leaf routes to a queue)");
                    }
                }
                else
                {
                    if (option.Queue is not null)
                    {
                        errors.Add(at + ".queue", "must be empty on an option with a sub-menu");
                    }

                    Check(option.Options!, at + ".options", depth + 1);
                }
            }
        }
    }
}
