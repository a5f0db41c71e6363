using System.Globalization;

namespace Kefu.Web.Features.Complaints;

/// <summary>Times written into timeline and notification texts: read by Chinese staff and customers, so China time.</summary>
public static class ComplaintTime
{
    private static readonly TimeZoneInfo Zone = FindZone();

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
