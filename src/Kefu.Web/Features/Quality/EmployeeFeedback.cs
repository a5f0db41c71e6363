using Kefu.Web.Data;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Quality;

/// <summary>What a piece of employee feedback is about.</summary>
public enum FeedbackCategory
{
    /// <summary>流程: a process step that does not work.</summary>
    Process = 1,

    /// <summary>系统: the CRM, telephony, tools.</summary>
    System = 2,

    /// <summary>话术: a script or phrase rule.</summary>
    Script = 3,

    /// <summary>知识库: missing or stale answers (seed 003's example: 知识库更新不及时).</summary>
    Knowledge = 4,

    /// <summary>客户: what customers keep asking for or complaining about.</summary>
    Customer = 5,

    Other = 6,
}

public enum FeedbackStatus
{
    Open = 1,
    Answered = 2,
    Closed = 3,
}

/// <summary>
/// A problem or suggestion a front-line colleague raises, typically at the monthly staff meeting (员工座谈会, seed 003
/// §5.3): answered by a supervisor, closed, and where it needs a change, turned into an improvement item for a department.
/// </summary>
public sealed class EmployeeFeedback : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string Topic { get; set; }
    public required string Text { get; set; }
    public FeedbackCategory Category { get; set; }

    /// <summary>The month of the meeting it was raised for, e.g. "2026-11".</summary>
    public required string MeetingMonth { get; set; }

    public required string RaisedBy { get; set; }
    public FeedbackStatus Status { get; set; } = FeedbackStatus.Open;
    public string? Response { get; set; }
    public string? AnsweredBy { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public string? ClosedBy { get; set; }
    public DateTime? ClosedAt { get; set; }

    /// <summary>The improvement item it was turned into (Features/Improvements), if any.</summary>
    public Guid? ImprovementItemId { get; set; }

    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>A supervisor's answer; it may be revised until the item is closed.</summary>
    public void Answer(string response, string by, DateTime now)
    {
        if (Status == FeedbackStatus.Closed)
        {
            throw new ConflictException("The feedback is closed.", ["feedbackClosed"]);
        }

        Status = FeedbackStatus.Answered;
        Response = response;
        AnsweredBy = by;
        AnsweredAt = now;
    }

    public void Close(string by, DateTime now)
    {
        if (Status != FeedbackStatus.Answered)
        {
            throw new ConflictException("Feedback is closed after it has been answered.", ["feedbackNotAnswered"]);
        }

        Status = FeedbackStatus.Closed;
        ClosedBy = by;
        ClosedAt = now;
    }

    public void LinkImprovement(Guid improvementItemId)
    {
        if (ImprovementItemId is not null)
        {
            throw new ConflictException("The feedback has an improvement item already.", ["feedbackHasImprovement"]);
        }

        if (Status == FeedbackStatus.Closed)
        {
            throw new ConflictException("The feedback is closed.", ["feedbackClosed"]);
        }

        ImprovementItemId = improvementItemId;
    }
}
