using System.Security.Claims;
using System.Text;
using Kefu.Web.Features.Access;

namespace Kefu.Web.Features.Customers;

/// <summary>Phone number normalization, validation and role-based masking.</summary>
public static class PhoneNumbers
{
    /// <summary>Digits only (full-width digits folded to ASCII), keeping a leading '+'. Separators ( -.()) are dropped.</summary>
    public static string Normalize(string raw)
    {
        var text = raw.Trim();
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9')
            {
                builder.Append(c);
            }
            else if (c is >= '０' and <= '９')
            {
                builder.Append((char)('0' + (c - '０')));
            }
            else if ((c is '+' or '＋') && builder.Length == 0)
            {
                builder.Append('+');
            }
        }

        return builder.ToString();
    }

    /// <summary>A plausible phone number: 5–20 digits after normalization and nothing but separators besides.</summary>
    public static bool IsValid(string raw)
    {
        foreach (var c in raw.Trim())
        {
            if (!(char.IsAsciiDigit(c) || c is >= '０' and <= '９' || c is '+' or '＋' or ' ' or '-' or '(' or ')' or '.' or '　'))
            {
                return false;
            }
        }

        var digits = Normalize(raw).TrimStart('+');
        return digits.Length is >= 5 and <= 20;
    }

    /// <summary>Keeps the first 3 and last 4 digits: 13812345678 → 138****5678.</summary>
    public static string Mask(string number)
    {
        var plus = number.StartsWith('+') ? "+" : "";
        var digits = number.TrimStart('+');
        if (digits.Length <= 7)
        {
            return plus + new string('*', Math.Max(0, digits.Length - 2)) + digits[Math.Max(0, digits.Length - 2)..];
        }

        return plus + digits[..3] + new string('*', digits.Length - 7) + digits[^4..];
    }

    public static bool CanSeeFull(ClaimsPrincipal user) => KefuRoles.SeeFullPhone.Any(user.IsInRole);

    public static string ForViewer(string number, ClaimsPrincipal viewer) => CanSeeFull(viewer) ? number : Mask(number);
}
