namespace Kefu.Web.Features.Surveys;

/// <summary>One reason a customer can tick on the survey page.</summary>
public sealed class SurveyReason
{
    public string Code { get; set; } = "";
    public string Label { get; set; } = "";

    /// <summary>A praise (shown with high ratings) rather than a complaint.</summary>
    public bool Positive { get; set; }
}

/// <summary>Survey settings (<c>Kefu:Surveys</c>).</summary>
public sealed class SurveyOptions
{
    public const string Section = "Kefu:Surveys";

    /// <summary>Rating from which an answer counts as satisfied for CSAT (seed 003 §5.2: satisfied / surveyed).</summary>
    public int SatisfiedMinRating { get; set; } = 4;

    /// <summary>Days a link can be answered.</summary>
    public int ValidDays { get; set; } = 7;

    /// <summary>Preferred channel: sms (default), app or email. Falls back to sms, then e-mail, by what is known of the customer.</summary>
    public string Channel { get; set; } = "sms";

    /// <summary>Public address of Kefu for the link (e.g. https://kefu.example.com); default: Kefu:Mail:TrackingBaseUrl, then the local URL.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Invite after calls whose caller agreed / after closed complaints / after return visits.</summary>
    public bool AfterCalls { get; set; } = true;

    public bool AfterComplaints { get; set; } = true;
    public bool AfterReturnVisits { get; set; } = true;

    /// <summary>Reasons to tick; empty = <see cref="DefaultReasons"/>.</summary>
    public List<SurveyReason> Reasons { get; set; } = [];

    /// <summary>Answers per minute per client address on the public survey endpoints.</summary>
    public int PublicRequestsPerMinute { get; set; } = 60;

    public IReadOnlyList<SurveyReason> EffectiveReasons => Reasons.Count > 0 ? Reasons : DefaultReasons;

    /// <summary>Seed 003 §5.3 (collect satisfaction, find what to improve): what customers most often name.</summary>
    public static readonly IReadOnlyList<SurveyReason> DefaultReasons =
    [
        new() { Code = "wait-long", Label = "等待时间长" },
        new() { Code = "unresolved", Label = "问题未解决" },
        new() { Code = "attitude", Label = "态度不好" },
        new() { Code = "unprofessional", Label = "专业度不足" },
        new() { Code = "slow", Label = "处理速度慢" },
        new() { Code = "friendly", Label = "满意的服务态度", Positive = true },
        new() { Code = "solved", Label = "问题得到解决", Positive = true },
        new() { Code = "fast", Label = "处理及时", Positive = true },
        new() { Code = "professional", Label = "专业耐心", Positive = true },
    ];
}
