using Kefu.Web.Features.Improvements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Quality;

internal sealed class EmployeeFeedbackConfiguration : IEntityTypeConfiguration<EmployeeFeedback>
{
    public void Configure(EntityTypeBuilder<EmployeeFeedback> builder)
    {
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Topic).HasMaxLength(200);
        builder.Property(f => f.Text).HasMaxLength(4000);
        builder.Property(f => f.Category).HasConversion<string>().HasMaxLength(10);
        builder.Property(f => f.MeetingMonth).HasMaxLength(7);
        builder.Property(f => f.RaisedBy).HasMaxLength(64);
        builder.Property(f => f.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(f => f.Response).HasMaxLength(4000);
        builder.Property(f => f.AnsweredBy).HasMaxLength(64);
        builder.Property(f => f.ClosedBy).HasMaxLength(64);
        builder.HasOne<ImprovementItem>().WithMany().HasForeignKey(f => f.ImprovementItemId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(f => new { f.MeetingMonth, f.Status });
        builder.HasIndex(f => f.ImprovementItemId);
    }
}
