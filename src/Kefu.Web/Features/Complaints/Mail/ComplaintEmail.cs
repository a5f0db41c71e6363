using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>
/// One e-mail that Kefu read or sent, by its Message-Id. The unique Message-Id is what makes intake idempotent: a
/// message is recorded in the same save as the complaint change it caused, so a second reading (a re-delivery,
/// another instance polling the same mailbox) cannot store it twice. Outgoing rows let replies thread by
/// In-Reply-To/References.
/// </summary>
public sealed class ComplaintEmail
{
    public Guid Id { get; set; }

    /// <summary>Without angle brackets; for a message without one, a hash of its content prefixed "sha256:".</summary>
    public required string MessageId { get; set; }

    public EmailDirection Direction { get; set; }

    /// <summary>The complaint it created or joined; null for mail that was read and deliberately ignored (auto-replies, our own).</summary>
    public Guid? ComplaintId { get; set; }

    public DateTime At { get; set; }

    /// <summary>Subject, PII masked.</summary>
    public string? Subject { get; set; }

    /// <summary>What happened to it: created, threaded, ignored:auto-reply, sent …</summary>
    public required string Outcome { get; set; }
}

public enum EmailDirection
{
    Inbound = 1,
    Outbound = 2,
}

internal sealed class ComplaintEmailConfiguration : IEntityTypeConfiguration<ComplaintEmail>
{
    public void Configure(EntityTypeBuilder<ComplaintEmail> builder)
    {
        builder.ToTable("ComplaintEmails");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.MessageId).HasMaxLength(500);
        builder.HasIndex(e => e.MessageId).IsUnique();
        builder.Property(e => e.Direction).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Subject).HasMaxLength(500);
        builder.Property(e => e.Outcome).HasMaxLength(32);
        builder.HasOne<Complaint>().WithMany().HasForeignKey(e => e.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.ComplaintId, e.At });
    }
}
