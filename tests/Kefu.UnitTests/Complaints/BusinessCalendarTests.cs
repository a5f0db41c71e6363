using Kefu.Web.Features.Complaints;

namespace Kefu.UnitTests.Complaints;

public sealed class BusinessCalendarTests
{
    // Mon–Fri 09:00–18:00 China time; 2026-11-23 is a Monday. China time = UTC+8.
    private static BusinessCalendar OfficeHours(params DateOnly[] holidays) => new(new BusinessHours
    {
        Opens = new TimeOnly(9, 0),
        Closes = new TimeOnly(18, 0),
        Days = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
        Holidays = [.. holidays],
    });

    private static DateTime China(int month, int day, int hour, int minute = 0) =>
        new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-8);

    [Fact]
    public void Add_WithinTheSameDay_IsPlainAddition() =>
        Assert.Equal(China(11, 23, 14), OfficeHours().Add(China(11, 23, 10), TimeSpan.FromHours(4)));

    [Fact]
    public void Add_PastClosingTime_ContinuesNextMorning() =>
        Assert.Equal(China(11, 24, 11), OfficeHours().Add(China(11, 23, 16), TimeSpan.FromHours(4)));

    [Fact]
    public void Add_OnFridayEvening_SkipsTheWeekend() =>
        Assert.Equal(China(11, 30, 10), OfficeHours().Add(China(11, 27, 17), TimeSpan.FromHours(2)));

    [Fact]
    public void Add_BeforeOpening_StartsAtOpening() =>
        Assert.Equal(China(11, 23, 11), OfficeHours().Add(China(11, 23, 6), TimeSpan.FromHours(2)));

    [Fact]
    public void Add_SkipsHolidays() =>
        Assert.Equal(China(11, 25, 10), OfficeHours(new DateOnly(2026, 11, 24)).Add(China(11, 23, 17), TimeSpan.FromHours(2)));

    [Fact]
    public void Between_CountsOnlyBusinessTime()
    {
        var calendar = OfficeHours();

        Assert.Equal(TimeSpan.FromHours(4), calendar.Between(China(11, 27, 16), China(11, 30, 11)));
        Assert.Equal(TimeSpan.Zero, calendar.Between(China(11, 28, 10), China(11, 29, 15)));
        Assert.Equal(TimeSpan.Zero, calendar.Between(China(11, 23, 12), China(11, 23, 11)));
    }

    [Fact]
    public void Constructor_RefusesHoursThatCloseBeforeTheyOpen() =>
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(new BusinessHours { Opens = new TimeOnly(18, 0), Closes = new TimeOnly(9, 0) }));
}

public sealed class ComplaintDeadlinesTests
{
    private static readonly BusinessCalendar AlwaysOpen = new(new BusinessHours { Opens = TimeOnly.MinValue, Closes = TimeOnly.MaxValue });
    private static readonly DateTime Now = new(2026, 11, 23, 2, 0, 0, DateTimeKind.Utc);

    private static Complaint NewComplaint(ComplaintSeverity severity = ComplaintSeverity.Medium) =>
        new() { Id = Guid.NewGuid(), Number = "TS-1", Summary = "x", Severity = severity, Urgency = ComplaintUrgency.Normal };

    [Fact]
    public void NewComplaint_GetsFirstResponseAndResolutionDeadlinesFromItsSeverity()
    {
        var complaint = NewComplaint(ComplaintSeverity.High);

        var added = ComplaintDeadlines.Reconcile(complaint, null, Now, new SlaOptions(), AlwaysOpen);

        Assert.Equal(Now.AddHours(2), added.Single(d => d.Kind == DeadlineKind.FirstResponse).DueAt);
        Assert.Equal(Now.AddHours(48), added.Single(d => d.Kind == DeadlineKind.Resolution).DueAt);
    }

    [Fact]
    public void UrgentComplaint_GetsHalfTheTime()
    {
        var complaint = NewComplaint(ComplaintSeverity.Medium);
        complaint.Urgency = ComplaintUrgency.Urgent;

        var added = ComplaintDeadlines.Reconcile(complaint, null, Now, new SlaOptions(), AlwaysOpen);

        Assert.Equal(Now.AddHours(2), added.Single(d => d.Kind == DeadlineKind.FirstResponse).DueAt);
    }

