using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Quality;

internal sealed class TrainingConfiguration : IEntityTypeConfiguration<TrainingSession>, IEntityTypeConfiguration<TrainingAttendance>
{
    public void Configure(EntityTypeBuilder<TrainingSession> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.Title).HasMaxLength(200);
        builder.Property(s => s.Trainer).HasMaxLength(64);
        builder.Property(s => s.Agenda).HasMaxLength(4000);
        builder.Property(s => s.CreatedBy).HasMaxLength(64);
        builder.HasMany(s => s.Attendees).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.Kind, s.StartsOn });
    }

    public void Configure(EntityTypeBuilder<TrainingAttendance> builder)
    {
        builder.HasKey(a => new { a.SessionId, a.Agent });
        builder.Property(a => a.Agent).HasMaxLength(64);
        builder.Property(a => a.Note).HasMaxLength(500);
        builder.HasIndex(a => a.Agent);
    }
}
