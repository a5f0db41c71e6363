using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Quality;

internal sealed class CoachingConfiguration : IEntityTypeConfiguration<CoachingItem>
{
    public void Configure(EntityTypeBuilder<CoachingItem> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Ignore(c => c.IsClosed);
        builder.Property(c => c.Agent).HasMaxLength(64);
        builder.Property(c => c.Topic).HasMaxLength(200);
        builder.Property(c => c.Improvement).HasMaxLength(2000);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.CreatedBy).HasMaxLength(64);
        builder.Property(c => c.ClosedBy).HasMaxLength(64);
        builder.Property(c => c.Outcome).HasMaxLength(2000);
        builder.HasOne<Evaluation>().WithMany().HasForeignKey(c => c.EvaluationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(c => new { c.Agent, c.Status });
        builder.HasIndex(c => c.EvaluationId);
    }
}
