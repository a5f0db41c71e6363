using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Customers;

/// <summary>
/// The editable fields of a customer, as sent to <c>POST</c> and <c>PUT /api/v1/customers</c>.
/// <c>phone</c> is the primary number; <c>otherPhones</c> are further numbers. On update, leaving out both
/// keeps the stored numbers (a viewer who sees them masked cannot send them back); an empty <c>phone</c> clears them.
/// </summary>
public sealed record CustomerInput(string? Name, string? Phone, string? Email, string? Note, IReadOnlyList<string>? OtherPhones = null)
{
    /// <summary>
    /// Checks every field (PII first: seed 003 §3.1) and returns the normalized phone list, or null when no phone
    /// field was sent at all; throws 400 naming each field.
    /// </summary>
    public IReadOnlyList<string>? Validate()
    {
        var errors = new FieldErrors()
            .Required("name", Name, 100).NoPii("name", Name)
            .NoPii("phone", Phone)
            .MaxLength("email", Email, 254).NoPii("email", Email)
            .MaxLength("note", Note, 4000);

        var phones = new List<string>();
        if (!string.IsNullOrWhiteSpace(Phone))
        {
            AddPhone(errors, "phone", Phone, phones);
        }

        if (OtherPhones is { Count: > 10 })
        {
            errors.Add("otherPhones", "must hold at most 10 numbers");
        }

        for (var i = 0; i < (OtherPhones?.Count ?? 0); i++)
        {
            var field = $"otherPhones[{i}]";
            var other = OtherPhones![i];
            errors.NoPii(field, other);
            if (string.IsNullOrWhiteSpace(Phone))
            {
                errors.Add("phone", "is required when otherPhones are given");
            }

            AddPhone(errors, field, other, phones);
        }

        if (!string.IsNullOrWhiteSpace(Email) && !LooksLikeEmail(Email))
        {
            errors.Add("email", "must be an e-mail address such as name@example.com");
        }

        errors.ThrowIfAny();
        return Phone is null && OtherPhones is null ? null : phones;
    }

    private static void AddPhone(FieldErrors errors, string field, string? raw, List<string> phones)
    {
        if (string.IsNullOrWhiteSpace(raw) || !PhoneNumbers.IsValid(raw))
        {
            errors.Add(field, "must be a phone number of 5 to 20 digits (spaces, dashes, brackets and a leading + allowed)");
            return;
        }

        phones.Add(PhoneNumbers.Normalize(raw));
    }

    private static bool LooksLikeEmail(string email)
    {
        var value = email.Trim();
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.') && !value.Any(char.IsWhiteSpace);
    }
}
