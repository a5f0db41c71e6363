using System.Net.Http.Json;
using System.Text.Json;

namespace Kefu.IntegrationTests;

/// <summary>Unique test values, so tests that share one store never collide.</summary>
internal static class TestData
{
    private static int counter = Random.Shared.Next(1_000_000);

    /// <summary>A mainland mobile number that no other test uses: 139 + 8 unique digits.</summary>
    public static string Mobile() => "139" + (Interlocked.Increment(ref counter) % 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    public static string Name(string stem) => $"{stem}{Guid.NewGuid().ToString("N")[..6]}";

    public static string OrderNumber() => "KF" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A valid 18-digit ID number (checksum computed per GB 11643).</summary>
    public static string NationalId(string first17 = "11010519900307123")
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    /// <summary>A Luhn-valid card number starting with <paramref name="prefix"/>.</summary>
    public static string BankCard(string prefix = "622202123456789")
    {
        for (var check = 0; check <= 9; check++)
        {
            var candidate = prefix + check;
            if (Luhn(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
