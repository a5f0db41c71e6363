using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Knowledge;

internal sealed class KnowledgeArticleConfiguration : IEntityTypeConfiguration<KnowledgeArticle>
{
    public void Configure(EntityTypeBuilder<KnowledgeArticle> builder)
    {
        builder.ToTable("KnowledgeArticles");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.CreatedBy).HasMaxLength(64);
        builder.HasMany(a => a.Versions).WithOne().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<KnowledgeCategory>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.SetNull);
        builder.Ignore(a => a.Published);
        builder.Ignore(a => a.Draft);
        builder.HasIndex(a => new { a.Status, a.CategoryId });
    }
}

internal sealed class ArticleVersionConfiguration : IEntityTypeConfiguration<ArticleVersion>
{
    public void Configure(EntityTypeBuilder<ArticleVersion> builder)
    {
        builder.ToTable("KnowledgeArticleVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Title).HasMaxLength(KnowledgeLimits.Title);
        builder.Property(v => v.Body).HasMaxLength(KnowledgeLimits.Body);
        builder.Property(v => v.Tags).HasMaxLength(KnowledgeLimits.Tags);
        builder.Property(v => v.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(v => v.Author).HasMaxLength(64);
        builder.Property(v => v.EditedBy).HasMaxLength(64);
        builder.Property(v => v.SubmittedBy).HasMaxLength(64);
        builder.Property(v => v.DecidedBy).HasMaxLength(64);
        builder.Property(v => v.RejectionNote).HasMaxLength(1000);
        builder.HasOne<KnowledgeCategory>().WithMany().HasForeignKey(v => v.CategoryId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(v => new { v.ArticleId, v.Number }).IsUnique();
    }
}

internal sealed class KnowledgeCategoryConfiguration : IEntityTypeConfiguration<KnowledgeCategory>
{
    public void Configure(EntityTypeBuilder<KnowledgeCategory> builder)
    {
        builder.ToTable("KnowledgeCategories");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(KnowledgeLimits.CategoryName);
        builder.HasOne<KnowledgeCategory>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class KnowledgeRevisionConfiguration : IEntityTypeConfiguration<KnowledgeRevision>
{
    public void Configure(EntityTypeBuilder<KnowledgeRevision> builder)
    {
        builder.ToTable("KnowledgeRevision");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        // The one row exists from the migration on, so no two instances race to create it.
        builder.HasData(new KnowledgeRevision { Id = KnowledgeRevision.SingletonId, Stamp = Guid.Empty });
    }
}

internal sealed class BulletinConfiguration : IEntityTypeConfiguration<Bulletin>
{
    public void Configure(EntityTypeBuilder<Bulletin> builder)
    {
        builder.ToTable("Bulletins");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Title).HasMaxLength(KnowledgeLimits.BulletinTitle);
        builder.Property(b => b.Body).HasMaxLength(KnowledgeLimits.BulletinBody);
        builder.Property(b => b.Priority).HasConversion<string>().HasMaxLength(16);
        builder.Property(b => b.PublishedBy).HasMaxLength(64);
        builder.HasIndex(b => new { b.ValidFrom, b.ValidTo });
    }
}

internal sealed class BulletinReadConfiguration : IEntityTypeConfiguration<BulletinRead>
{
    public void Configure(EntityTypeBuilder<BulletinRead> builder)
    {
        builder.ToTable("BulletinReads");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.UserName).HasMaxLength(64);
        builder.HasOne<Bulletin>().WithMany().HasForeignKey(r => r.BulletinId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.BulletinId, r.UserName }).IsUnique();
    }
}

/// <summary>Field lengths shared by the store, the validation and the forms.</summary>
public static class KnowledgeLimits
{
    public const int Title = 200;
    public const int Body = 20000;
    public const int Tags = 1000;
    public const int CategoryName = 60;
    public const int BulletinTitle = 120;
    public const int BulletinBody = 1000;
}