    [Fact]
    public void LeavingPreAssessment_MeetsTheFirstResponse()
    {
        var complaint = NewComplaint();
        ComplaintDeadlines.Reconcile(complaint, null, Now, new SlaOptions(), AlwaysOpen);
        var before = new ComplaintDeadlines.Before(ComplaintStep.PreAssessment, null, null);
        complaint.Step = ComplaintStep.FactFinding;

        ComplaintDeadlines.Reconcile(complaint, before, Now.AddHours(1), new SlaOptions(), AlwaysOpen);

        Assert.Equal(Now.AddHours(1), complaint.Deadlines.Single(d => d.Kind == DeadlineKind.FirstResponse).MetAt);
        Assert.Null(complaint.Deadlines.Single(d => d.Kind == DeadlineKind.Resolution).MetAt);
    }

    [Fact]
    public void ChangingThePromisedReply_ReplacesTheOldPromise()
    {
        var complaint = NewComplaint();
        complaint.Step = ComplaintStep.FactFinding;
        complaint.PromisedReplyAt = Now.AddHours(24);
        ComplaintDeadlines.Reconcile(complaint, new ComplaintDeadlines.Before(ComplaintStep.FactFinding, null, null), Now, new SlaOptions(), AlwaysOpen);

        complaint.PromisedReplyAt = Now.AddHours(2);
        ComplaintDeadlines.Reconcile(complaint, new ComplaintDeadlines.Before(ComplaintStep.FactFinding, Now.AddHours(24), null), Now, new SlaOptions(), AlwaysOpen);

        var promises = complaint.Deadlines.Where(d => d.Kind == DeadlineKind.PromisedReply).ToList();
        Assert.Equal(2, promises.Count);
        Assert.NotNull(promises[0].CancelledAt);
        Assert.Equal(Now.AddHours(2), promises.Single(d => d.IsOpen).DueAt);
    }

    [Fact]
    public void Resuming_MovesPausingDeadlinesByTheWaitButNotPromises()
    {
        var complaint = NewComplaint();
        ComplaintDeadlines.Reconcile(complaint, null, Now, new SlaOptions(), AlwaysOpen);
        complaint.Deadlines.Add(new ComplaintDeadline { Id = Guid.NewGuid(), Kind = DeadlineKind.Callback, DueAt = Now.AddHours(2), Description = "回电" });
        var resolution = complaint.Deadlines.Single(d => d.Kind == DeadlineKind.Resolution).DueAt;

        ComplaintDeadlines.Reconcile(complaint, new ComplaintDeadlines.Before(ComplaintStep.PreAssessment, null, Now), Now.AddHours(5), new SlaOptions(), AlwaysOpen);

        Assert.Equal(resolution.AddHours(5), complaint.Deadlines.Single(d => d.Kind == DeadlineKind.Resolution).DueAt);
        Assert.Equal(Now.AddHours(2), complaint.Deadlines.Single(d => d.Kind == DeadlineKind.Callback).DueAt);
    }

    [Fact]
    public void Closing_MeetsResolution_AndSchedulesTheReturnVisit()
    {
        var complaint = NewComplaint();
        ComplaintDeadlines.Reconcile(complaint, null, Now, new SlaOptions(), AlwaysOpen);
        complaint.Step = ComplaintStep.Closed;

        ComplaintDeadlines.Reconcile(complaint, new ComplaintDeadlines.Before(ComplaintStep.Review, null, null), Now.AddHours(30), new SlaOptions { ReturnVisitDays = 3 }, AlwaysOpen);

        Assert.NotNull(complaint.Deadlines.Single(d => d.Kind == DeadlineKind.Resolution).MetAt);
        Assert.Equal(Now.AddHours(30).AddDays(3), complaint.Deadlines.Single(d => d.Kind == DeadlineKind.ReturnVisit).DueAt);
    }
}
