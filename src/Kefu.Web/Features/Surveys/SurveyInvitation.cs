using System.Security.Cryptography;
using System.Text;
using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Surveys;

/// <summary>What a survey asks about.</summary>
public static class SurveyKinds
{
    public const string Call = "call";
    public const string Complaint = "complaint";
    public const string ReturnVisit = "return-visit";

    public static readonly IReadOnlyList<string> All = [Call, Complaint, ReturnVisit];
}

/// <summary>
/// A satisfaction survey sent to a customer after a call (with the caller's consent), a closed complaint or a return
/// visit (seed 003 §5.3: by SMS or app push), and the answer. One per call, complaint or return visit
/// (<see cref="SourceKey"/> is unique). The link's token is kept only as its SHA-256 hash.
/// </summary>
public sealed class SurveyInvitation
{
    public Guid Id { get; set; }

    /// <summary>call, complaint or return-visit (<see cref="SurveyKinds"/>).</summary>
    public required string Kind { get; set; }

    /// <summary>"call:ID", "complaint:GUID" or "return-visit:GUID": what makes an invitation unique.</summary>
    public required string SourceKey { get; set; }

    public string? CallId { get; set; }
    public Guid? ComplaintId { get; set; }
    public Guid? ReturnVisitId { get; set; }
    public Guid? CustomerId { get; set; }

    /// <summary>User name of the agent the survey rates (the call's agent, the complaint's owner, the visiting agent).</summary>
    public string? Agent { get; set; }

    /// <summary>The call's queue (calls only).</summary>
    public string? Queue { get; set; }

    /// <summary>sms, app or email.</summary>
    public required string Channel { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AnsweredAt { get; set; }

    /// <summary>1 (very dissatisfied) to 5 (very satisfied).</summary>
    public int? Rating { get; set; }

    /// <summary>The reason codes the customer ticked, comma separated (<see cref="SurveyOptions.Reasons"/>).</summary>
    public string? Reasons { get; set; }

    /// <summary>The customer's own words, PII masked.</summary>
    public string? Comment { get; set; }

    /// <summary>Lower-case hex SHA-256 of the link's token.</summary>
    public required string TokenHash { get; set; }

    /// <summary>The message that carries the link.</summary>
    public Guid? OutboxMessageId { get; set; }

    public bool IsAnswered => AnsweredAt is not null;

    public bool IsExpired(DateTime now) => now >= ExpiresAt;

    /// <summary>Satisfied when rated at least <paramref name="satisfiedMinRating"/>; null while unanswered.</summary>
    public bool? IsSatisfied(int satisfiedMinRating) => Rating is { } r ? r >= satisfiedMinRating : null;

    /// <summary>A new random link token (256 bits, URL-safe).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed class SurveyInvitationConfiguration : IEntityTypeConfiguration<SurveyInvitation>
{
    public void Configure(EntityTypeBuilder<SurveyInvitation> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Kind).HasMaxLength(16);
        builder.Property(i => i.SourceKey).HasMaxLength(120);
        builder.HasIndex(i => i.SourceKey).IsUnique();
        builder.Property(i => i.CallId).HasMaxLength(100);
        builder.Property(i => i.Agent).HasMaxLength(64);
        builder.Property(i => i.Queue).HasMaxLength(40);
        builder.Property(i => i.Channel).HasMaxLength(16);
        builder.Property(i => i.Reasons).HasMaxLength(500);
        builder.Property(i => i.Comment).HasMaxLength(1000);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => i.CreatedAt);
        builder.HasIndex(i => i.AnsweredAt);
        builder.HasIndex(i => i.CallId);
        builder.HasIndex(i => i.ComplaintId);
    }
}
