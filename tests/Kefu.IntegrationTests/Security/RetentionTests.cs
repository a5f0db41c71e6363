using Kefu.IntegrationTests.Complaints;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Security;

/// <summary>An app on a fake clock (jobs off): the test moves time and runs retention itself.</summary>
public sealed class RetentionApp : KefuAppFactory
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);

    public RetentionApp()
    {
        Clock = new FakeTimeProvider(Start);
    }
}

public sealed class RetentionTests(RetentionApp app) : IClassFixture<RetentionApp>
{
    private static readonly RetentionOptions Options = new() { RecordingDays = 90, TranscriptDays = 30, ClosedComplaintDays = 365 };

    [Fact]
    public async Task OldRecordingsTranscriptsAndClosedComplaints_ArePurgedOrAnonymizedOnce_AcrossTwoConcurrentRuns_AndAudited()
    {
        var now = app.Clock!.GetUtcNow().UtcDateTime;
        var oldCall = await CallAsync(endedAt: now, segments: 3);
        var driver = await ComplaintDriver.StartAsync(app);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var complaint = await db.Complaints.SingleAsync(c => c.Id == driver.Id);
            complaint.Step = ComplaintStep.Closed;
            complaint.ClosedAt = now;
            complaint.ReplyContact = "林女士 13912345678";
            await db.SaveChangesAsync();
        }

        // Time passes: 400 days. A call from yesterday (by then) keeps everything.
        app.Clock.Advance(TimeSpan.FromDays(400));
        var later = app.Clock.GetUtcNow().UtcDateTime;
        var recentCall = await CallAsync(endedAt: later.AddDays(-1), segments: 2);

        var runs = await Task.WhenAll(
            Retention.RunAsync(app.Services, Options, later, CancellationToken.None),
            Retention.RunAsync(app.Services, Options, later, CancellationToken.None));

        Assert.Equal(1, runs.Sum(r => r.Recordings));
        Assert.Equal(1, runs.Sum(r => r.Transcripts));
        Assert.Equal(1, runs.Sum(r => r.Complaints));
        using var check = app.Services.CreateScope();
        var store = check.ServiceProvider.GetRequiredService<KefuDbContext>();
        var old = await store.Set<CallRecord>().AsNoTracking().SingleAsync(c => c.Id == oldCall);
        Assert.Null(old.RecordingUri);
        Assert.Null(old.RecordingSeconds);
        Assert.Equal(0, await store.Set<TranscriptSegment>().CountAsync(t => t.CallId == oldCall));
        var recent = await store.Set<CallRecord>().AsNoTracking().SingleAsync(c => c.Id == recentCall);
        Assert.NotNull(recent.RecordingUri);
        Assert.Equal(2, await store.Set<TranscriptSegment>().CountAsync(t => t.CallId == recentCall));
        var anonymized = await store.Complaints.AsNoTracking().SingleAsync(c => c.Id == driver.Id);
        Assert.Equal(Retention.AnonymizedSummary, anonymized.Summary);
        Assert.Null(anonymized.ReplyContact);

        var callAudits = await store.AuditEntries.AsNoTracking().Where(a => a.EntityId == oldCall && a.ActorName == "retention").ToListAsync();
        Assert.Single(callAudits, a => a.Changes.Contains("recording", StringComparison.Ordinal));
        Assert.Single(callAudits, a => a.Changes.Contains("transcript", StringComparison.Ordinal));
        Assert.Empty(await store.AuditEntries.AsNoTracking().Where(a => a.EntityId == recentCall).ToListAsync());
        var complaintAudits = await store.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "Complaint" && a.EntityId == driver.Id.ToString() && a.Changes.Contains(Retention.AnonymizedSummary)).ToListAsync();
        Assert.Single(complaintAudits);

        var again = await Retention.RunAsync(app.Services, Options, later, CancellationToken.None);
        Assert.Equal(new Retention.Result(0, 0, 0), again);
    }

    [Fact]
    public async Task ZeroDays_KeepEverything()
    {
        var call = await CallAsync(endedAt: app.Clock!.GetUtcNow().UtcDateTime.AddYears(-5), segments: 1);

        var result = await Retention.RunAsync(app.Services, new RetentionOptions(), app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None);

        Assert.Equal(new Retention.Result(0, 0, 0), result);
        using var scope = app.Services.CreateScope();
        Assert.NotNull((await scope.ServiceProvider.GetRequiredService<KefuDbContext>().Set<CallRecord>().AsNoTracking().SingleAsync(c => c.Id == call)).RecordingUri);
    }

    private async Task<string> CallAsync(DateTime endedAt, int segments)
    {
        var id = "ret-" + Guid.NewGuid().ToString("N")[..12];
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        db.Add(new CallRecord { Id = id, From = TestData.Mobile(), OfferedAt = endedAt.AddMinutes(-5), EndedAt = endedAt, RecordingUri = $"file:///recordings/{id}.wav", RecordingSeconds = 240 });
        for (var i = 0; i < segments; i++)
        {
            db.Add(new TranscriptSegment { Id = $"{id}-{i}", CallId = id, Speaker = TranscriptSpeaker.Customer, StartSeconds = i, EndSeconds = i + 1, Text = "我的手机号是 13912345678" });
        }

        await db.SaveChangesAsync();
        return id;
    }
}
