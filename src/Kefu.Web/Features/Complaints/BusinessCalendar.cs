namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Working hours of the service center (<c>Kefu:Sla:BusinessHours</c>): SLA clocks run only inside them.
/// Defaults: every day 08:00–22:00 China time, as many Chinese hotlines run; holidays are whole days off.
/// <c>Closes</c> = 23:59:59.9999999 (TimeOnly.MaxValue) means open until midnight (a 24-hour center with 00:00 opening).
/// </summary>
public sealed class BusinessHours
{
    public string TimeZone { get; set; } = "Asia/Shanghai";
    public TimeOnly Opens { get; set; } = new(8, 0);
    public TimeOnly Closes { get; set; } = new(22, 0);
    public List<DayOfWeek> Days { get; set; } = [.. Enum.GetValues<DayOfWeek>()];
    public List<DateOnly> Holidays { get; set; } = [];
}

/// <summary>Adds and measures business time (pure functions of the configured hours; all instants in UTC).</summary>
public sealed class BusinessCalendar
{
    private readonly BusinessHours hours;
    private readonly TimeZoneInfo zone;

    public BusinessCalendar(BusinessHours hours)
    {
        if (hours.Closes <= hours.Opens)
        {
            throw new ArgumentException("Business hours must close after they open on the same day.", nameof(hours));
        }

        this.hours = hours;
        zone = TimeZoneInfo.FindSystemTimeZoneById(hours.TimeZone);
    }

    /// <summary>The instant that lies <paramref name="duration"/> of business time after <paramref name="startUtc"/>.</summary>
    public DateTime Add(DateTime startUtc, TimeSpan duration)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(startUtc, DateTimeKind.Utc), zone);
        var remaining = duration;
        for (var guard = 0; guard < 3700; guard++)
        {
            var (open, close) = Window(DateOnly.FromDateTime(local));
            if (open is not null && local < close)
            {
                var from = local < open ? open.Value : local;
                var available = close!.Value - from;
                if (remaining <= available)
                {
                    return TimeZoneInfo.ConvertTimeToUtc(from + remaining, zone);
                }

                remaining -= available;
            }

            local = DateOnly.FromDateTime(local).AddDays(1).ToDateTime(TimeOnly.MinValue);
        }

        throw new InvalidOperationException("No business hours within ten years: check Kefu:Sla:BusinessHours.");
    }

    /// <summary>Business time between two instants (zero when <paramref name="toUtc"/> is not later).</summary>
    public TimeSpan Between(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc <= fromUtc)
        {
            return TimeSpan.Zero;
        }

        var from = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc), zone);
        var to = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(toUtc, DateTimeKind.Utc), zone);
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(from); day <= DateOnly.FromDateTime(to); day = day.AddDays(1))
        {
            var (open, close) = Window(day);
            if (open is null)
            {
                continue;
            }

            var start = open.Value > from ? open.Value : from;
            var end = close!.Value < to ? close.Value : to;
            if (end > start)
            {
                total += end - start;
            }
        }

        return total;
    }

    private (DateTime? Open, DateTime? Close) Window(DateOnly day) =>
        hours.Days.Contains(day.DayOfWeek) && !hours.Holidays.Contains(day)
            ? (day.ToDateTime(hours.Opens), hours.Closes == TimeOnly.MaxValue ? day.AddDays(1).ToDateTime(TimeOnly.MinValue) : day.ToDateTime(hours.Closes))
            : (null, null);
}
