using Kefu.Web.Features.Privacy;

namespace Kefu.Web.Infrastructure;

/// <summary>Collects field errors for one request and throws them together, so a client sees every broken rule at once.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public FieldErrors Add(string field, string rule)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(rule);
        return this;
    }

    public FieldErrors Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required");
        }

        return MaxLength(field, value, maxLength);
    }

    public FieldErrors MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }

        return this;
    }

    /// <summary>Seed 003 §3.1: a structured field must never hold an ID number, a full bank-card number or a password.</summary>
    public FieldErrors NoPii(string field, string? value)
    {
        foreach (var kind in PiiDetector.Find(value).Select(m => m.Kind).Distinct())
        {
            Add(field, PiiDetector.RuleName(kind));
        }

        return this;
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new FieldValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
