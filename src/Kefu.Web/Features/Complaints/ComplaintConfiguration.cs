using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Departments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Complaints;

internal sealed class ComplaintConfiguration : IEntityTypeConfiguration<Complaint>
{
    public void Configure(EntityTypeBuilder<Complaint> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Number).HasMaxLength(32);
        builder.HasIndex(c => c.Number).IsUnique();
        builder.Property(c => c.TrackingToken).HasMaxLength(32);
        builder.Property(c => c.Summary).HasMaxLength(4000);
        builder.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Severity).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Urgency).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Step).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.PlanKind).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.PlanApproval).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Verdict).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.PlanAmount).HasPrecision(18, 2);
        builder.Property(c => c.PlanCurrency).HasMaxLength(3);
        foreach (var text in new[]
                 {
                     nameof(Complaint.CoreProblem), nameof(Complaint.ContactGoal), nameof(Complaint.KnownPitfalls), nameof(Complaint.SeniorAdviceNote),
                     nameof(Complaint.EventCause), nameof(Complaint.CustomerImpact), nameof(Complaint.EvidenceNotes), nameof(Complaint.EmotionNotes),
                     nameof(Complaint.FactSummary), nameof(Complaint.RootCause), nameof(Complaint.PlanDescription), nameof(Complaint.PlanObligations),
                     nameof(Complaint.PlanBottomLine), nameof(Complaint.PlanExpectedEffect), nameof(Complaint.PlanApprovalReason),
                     nameof(Complaint.ReviewCause), nameof(Complaint.ReviewCompanyRisk), nameof(Complaint.ReviewImprovements),
                 })
        {
            builder.Property(text).HasMaxLength(4000);
        }

        foreach (var shortText in new[] { nameof(Complaint.EventTime), nameof(Complaint.EventPlace), nameof(Complaint.PeopleInvolved), nameof(Complaint.ReplyContact) })
        {
            builder.Property(shortText).HasMaxLength(500);
        }

        builder.Ignore(c => c.IsSpecial);
        builder.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ComplaintCategory>().WithMany().HasForeignKey(c => c.CategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<KefuUser>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Inquiries).WithOne().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Disagreements).WithOne().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Findings).WithOne().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Timeline).WithOne().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Deadlines).WithOne().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.OwnerId, c.Step });
        builder.HasIndex(c => new { c.CustomerId, c.CategoryId, c.CreatedAt });
        builder.HasIndex(c => new { c.Step, c.UpdatedAt });
        builder.HasIndex(c => c.CreatedAt); // complaint measures of a period (set-based aggregates, docs/PERFORMANCE.md)
        builder.HasIndex(c => c.PlanApproval);
    }
}

internal sealed class ComplaintChildConfiguration :
    IEntityTypeConfiguration<InternalInquiry>, IEntityTypeConfiguration<Disagreement>, IEntityTypeConfiguration<ResponsibilityFinding>,
    IEntityTypeConfiguration<ComplaintEvent>, IEntityTypeConfiguration<ComplaintTransfer>, IEntityTypeConfiguration<ComplaintCategory>,
    IEntityTypeConfiguration<ComplaintDeadline>, IEntityTypeConfiguration<ReturnVisit>,
    IEntityTypeConfiguration<ComplaintAttachment>, IEntityTypeConfiguration<AttachmentContent>
{
    public void Configure(EntityTypeBuilder<ComplaintAttachment> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.FileName).HasMaxLength(100);
        builder.Property(a => a.ContentType).HasMaxLength(64);
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.Property(a => a.UploadedBy).HasMaxLength(64);
        builder.Property(a => a.Source).HasMaxLength(16);
        builder.HasOne<Complaint>().WithMany().HasForeignKey(a => a.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AttachmentContent>().WithOne().HasForeignKey<AttachmentContent>(c => c.Id).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.ComplaintId);
    }

    public void Configure(EntityTypeBuilder<AttachmentContent> builder)
    {
        builder.HasKey(c => c.Id);
        builder.ToTable("AttachmentContents");
    }

    public void Configure(EntityTypeBuilder<ComplaintDeadline> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Description).HasMaxLength(500);
        builder.Ignore(d => d.IsOpen);
        builder.Ignore(d => d.Pauses);
        // The sweeper's two questions: open deadlines by due time.
        builder.HasIndex(d => new { d.MetAt, d.CancelledAt, d.DueAt });
    }

    public void Configure(EntityTypeBuilder<ReturnVisit> builder)
    {
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Answer).HasMaxLength(2000);
        builder.Property(v => v.ByName).HasMaxLength(64);
        builder.HasOne<Complaint>().WithMany().HasForeignKey(v => v.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.ComplaintId, v.At });
    }

    public void Configure(EntityTypeBuilder<InternalInquiry> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.KeyFacts).HasMaxLength(4000);
        builder.Property(i => i.Feedback).HasMaxLength(4000);
        builder.Property(i => i.ConfirmedBy).HasMaxLength(100);
        builder.HasOne<Department>().WithMany().HasForeignKey(i => i.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Disagreement> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Description).HasMaxLength(2000);
        builder.Property(d => d.Validity).HasConversion<string>().HasMaxLength(16);
    }

    public void Configure(EntityTypeBuilder<ResponsibilityFinding> builder)
    {
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Description).HasMaxLength(2000);
        builder.Property(f => f.PersonName).HasMaxLength(64);
        builder.Property(f => f.PolicyBasis).HasMaxLength(1000);
        builder.Property(f => f.Side).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Department>().WithMany().HasForeignKey(f => f.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ComplaintEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Text).HasMaxLength(4000);
        builder.Property(e => e.ActorName).HasMaxLength(64);
        builder.HasIndex(e => new { e.ComplaintId, e.At });
    }

    public void Configure(EntityTypeBuilder<ComplaintTransfer> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Reason).HasMaxLength(1000);
        builder.HasOne<Complaint>().WithMany().HasForeignKey(t => t.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.ComplaintId, t.At });
    }

    public void Configure(EntityTypeBuilder<ComplaintCategory> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Code).HasMaxLength(32);
        builder.Property(c => c.Name).HasMaxLength(64);
        builder.HasIndex(c => c.Code).IsUnique();
        builder.HasOne<ComplaintCategory>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}
