using System.Globalization;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Times as people read them: China time (北京时间), whatever the server's own time zone is, in pages, timeline and
/// notification texts alike. Stored times stay UTC.
/// </summary>
public static class ComplaintTime
{
    private static readonly TimeZoneInfo Zone = FindZone();

    /// <summary>A UTC instant as China wall-clock time.</summary>
    public static DateTime ToChina(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>A China wall-clock time (e.g. typed into a form) as a UTC instant.</summary>
    public static DateTime FromChina(DateTime china) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(china, DateTimeKind.Unspecified), Zone);

    /// <summary>e.g. "2026-11-24 10:00（北京时间）" for a UTC instant.</summary>
    public static string China(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "（北京时间）";

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("UTC+08", TimeSpan.FromHours(8), "UTC+08", "UTC+08");
        }
    }
}
