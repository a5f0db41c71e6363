using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Audit;

internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.ActorName).HasMaxLength(256);
        builder.Property(a => a.EntityType).HasMaxLength(128);
        builder.Property(a => a.EntityId).HasMaxLength(128);
        builder.Property(a => a.Action).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
        builder.HasIndex(a => new { a.ActorId, a.At });
        builder.HasIndex(a => a.At);
    }
}
