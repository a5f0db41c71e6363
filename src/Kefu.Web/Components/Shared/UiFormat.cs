using System.Globalization;

namespace Kefu.Web.Components.Shared;

/// <summary>How the pages show times and money, in one place so every page reads the same.</summary>
public static class UiFormat
{
    /// <summary>A stored UTC time in China time (the service center's clock, not the server's), to the minute.</summary>
    public static string Time(DateTime utc) => Features.Complaints.ComplaintTime.ToChina(AsUtc(utc)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTime? utc) => utc is { } value ? Time(value) : "";

    /// <summary>A stored UTC time as its calendar day in China.</summary>
    public static string Date(DateTime utc) => Features.Complaints.ComplaintTime.ToChina(AsUtc(utc)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>CNY as "¥1,299.00"; other currencies as "USD 12.50".</summary>
    public static string Money(decimal amount, string currency)
    {
        var number = amount.ToString("N2", CultureInfo.InvariantCulture);
        return string.Equals(currency, "CNY", StringComparison.Ordinal) ? "¥" + number : currency + " " + number;
    }

    /// <summary>A file size as "820 B", "12.3 KB", "10 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / 1024d / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    // The store hands back UTC values; SQLite loses the kind, so an unspecified kind is read as UTC.
    private static DateTime AsUtc(DateTime value) => value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
}
