using Kefu.Web.Data;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Quality;

/// <summary>
/// A coaching item (辅导项) for one agent: what QA or a supervisor wants improved, by when, often from an evaluation.
/// Open → Acknowledged (by the agent) → Done (with the outcome), or Cancelled while not done.
/// </summary>
public sealed class CoachingItem : IVersioned, ITimestamped
{
    public Guid Id { get; set; }

    /// <summary>User name of the coached agent.</summary>
    public required string Agent { get; set; }

    /// <summary>The evaluation that gave rise to it, if any.</summary>
    public Guid? EvaluationId { get; set; }

    public required string Topic { get; set; }

    /// <summary>What to improve and how (e.g. "结束通话前询问其他需求并使用规范结束语").</summary>
    public required string Improvement { get; set; }

    /// <summary>The China calendar day by which it should be done.</summary>
    public DateOnly? DueOn { get; set; }

    public CoachingStatus Status { get; set; } = CoachingStatus.Open;
    public required string CreatedBy { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }

    /// <summary>What came of it (Done) or why it was dropped (Cancelled).</summary>
    public string? Outcome { get; set; }

    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsClosed => Status is CoachingStatus.Done or CoachingStatus.Cancelled;

    /// <summary>Past its due day (China time) and not closed.</summary>
    public bool IsOverdue(DateOnly today) => !IsClosed && DueOn is { } due && today > due;

    /// <summary>The coached agent confirms they have read it.</summary>
    public void Acknowledge(string? by, DateTime now)
    {
        if (!string.Equals(by, Agent, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Only the coached agent may acknowledge a coaching item.");
        }

        if (Status != CoachingStatus.Open)
        {
            throw new ConflictException("Only an open coaching item can be acknowledged.", ["coachingNotOpen"]);
        }

        Status = CoachingStatus.Acknowledged;
        AcknowledgedAt = now;
    }

    /// <summary>Done, after the agent acknowledged it, with what came of it.</summary>
    public void Complete(string outcome, string by, DateTime now)
    {
        if (Status != CoachingStatus.Acknowledged)
        {
            throw new ConflictException("A coaching item is done only after the agent acknowledged it.", ["coachingNotAcknowledged"]);
        }

        Status = CoachingStatus.Done;
        Close(outcome, by, now);
    }

    public void Cancel(string reason, string by, DateTime now)
    {
        if (IsClosed)
        {
            throw new ConflictException("The coaching item is closed already.", ["coachingClosed"]);
        }

        Status = CoachingStatus.Cancelled;
        Close(reason, by, now);
    }

    private void Close(string outcome, string by, DateTime now)
    {
        Outcome = outcome;
        ClosedBy = by;
        ClosedAt = now;
    }
}

public enum CoachingStatus
{
    Open = 1,
    Acknowledged = 2,
    Done = 3,
    Cancelled = 4,
}
