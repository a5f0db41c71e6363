namespace Kefu.Web.Features.Insights;

/// <summary>Whether a KPI is good when at or above its target, or at or below it.</summary>
public enum TargetDirection
{
    AtLeast = 1,
    AtMost = 2,
}

/// <summary>One KPI as the UI and the API explain it: the formula in words, the default target and its direction.</summary>
public sealed record KpiDefinition(string Key, string NameZh, string NameEn, string Formula, string Unit, double? DefaultTarget, TargetDirection Direction, string Source);

/// <summary>The call-center KPIs of seed 003 §5.2 and SPEC §4, plus the queue statistics supervisors expect.</summary>
public static class KpiDefinitions
{
    public static readonly IReadOnlyList<KpiDefinition> All =
    [
        new("connectionRate", "接通率", "Connection rate", "接通电话数量 / 总来电数量 = answered calls / offered calls", "ratio", 0.90, TargetDirection.AtLeast, "seed 003 §5.2"),
        new("averageHandleSeconds", "平均处理时长", "Average handle time (seed)", "总通话时长 / 接通电话数量 = Σ(answered → ended, hold included) / answered calls that ended",
            "seconds", 180, TargetDirection.AtMost, "seed 003 §5.2"),
        new("csat", "客户满意度", "Customer satisfaction", "满意客户数量 / 调查客户数量 = survey answers rated satisfied / survey answers", "ratio", 0.95,
            TargetDirection.AtLeast, "seed 003 §5.2"),
        new("firstContactResolution", "一次性解决率", "First contact resolution", "一次性解决问题数量 / 接通电话数量 = answered calls marked solved on first contact / answered calls",
            "ratio", 0.85, TargetDirection.AtLeast, "seed 003 §5.2"),
        new("answeredWithin3Rings", "响铃3声内接通率", "Answered within 3 rings", "answered calls whose last ring → answer ≤ 3 rings (15 s) / answered calls", "ratio", 0.95,
            TargetDirection.AtLeast, "seed 003 §2.2.2"),
        new("manualConnectionWithin15s", "人工接通率（15秒内）", "Reached an agent within 15 s", "queued calls ringing at an agent within 15 s of call.queued / queued calls", "ratio",
            0.90, TargetDirection.AtLeast, "seed 003 §2.2.1"),
        new("abandonRate", "放弃率", "Abandon rate", "queued calls that ended unanswered / queued calls", "ratio", 0.05, TargetDirection.AtMost, "industry"),
        new("industryAverageHandleSeconds", "平均处理时长（含话后处理）", "Average handle time (industry)", "Σ(talk + hold + wrap-up) / answered calls that ended", "seconds", null,
            TargetDirection.AtMost, "industry"),
        new("serviceLevel", "服务水平", "Service level", "queued calls answered within the threshold (20 s) of call.queued / queued calls answered (Asterisk ServicelevelPerf)",
            "ratio", 0.80, TargetDirection.AtLeast, "Asterisk app_queue"),
        new("serviceLevelPerf2", "服务水平（含放弃）", "Service level with abandons",
            "(answered within the threshold + unanswered within the threshold) / (answered + unanswered) queued calls (Asterisk ServicelevelPerf2)", "ratio", 0.80,
            TargetDirection.AtLeast, "Asterisk app_queue"),
        new("serviceLevelOffered", "服务水平（排除短放弃）", "Service level of offered calls",
            "queued calls answered within the threshold / (answered + unanswered − abandons shorter than the short-abandon threshold) queued calls", "ratio", 0.80,
            TargetDirection.AtLeast, "industry"),
        new("averageSpeedOfAnswerSeconds", "平均应答速度", "Average speed of answer", "Σ(call.queued → answered) / queued calls answered", "seconds", 20, TargetDirection.AtMost,
            "industry"),
        new("averageTalkSeconds", "平均通话时长", "Average talk time", "Σ talk (hold excluded) / answered calls that ended", "seconds", null, TargetDirection.AtMost, "industry"),
        new("averageHoldSeconds", "平均保持时长", "Average hold time", "Σ hold / answered calls that ended", "seconds", null, TargetDirection.AtMost, "industry"),
        new("averageWrapSeconds", "平均话后处理时长", "Average wrap-up time", "Σ wrap-up / calls whose wrap-up ended", "seconds", null, TargetDirection.AtMost, "industry"),
    ];

