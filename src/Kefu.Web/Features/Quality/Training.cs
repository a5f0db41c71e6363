using System.Globalization;
using Kefu.Web.Data;

namespace Kefu.Web.Features.Quality;

/// <summary>The kinds of training of seed 003 §5.4.</summary>
public enum TrainingKind
{
    /// <summary>新员工培训: the 3-day programme before a new agent takes calls.</summary>
    NewHire = 1,

    /// <summary>老员工培训: the monthly session (常见问题、新政策、技巧提升).</summary>
    Monthly = 2,

    /// <summary>进阶培训: for agents who do well (班组长管理技巧、投诉处理专家课程).</summary>
    Advanced = 3,

    /// <summary>Any other session (a new refund process, a system change …).</summary>
    AdHoc = 4,
}

/// <summary>A training session: what, when, who trained, and who attended with their result.</summary>
public sealed class TrainingSession : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public TrainingKind Kind { get; set; }
    public required string Title { get; set; }

    /// <summary>First day (China calendar).</summary>
    public DateOnly StartsOn { get; set; }

    /// <summary>How many days it runs (3 for the new-hire programme).</summary>
    public int Days { get; set; } = 1;

    /// <summary>The trainer's name (a colleague's user name or an outside trainer).</summary>
    public required string Trainer { get; set; }

    /// <summary>The programme, one line per item; the new-hire default has a line per day.</summary>
    public string? Agenda { get; set; }

    public string? CreatedBy { get; set; }
    public List<TrainingAttendance> Attendees { get; set; } = [];
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One agent on a session's list: whether they attended and, where the session tests, their score and pass.</summary>
public sealed class TrainingAttendance : ITimestamped
{
    public Guid SessionId { get; set; }
    public required string Agent { get; set; }
    public bool Attended { get; set; }

    /// <summary>Test score 0–100, where the session has a test.</summary>
    public int? Score { get; set; }

    public bool? Passed { get; set; }
    public string? Note { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>The default programmes and the completion rules of seed 003 §5.4.</summary>
public static class TrainingProgramme
{
    /// <summary>
    /// The new-hire programme: §5.4 names company culture, the call flow, product knowledge and communication skills
    /// (with role play of a complaint) over the 3 days before starting; the split over the days is ours, editable per session.
    /// </summary>
    public static readonly IReadOnlyList<string> NewHireDays =
    [
        "第1天：公司文化；话务流程（通话前准备、接入、问候与身份核实、需求识别与确认、问题解决、结束通话与后续跟进）",
        "第2天：产品知识（产品信息、售后政策、常见问题、知识库使用）；话术规范（必用话术、禁用话术及替代语）",
        "第3天：沟通技巧（共情、道歉、行动承诺，情绪激动客户的处理）；角色扮演：模拟客户投诉场景；结业考核",
    ];

    public const string MonthlyAgenda = "常见问题复盘；新政策解读（如最新退款流程）；技巧提升（如如何应对情绪激动的客户）";

    public const string AdvancedAgenda = "班组长管理技巧；投诉处理专家课程";

    public static string DefaultTitle(TrainingKind kind, DateOnly startsOn) => kind switch
    {
        TrainingKind.NewHire => "新员工岗前培训",
        TrainingKind.Monthly => string.Create(CultureInfo.InvariantCulture, $"{startsOn.Year}年{startsOn.Month}月专项培训"),
        TrainingKind.Advanced => "进阶培训",
        _ => "专题培训",
    };

    public static string? DefaultAgenda(TrainingKind kind) => kind switch
    {
        TrainingKind.NewHire => string.Join('\n', NewHireDays),
        TrainingKind.Monthly => MonthlyAgenda,
        TrainingKind.Advanced => AdvancedAgenda,
        _ => null,
    };

    public static int DefaultDays(TrainingKind kind) => kind == TrainingKind.NewHire ? 3 : 1;

    /// <summary>An agent's attendance as the completion check reads it.</summary>
    public sealed record AttendanceFact(string Agent, TrainingKind Kind, DateOnly StartsOn, bool Attended, bool? Passed);

    /// <summary>Where an agent stands: new-hire programme completed (attended and passed), this month's session attended.</summary>
    public sealed record AgentTrainingStatus(string Agent, bool NewHireCompleted, bool MonthlyAttended)
    {
        public IReadOnlyList<string> Missing =>
            [.. NewHireCompleted ? Array.Empty<string>() : ["newHire"], .. MonthlyAttended ? Array.Empty<string>() : ["monthly"]];
    }

    /// <summary>
    /// For each agent: completed the new-hire programme (attended a new-hire session and passed it) and attended a monthly
    /// session that started in <paramref name="month"/> (the month of <paramref name="month"/>'s day; invited but absent counts as missed).
    /// </summary>
    public static IReadOnlyList<AgentTrainingStatus> Check(IEnumerable<string> agents, IReadOnlyCollection<AttendanceFact> attendance, DateOnly month)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(attendance);
        return agents.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(agent => new AgentTrainingStatus(agent,
            attendance.Any(a => a.Agent == agent && a.Kind == TrainingKind.NewHire && a.Attended && a.Passed == true),
            attendance.Any(a => a.Agent == agent && a.Kind == TrainingKind.Monthly && a.Attended && a.StartsOn.Year == month.Year && a.StartsOn.Month == month.Month)))
            .ToList();
    }
}
