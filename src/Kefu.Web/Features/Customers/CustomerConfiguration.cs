using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Customers;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.Email).HasMaxLength(254);
        builder.Property(c => c.Note).HasMaxLength(4000);
        builder.Ignore(c => c.PrimaryPhone);
        builder.HasIndex(c => c.Name);
        builder.HasIndex(c => c.UpdatedAt);
        builder.HasMany(c => c.Phones).WithOne().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Orders).WithOne().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Contacts).WithOne().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerPhoneConfiguration : IEntityTypeConfiguration<CustomerPhone>
{
    public void Configure(EntityTypeBuilder<CustomerPhone> builder)
    {
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Number).HasMaxLength(24);
        builder.HasIndex(p => p.Number);
    }
}

internal sealed class CustomerOrderConfiguration : IEntityTypeConfiguration<CustomerOrder>
{
    public void Configure(EntityTypeBuilder<CustomerOrder> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Number).HasMaxLength(40);
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.Amount).HasPrecision(18, 2);
        builder.HasIndex(o => o.Number).IsUnique();
    }
}

internal sealed class ContactRecordConfiguration : IEntityTypeConfiguration<ContactRecord>
{
    public void Configure(EntityTypeBuilder<ContactRecord> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Summary).HasMaxLength(4000);
        builder.Property(c => c.AgentName).HasMaxLength(64);
        builder.Property(c => c.Reference).HasMaxLength(100);
        builder.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Direction).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(c => new { c.CustomerId, c.At });
    }
}