    public static KpiDefinition? Find(string key) => All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.Ordinal));
}

/// <summary>Counts of survey answers about calls (CSAT).</summary>
public sealed record SurveyTally(long Answers, long Satisfied)
{
    public static readonly SurveyTally None = new(0, 0);
}

/// <summary>Every call KPI of a period as fractions 0–1 and seconds; null when there is nothing to divide by.</summary>
public sealed record CallKpis(
    double? ConnectionRate, double? AverageHandleSeconds, double? Csat, double? FirstContactResolution, double? AnsweredWithin3Rings,
    double? ManualConnectionWithin15s, double? AbandonRate, double? IndustryAverageHandleSeconds, double? ServiceLevel, double? ServiceLevelPerf2,
    double? ServiceLevelOffered, double? AverageSpeedOfAnswerSeconds, double? AverageTalkSeconds, double? AverageHoldSeconds, double? AverageWrapSeconds)
{
    /// <summary>The seed's formulas over a tally (pure; unit-tested against hand-computed figures).</summary>
    public static CallKpis From(CallTally t, SurveyTally surveys)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(surveys);
        return new(
            ConnectionRate: Ratio(t.Answered, t.Offered),
            AverageHandleSeconds: Ratio(t.HandleMilliseconds / 1000.0, t.Handled),
            Csat: Ratio(surveys.Satisfied, surveys.Answers),
            FirstContactResolution: Ratio(t.SolvedOnFirstContact, t.Answered),
            AnsweredWithin3Rings: Ratio(t.AnsweredWithinRings, t.Answered),
            ManualConnectionWithin15s: Ratio(t.ReachedAgentInTarget, t.Queued),
            AbandonRate: Ratio(t.QueuedUnanswered, t.Queued),
            IndustryAverageHandleSeconds: Ratio((t.HandleMilliseconds / 1000.0) + t.WrapSeconds, t.Handled),
            ServiceLevel: Ratio(t.AnsweredWithinServiceLevel, t.AnsweredFromQueue),
            ServiceLevelPerf2: Ratio(t.AnsweredWithinServiceLevel + t.UnansweredWithinServiceLevel, t.AnsweredFromQueue + t.QueuedUnanswered),
            ServiceLevelOffered: Ratio(t.AnsweredWithinServiceLevel, t.AnsweredFromQueue + t.QueuedUnanswered - t.ShortAbandons),
            AverageSpeedOfAnswerSeconds: Ratio(t.AnswerWaitMilliseconds / 1000.0, t.AnsweredFromQueue),
            AverageTalkSeconds: Ratio(t.TalkSeconds, t.Handled),
            AverageHoldSeconds: Ratio(t.HoldSeconds, t.Handled),
            AverageWrapSeconds: Ratio(t.WrapSeconds, t.WrappedUp));
    }

    /// <summary>The value of the KPI named <paramref name="key"/> (a <see cref="KpiDefinition.Key"/>).</summary>
    public double? Value(string key) => key switch
    {
        "connectionRate" => ConnectionRate,
        "averageHandleSeconds" => AverageHandleSeconds,
        "csat" => Csat,
        "firstContactResolution" => FirstContactResolution,
        "answeredWithin3Rings" => AnsweredWithin3Rings,
        "manualConnectionWithin15s" => ManualConnectionWithin15s,
        "abandonRate" => AbandonRate,
        "industryAverageHandleSeconds" => IndustryAverageHandleSeconds,
        "serviceLevel" => ServiceLevel,
        "serviceLevelPerf2" => ServiceLevelPerf2,
        "serviceLevelOffered" => ServiceLevelOffered,
        "averageSpeedOfAnswerSeconds" => AverageSpeedOfAnswerSeconds,
        "averageTalkSeconds" => AverageTalkSeconds,
        "averageHoldSeconds" => AverageHoldSeconds,
        "averageWrapSeconds" => AverageWrapSeconds,
        _ => null,
    };

    /// <summary>Met, missed, or null when there is no value or no target.</summary>
    public static bool? Met(double? value, double? target, TargetDirection direction) => (value, target) switch
    {
        ({ } v, { } t) => direction == TargetDirection.AtLeast ? v >= t : v <= t,
        _ => null,
    };

    private static double? Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : null;
}
