using System.Text.Json;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Quality;

/// <summary>One criterion of the evaluation form, with its weight (the weights of a form add up to 100).</summary>
public sealed record EvaluationCriterion(string Id, string Name, int Weight, string? Guidance);

/// <summary>The evaluation form (issue #6 point 4; seeds 002 and 003 §5.3).</summary>
public static class EvaluationForm
{
    /// <summary>Default criteria: the §5.3 review points (script compliance, need identification, resolution efficiency,
    /// empathy, identity verification) and seed 002's 尊重 = 理解 + 认可 and 真诚 = 情感 + 帮助.</summary>
    public static IReadOnlyList<EvaluationCriterion> Default { get; } =
    [
        new("script", "话术规范", 25, "必用话术齐全且位置正确，无禁用语、避免句型"),
        new("needs", "需求识别准确", 15, "倾听、开放式/封闭式提问、复述确认"),
        new("resolution", "问题解决效率", 15, "准确解答或给出有时限的处理承诺"),
        new("empathy", "使用共情语句", 15, "共情、道歉、行动承诺（§3.2）"),
        new("identity", "身份核实正确", 10, "只核实注册手机号、订单号/金额，不问身份证、银行卡、密码"),
        new("respect", "尊重（理解＋认可）", 10, "理解客户的处境，认可客户的感受"),
        new("sincerity", "真诚（情感＋帮助）", 10, "情感上的关心与实际帮助并重"),
    ];

    /// <summary>Weighted score 0–100 from per-criterion scores 0–100; an auto-fail (critical rule) scores 0.</summary>
    public static double Score(IReadOnlyList<EvaluationCriterion> criteria, IReadOnlyDictionary<string, int> scores, bool autoFail)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentNullException.ThrowIfNull(scores);
        if (autoFail)
        {
            return 0;
        }

        var weights = criteria.Sum(c => c.Weight);
        return weights == 0 ? 0 : Math.Round(criteria.Sum(c => c.Weight * (scores.TryGetValue(c.Id, out var s) ? s : 0)) / (double)weights, 1);
    }

    /// <summary>
    /// Proposed scores from the automatic checks, for the reviewer to confirm or change: script compliance loses 20 per
    /// forbidden phrase or missing required script and 10 per avoid phrase or misplaced script; empathy counts empathy,
    /// apology and commitment phrases; identity follows the agent's recorded check. The other criteria need a person.
    /// </summary>
    public static Dictionary<string, int> Prefill(TranscriptReport report, CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(call);
        var penalty = report.Findings.Sum(f => f.Kind switch
        {
            FindingKind.Forbidden or FindingKind.RequiredMissing => 20,
            FindingKind.Avoid or FindingKind.RequiredMisplaced => 10,
            _ => 0,
        });
        var positives = report.PositiveCounts.Values.Sum();
        return new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["script"] = Math.Clamp(100 - penalty, 0, 100),
            ["empathy"] = positives switch { 0 => 40, 1 => 70, 2 => 85, _ => 100 },
            ["identity"] = call.IdentityCheck switch
            {
                IdentityCheckResult.Verified or IdentityCheckResult.NotNeeded => 100,
                IdentityCheckResult.NotVerified => 60,
                _ => 50,
            },
        };
    }
}

/// <summary>A QA reviewer's evaluation of one call: criterion scores, the automatic findings it started from, and the
/// liability finding (定责), which the agent may appeal once and a Supervisor decides.</summary>
public sealed class Evaluation : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public required string CallId { get; set; }
    public string? Agent { get; set; }
    public required string Reviewer { get; set; }

    /// <summary>The criteria as they were when the evaluation was made (JSON of <see cref="EvaluationCriterion"/>).</summary>
    public string CriteriaJson { get; set; } = "[]";

    /// <summary>Scores 0–100 per criterion id (JSON object).</summary>
    public string ScoresJson { get; set; } = "{}";

    /// <summary>The rule versions the automatic check used, e.g. "greeting@1;forbidden-not-my-problem@2".</summary>
    public string? RulesUsed { get; set; }

    public int AutomaticFindings { get; set; }
    public bool AutoFail { get; set; }
    public double Score { get; set; }
    public string? Comment { get; set; }
    public EvaluationStatus Status { get; set; } = EvaluationStatus.Draft;
    public DateTime? SubmittedAt { get; set; }
    public LiabilityFinding Liability { get; set; } = LiabilityFinding.None;

    /// <summary>Evidence for the finding: recording offsets and what was said, e.g. "02:15 坐席说「这不是我的问题」".</summary>
    public string? LiabilityEvidence { get; set; }

    public string? AppealText { get; set; }
    public DateTime? AppealedAt { get; set; }
    public AppealDecision? AppealDecision { get; set; }
    public string? AppealDecidedBy { get; set; }
    public string? AppealDecisionNote { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<EvaluationCriterion> Criteria => JsonSerializer.Deserialize<List<EvaluationCriterion>>(CriteriaJson) ?? [];

    public Dictionary<string, int> Scores
    {
        get => JsonSerializer.Deserialize<Dictionary<string, int>>(ScoresJson) ?? new Dictionary<string, int>(StringComparer.Ordinal);
        set => ScoresJson = JsonSerializer.Serialize(value);
    }
}

public enum EvaluationStatus
{
    Draft = 1,
    Submitted = 2,
}

/// <summary>定责: whether the agent is held liable for what went wrong on the call.</summary>
public enum LiabilityFinding
{
    None = 0,

    /// <summary>定责成立.</summary>
    Upheld = 1,

    /// <summary>定责不成立.</summary>
    NotUpheld = 2,
}

public enum AppealDecision
{
    /// <summary>The finding stands.</summary>
    FindingStands = 1,

    /// <summary>The finding is overturned (不成立).</summary>
    Overturned = 2,
}

internal sealed class EvaluationConfiguration : IEntityTypeConfiguration<Evaluation>
{
    public void Configure(EntityTypeBuilder<Evaluation> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Ignore(e => e.Criteria);
        builder.Ignore(e => e.Scores);
        builder.Property(e => e.CallId).HasMaxLength(100);
        builder.Property(e => e.Agent).HasMaxLength(64);
        builder.Property(e => e.Reviewer).HasMaxLength(64);
        builder.Property(e => e.CriteriaJson).HasMaxLength(4000);
        builder.Property(e => e.ScoresJson).HasMaxLength(2000);
        builder.Property(e => e.RulesUsed).HasMaxLength(4000);
        builder.Property(e => e.Comment).HasMaxLength(4000);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(e => e.Liability).HasConversion<string>().HasMaxLength(10);
        builder.Property(e => e.LiabilityEvidence).HasMaxLength(2000);
        builder.Property(e => e.AppealText).HasMaxLength(2000);
        builder.Property(e => e.AppealDecision).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.AppealDecidedBy).HasMaxLength(64);
        builder.Property(e => e.AppealDecisionNote).HasMaxLength(2000);
        builder.HasIndex(e => new { e.CallId, e.Reviewer }).IsUnique();
        builder.HasIndex(e => new { e.Agent, e.SubmittedAt });
    }
}
