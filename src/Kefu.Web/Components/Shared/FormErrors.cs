using Kefu.Web.Infrastructure;
using Microsoft.Extensions.Localization;

namespace Kefu.Web.Components.Shared;

/// <summary>
/// The field errors of a <see cref="FieldValidationException"/>, ready to show next to the inputs of a form.
/// The use cases phrase their rules in English for API clients; the known ones are shown in the UI language.
/// </summary>
public sealed class FormErrors(IStringLocalizer<SharedResource> localizer)
{
    private Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Set(FieldValidationException exception) =>
        errors = new Dictionary<string, string[]>(exception.Errors, StringComparer.Ordinal);

    public void Clear() => errors.Clear();

    /// <summary>True when <paramref name="field"/> (or one of its items, as in <c>otherPhones[1]</c>) has an error.</summary>
    public bool Has(string field) => Matching(field).Any();

    /// <summary>The localized messages of <paramref name="field"/>, joined; empty when none.</summary>
    public string Text(string field) =>
        string.Join("；", Matching(field).SelectMany(e => e.Value).Select(Describe).Distinct(StringComparer.Ordinal));

    /// <summary>Each field of <paramref name="field"/> (itself and its items) with its localized messages, joined.</summary>
    public IReadOnlyList<(string Field, string Text)> Entries(string field) =>
        Matching(field).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key, string.Join("；", e.Value.Select(Describe).Distinct(StringComparer.Ordinal))))
            .ToList();

    /// <summary>Errors on fields the form does not show, as "field: message" lines for an alert.</summary>
    public IReadOnlyList<string> Others(params string[] shownFields) =>
        errors.Where(e => !shownFields.Any(f => Matches(e.Key, f)))
            .Select(e => FieldLabel(e.Key) + "：" + string.Join("；", e.Value.Select(Describe).Distinct(StringComparer.Ordinal)))
            .ToList();

    private IEnumerable<KeyValuePair<string, string[]>> Matching(string field) => errors.Where(e => Matches(e.Key, field));

    private static bool Matches(string key, string field) =>
        string.Equals(key, field, StringComparison.Ordinal) || key.StartsWith(field + "[", StringComparison.Ordinal);

    private string FieldLabel(string key)
    {
        var label = localizer["Field_" + key];
        return label.ResourceNotFound ? key : label.Value;
    }

    /// <summary>Maps a rule text of the use cases (see Infrastructure/FieldErrors.cs and the features) to the UI language.</summary>
    public string Describe(string rule)
    {
        var key = RuleKey(rule, out var argument);
        if (key is null)
        {
            return rule;
        }

        var text = argument is null ? localizer[key] : localizer[key, argument];
        return text.ResourceNotFound ? rule : text.Value;
    }

    private static string? RuleKey(string rule, out string? argument)
    {
        argument = null;
        const string MaxPrefix = "must be at most ";
        if (rule.StartsWith(MaxPrefix, StringComparison.Ordinal) && rule.EndsWith(" characters", StringComparison.Ordinal))
        {
            argument = rule[MaxPrefix.Length..^" characters".Length];
            return "Rule_MaxLength";
        }

        if (rule.Contains("national ID", StringComparison.OrdinalIgnoreCase) || rule == "NationalId")
        {
            return "Rule_NoNationalId";
        }

        if (rule.Contains("bank card", StringComparison.OrdinalIgnoreCase) || rule.Contains("bank-card", StringComparison.OrdinalIgnoreCase) || rule == "BankCard")
        {
            return "Rule_NoBankCard";
        }

        if ((rule.StartsWith("must not contain", StringComparison.Ordinal) && rule.Contains("password", StringComparison.OrdinalIgnoreCase)) || rule == "Password")
        {
            return "Rule_NoPassword";
        }

        // Complaint rules (Features/Complaints) that carry a number.
        const string ItemsPrefix = "must hold at most ";
        if (rule.StartsWith(ItemsPrefix, StringComparison.Ordinal) && (rule.EndsWith(" demands", StringComparison.Ordinal) || rule.EndsWith(" findings", StringComparison.Ordinal)))
        {
            argument = rule[ItemsPrefix.Length..rule.LastIndexOf(' ')];
            return "Rule_MaxItems";
        }

        const string BetweenPrefix = "must be between 0 and ";
        if (rule.StartsWith(BetweenPrefix, StringComparison.Ordinal) && !string.Equals(rule, BetweenPrefix + "100000000", StringComparison.Ordinal))
        {
            argument = rule[BetweenPrefix.Length..];
            return "Rule_AmountRangeMax";
        }

        // Evidence files and follow-ups (Features/Complaints/Attachments.cs, FollowUps.cs) that carry a number.
        if (Between(rule, "must be between 1 byte and ", " MB", out argument))
        {
            return "Rule_FileSize";
        }

        if (Between(rule, "at most ", " files per upload", out argument))
        {
            return "Rule_FilesPerUpload";
        }

        if (Between(rule, "a complaint holds at most ", " files", out argument))
        {
            return "Rule_FilesPerComplaint";
        }

        if (Between(rule, "must be within ", " hours: promise a time you can keep", out argument))
        {
            return "Rule_CallbackWithin";
        }

        return rule switch
        {
            "is required" => "Rule_Required",
            "at least one file is required" => "Rule_FileRequired",
            "must be between 1 and 5" => "Rule_Satisfaction",
            "is required when the customer was reached" => "Rule_SatisfactionRequired",
            _ when rule.StartsWith("must be an image (JPEG, PNG, GIF, WebP) or a PDF", StringComparison.Ordinal) => "Rule_FileType",
            _ when rule.StartsWith("is required (or withinHours)", StringComparison.Ordinal) => "Rule_CallbackTime",
            _ when rule.StartsWith("is required to finish an item", StringComparison.Ordinal) => "Rule_Outcome",
            "must be in the future" => "Rule_Future",
            "must be a date and time" => "Rule_DateTime",
            "needs at least one recorded demand to confirm" => "Rule_DemandsToConfirm",
            "is already the owner" => "Rule_AlreadyOwner",
            _ when rule.StartsWith("the customer has no e-mail address", StringComparison.Ordinal) => "Rule_CustomerNoEmail",
            _ when rule.StartsWith("the customer's e-mail address is not a valid address", StringComparison.Ordinal) => "Rule_CustomerEmailInvalid",
            "must name an existing customer" => "Rule_Customer",
            "must name an inquiry of this complaint" => "Rule_Inquiry",
            "is required when rejecting a plan" => "Rule_RejectReason",
            "is required for a refund or compensation" => "Rule_AmountRequired",
            _ when rule.StartsWith("must be in the future:", StringComparison.Ordinal) => "Rule_Future",
            _ when rule.StartsWith("must name an active staff member", StringComparison.Ordinal) => "Rule_ActiveStaff",
            _ when rule.StartsWith("must be the id, code or name of an active complaint category", StringComparison.Ordinal) => "Rule_Category",
            _ when rule.Contains(" does not close a ", StringComparison.Ordinal) => "Rule_ConfirmationKind",
            _ when rule.StartsWith("is required:", StringComparison.Ordinal) => "Rule_Choose",
            "is required when otherPhones are given" => "Rule_PhoneRequiredWithOthers",
            "must not be in the future" => "Rule_NotFuture",
            "must name an existing department" => "Rule_Department",
            _ when rule.StartsWith("is required: one of", StringComparison.Ordinal) => "Rule_Choose",
            _ when rule.StartsWith("must be one of", StringComparison.Ordinal) => "Rule_Choose",
            _ when rule.StartsWith("must be a phone number", StringComparison.Ordinal) => "Rule_Phone",
            _ when rule.StartsWith("must be an e-mail address", StringComparison.Ordinal) => "Rule_Email",
            _ when rule.StartsWith("must hold at most", StringComparison.Ordinal) => "Rule_MaxPhones",
            _ when rule.StartsWith("must be unique", StringComparison.Ordinal) => "Rule_Unique",
            _ when rule.StartsWith("must be between 0 and", StringComparison.Ordinal) => "Rule_AmountRange",
            _ when rule.StartsWith("must be a three-letter ISO 4217", StringComparison.Ordinal) => "Rule_Currency",
            _ when rule.StartsWith("may contain only letters, digits", StringComparison.Ordinal) => "Rule_CodeChars",
            _ when rule.StartsWith("Passwords must", StringComparison.Ordinal) => "Rule_PasswordWeak",
            _ when rule.Contains("is already taken", StringComparison.Ordinal) && rule.StartsWith("Username", StringComparison.Ordinal) => "Rule_UserNameTaken",
            _ when rule.Contains("can only contain letters or digits", StringComparison.Ordinal) => "Rule_UserNameInvalid",
            _ => null,
        };
    }

    private static bool Between(string rule, string prefix, string suffix, out string? argument)
    {
        argument = null;
        if (rule.Length <= prefix.Length + suffix.Length || !rule.StartsWith(prefix, StringComparison.Ordinal) || !rule.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        argument = rule[prefix.Length..^suffix.Length];
        return true;
    }
}
