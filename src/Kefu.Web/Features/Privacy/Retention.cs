using System.Text.Json;
using Kefu.Web.Data;
using Kefu.Web.Features.Audit;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Privacy;

/// <summary>How long personal data is kept (<c>Kefu:Retention:*</c>, days; 0 keeps it forever).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Kefu:Retention";

    /// <summary>Recording metadata (URI and length) of calls that ended longer ago than this.</summary>
    public int RecordingDays { get; set; }

    /// <summary>Transcript segments of calls that ended longer ago than this.</summary>
    public int TranscriptDays { get; set; }

    /// <summary>Closed complaints closed longer ago than this are anonymized (their free text about the customer cleared).</summary>
    public int ClosedComplaintDays { get; set; }

    /// <summary>At most this many calls or complaints per kind in one run.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Applies the retention periods. Every action is conditional on the data still being there (a recording URI not yet
/// cleared, transcript rows still present, a complaint not yet anonymized) and is saved together with its audit entry
/// in one transaction; a second instance doing the same run at the same time finds nothing left to do (or loses the
/// optimistic-concurrency race) and writes no audit entry, so each action happens and is audited once.
/// </summary>
public static class Retention
{
    public const string AnonymizedSummary = "（已按保留期限匿名化）";

    public sealed record Result(int Recordings, int Transcripts, int Complaints);

    public static async Task<Result> RunAsync(IServiceProvider services, RetentionOptions options, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var recordings = options.RecordingDays > 0 ? await PurgeRecordingsAsync(services, now.AddDays(-options.RecordingDays), options.BatchSize, now, cancellationToken) : 0;
        var transcripts = options.TranscriptDays > 0 ? await PurgeTranscriptsAsync(services, now.AddDays(-options.TranscriptDays), options.BatchSize, now, cancellationToken) : 0;
        var complaints = options.ClosedComplaintDays > 0 ? await AnonymizeComplaintsAsync(services, now.AddDays(-options.ClosedComplaintDays), options.BatchSize, now, cancellationToken) : 0;
        return new Result(recordings, transcripts, complaints);
    }

    private static async Task<int> PurgeRecordingsAsync(IServiceProvider services, DateTime cutoff, int batch, DateTime now, CancellationToken cancellationToken)
    {
        var ids = await ReadAsync(services, db => db.Set<CallRecord>().Where(c => c.EndedAt < cutoff && (c.RecordingUri != null || c.RecordingSeconds != null))
            .OrderBy(c => c.EndedAt).Select(c => c.Id).Take(batch).ToListAsync(cancellationToken));
        var done = 0;
        foreach (var id in ids)
        {
            var version = Guid.NewGuid();
            done += await InTransactionAsync(services, async db =>
            {
                var cleared = await db.Set<CallRecord>().Where(c => c.Id == id && (c.RecordingUri != null || c.RecordingSeconds != null))
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.RecordingUri, (string?)null).SetProperty(c => c.RecordingSeconds, (int?)null).SetProperty(c => c.Version, version), cancellationToken);
                if (cleared > 0)
                {
                    db.AuditEntries.Add(Audit(nameof(CallRecord), id, now, "recording", "purged after the retention period"));
                }

                return cleared;
            }, cancellationToken);
        }

        return done;
    }

    private static async Task<int> PurgeTranscriptsAsync(IServiceProvider services, DateTime cutoff, int batch, DateTime now, CancellationToken cancellationToken)
    {
        var ids = await ReadAsync(services, db => db.Set<TranscriptSegment>()
            .Where(t => db.Set<CallRecord>().Any(c => c.Id == t.CallId && c.EndedAt < cutoff))
            .Select(t => t.CallId).Distinct().OrderBy(c => c).Take(batch).ToListAsync(cancellationToken));
        var done = 0;
        foreach (var id in ids)
        {
            done += await InTransactionAsync(services, async db =>
            {
                var deleted = await db.Set<TranscriptSegment>().Where(t => t.CallId == id).ExecuteDeleteAsync(cancellationToken);
                if (deleted > 0)
                {
                    db.AuditEntries.Add(Audit(nameof(CallRecord), id, now, "transcript", $"{deleted} segments deleted after the retention period"));
                }

                return deleted > 0 ? 1 : 0;
            }, cancellationToken);
        }

        return done;
    }

    private static async Task<int> AnonymizeComplaintsAsync(IServiceProvider services, DateTime cutoff, int batch, DateTime now, CancellationToken cancellationToken)
    {
        var ids = await ReadAsync(services, db => db.Complaints.Where(c => c.ClosedAt < cutoff && c.Summary != AnonymizedSummary)
            .OrderBy(c => c.ClosedAt).Select(c => c.Id).Take(batch).ToListAsync(cancellationToken));
        var done = 0;
        foreach (var id in ids)
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var complaint = await db.Complaints.SingleOrDefaultAsync(c => c.Id == id && c.Summary != AnonymizedSummary, cancellationToken);
            if (complaint is null)
            {
                continue;
            }

            // The customer's own words and details go; the case's facts for statistics (category, dates, step) stay.
            complaint.Summary = AnonymizedSummary;
            complaint.ReplyContact = null;
            complaint.PeopleInvolved = null;
            complaint.EventPlace = null;
            complaint.EvidenceNotes = null;
            complaint.EmotionNotes = null;
            complaint.CustomerImpact = null;
            complaint.FactSummary = null;
            complaint.CoreProblem = null;
            complaint.ContactGoal = null;
            complaint.Demands = [];
            try
            {
                await db.SaveChangesAsync(cancellationToken); // the audit interceptor records the change in the same transaction
                done++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance (or a person) changed it first; the next run looks again.
            }
        }

        return done;
    }

    private static async Task<T> ReadAsync<T>(IServiceProvider services, Func<KefuDbContext, Task<T>> read)
    {
        using var scope = services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<KefuDbContext>());
    }

    private static async Task<int> InTransactionAsync(IServiceProvider services, Func<KefuDbContext, Task<int>> action, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var count = await action(db);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    private static AuditEntry Audit(string entityType, string entityId, DateTime now, string field, string what) => new()
    {
        Id = Ids.New(),
        At = now,
        ActorId = null,
        ActorName = "retention",
        EntityType = entityType,
        EntityId = entityId,
        Action = AuditAction.Updated,
        Changes = JsonSerializer.Serialize(new[] { new FieldChange(field, "(kept)", what) }, Data.Interceptors.AuditJson.Options),
    };
}
