using System.Globalization;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Kefu.Web.Components.Pages.Complaints;

/// <summary>How the complaint pages name steps, gates, severities and problems, in the UI language.</summary>
public static class ComplaintUi
{
    /// <summary>The format of an <c>&lt;input type="datetime-local"&gt;</c> value.</summary>
    public const string LocalInputFormat = "yyyy-MM-dd'T'HH:mm";

    /// <summary>Success messages of the workspace are brief: an agent saves and advances many times in a row.</summary>
    public static void Brief(SnackbarOptions options) => options.VisibleStateDuration = 2000;

    /// <summary>The steps a complaint goes through, in order (Closed is the end, not a step).</summary>
    public static readonly IReadOnlyList<ComplaintStep> Steps =
    [
        ComplaintStep.PreAssessment, ComplaintStep.FactFinding, ComplaintStep.Responsibility,
        ComplaintStep.Plan, ComplaintStep.Execution, ComplaintStep.Review,
    ];

    /// <summary>"1 投诉预判" … "已结案"; the domain's <see cref="ComplaintActions.StepName"/> when no translation exists.</summary>
    public static string Step(IStringLocalizer<SharedResource> l, ComplaintStep step) =>
        Or(l["Step_" + step], ComplaintActions.StepName(step));

    /// <summary>The gate's description in the UI language; the domain's (Chinese) text when no translation exists.</summary>
    public static string Gate(IStringLocalizer<SharedResource> l, string code, string description) =>
        Or(l["Gate_" + code], description);

    public static string Gate(IStringLocalizer<SharedResource> l, Gate gate) => Gate(l, gate.Code, gate.Description);

    public static Color SeverityColor(ComplaintSeverity severity) => severity switch
    {
        ComplaintSeverity.Critical => Color.Error,
        ComplaintSeverity.High => Color.Warning,
        ComplaintSeverity.Medium => Color.Info,
        _ => Color.Default,
    };

    public static Color StepColor(ComplaintStep step) => step == ComplaintStep.Closed ? Color.Success : Color.Primary;

    /// <summary>A promised time that has passed while the complaint is still open.</summary>
    public static bool IsOverdue(DateTime? promisedUtc, ComplaintStep step, DateTime nowUtc) =>
        step != ComplaintStep.Closed && promisedUtc is { } promised && AsUtc(promised) < nowUtc;

    /// <summary>The state a deadline shows: the stored one, except that an open deadline already past due reads as overdue
    /// before the sweeper gets to it — unless its clock is paused while the case waits on the customer.</summary>
    public static string DeadlineState(ComplaintView.DeadlineView deadline, DateTime? waitingSince, DateTime nowUtc) =>
        deadline.State == "Open" && AsUtc(deadline.DueAt) < nowUtc && !IsPaused(deadline, waitingSince) ? "Overdue" : deadline.State;

    /// <summary>SLA clocks (first response, resolution) pause while waiting on the customer; promises do not (<see cref="ComplaintDeadline.Pauses"/>).</summary>
    public static bool IsPaused(ComplaintView.DeadlineView deadline, DateTime? waitingSince) =>
        waitingSince is not null && deadline.State is "Open" or "Overdue" && deadline.Kind is DeadlineKind.FirstResponse or DeadlineKind.Resolution;

    public static Color DeadlineColor(string state) => state switch
    {
        "Met" => Color.Success,
        "Overdue" => Color.Error,
        "Open" => Color.Info,
        _ => Color.Default,
    };

    /// <summary>A conflict of the domain (closed, step not reached …) in the UI language; its own message when unknown.</summary>
    public static string Conflict(IStringLocalizer<SharedResource> l, ConflictException conflict)
    {
        foreach (var reason in conflict.Reasons)
        {
            var code = reason.Split(':')[0];
            var text = l["Conflict_" + code];
            if (!text.ResourceNotFound)
            {
                return text.Value;
            }
        }

        if (conflict.Message.StartsWith("The complaint is closed", StringComparison.Ordinal))
        {
            return l["Conflict_closed"];
        }

        return conflict.Message;
    }

    /// <summary>A stored UTC time as the value of a datetime-local input, in China time like <see cref="Shared.UiFormat"/>.</summary>
    public static string? ToLocalInput(DateTime? utc) =>
        utc is { } value ? ComplaintTime.ToChina(AsUtc(value)).ToString(LocalInputFormat, CultureInfo.InvariantCulture) : null;

    /// <summary>A datetime-local input value (China time) as a UTC <see cref="DateTime"/>; null when empty; false when unreadable.</summary>
    public static bool TryReadLocalInput(string? text, out DateTime? local)
    {
        local = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        string[] formats = [LocalInputFormat, "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"];
        if (DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            local = ComplaintTime.FromChina(parsed);
            return true;
        }

        return false;
    }

    /// <summary>Category names as a path, "物流 / 配送延迟", from a flat tree.</summary>
    public static IReadOnlyList<CategoryOption> CategoryOptions(IReadOnlyList<ComplaintCategory> categories)
    {
        var byId = categories.ToDictionary(c => c.Id);
        string Path(ComplaintCategory c) => c.ParentId is { } parent && byId.TryGetValue(parent, out var p) ? Path(p) + " / " + c.Name : c.Name;
        (int, int) Order(ComplaintCategory c) => c.ParentId is { } parent && byId.TryGetValue(parent, out var p) ? (p.SortOrder, c.SortOrder) : (c.SortOrder, 0);
        return categories.OrderBy(Order).Select(c => new CategoryOption(c.Id, Path(c), c.IsActive)).ToList();
    }

    private static string Or(LocalizedString text, string fallback) => text.ResourceNotFound ? fallback : text.Value;

    private static DateTime AsUtc(DateTime value) => value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
}

/// <summary>A category to pick, named by its path in the tree.</summary>
public sealed record CategoryOption(Guid Id, string Path, bool IsActive);

/// <summary>A staff member or department to pick.</summary>
public sealed record PickOption(Guid Id, string Name);
