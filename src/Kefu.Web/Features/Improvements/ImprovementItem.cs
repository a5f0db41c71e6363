using Kefu.Web.Data;
using Kefu.Web.Features.Departments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Improvements;

/// <summary>
/// An improvement item (整改项) for a department, raised from a complaint's review or a report, tracked to done —
/// the feedback loop of seed 001.
/// </summary>
public sealed class ImprovementItem : IVersioned, ITimestamped
{
    public Guid Id { get; set; }
    public Guid DepartmentId { get; set; }

    /// <summary>The complaint whose review raised it, if any.</summary>
    public Guid? ComplaintId { get; set; }

    public required string Title { get; set; }
    public string? Description { get; set; }
    public ImprovementStatus Status { get; set; } = ImprovementStatus.Open;
    public DateTime? DueAt { get; set; }
    public DateTime? DoneAt { get; set; }

    /// <summary>What was changed, written when the item is done or rejected.</summary>
    public string? Outcome { get; set; }

    public string? RaisedBy { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum ImprovementStatus
{
    Open = 1,
    InProgress = 2,
    Done = 3,
    Rejected = 4,
}

internal sealed class ImprovementItemConfiguration : IEntityTypeConfiguration<ImprovementItem>
{
    public void Configure(EntityTypeBuilder<ImprovementItem> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Title).HasMaxLength(200);
        builder.Property(i => i.Description).HasMaxLength(4000);
        builder.Property(i => i.Outcome).HasMaxLength(4000);
        builder.Property(i => i.RaisedBy).HasMaxLength(64);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Department>().WithMany().HasForeignKey(i => i.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Complaints.Complaint>().WithMany().HasForeignKey(i => i.ComplaintId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(i => new { i.DepartmentId, i.Status });
        builder.HasIndex(i => i.ComplaintId);
    }
}
