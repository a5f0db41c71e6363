using Kefu.Web.Features.Access;
using Kefu.Web.Features.Audit;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Departments;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Web.Data;

public class KefuDbContext(DbContextOptions<KefuDbContext> options)
    : IdentityDbContext<KefuUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and antiforgery keys live in the store, so restarts and several instances share them.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Department> Departments => Set<Department>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerPhone> CustomerPhones => Set<CustomerPhone>();
    public DbSet<CustomerOrder> CustomerOrders => Set<CustomerOrder>();
    public DbSet<ContactRecord> ContactRecords => Set<ContactRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<ComplaintCategory> ComplaintCategories => Set<ComplaintCategory>();
    public DbSet<ComplaintEvent> ComplaintEvents => Set<ComplaintEvent>();
    public DbSet<ComplaintTransfer> ComplaintTransfers => Set<ComplaintTransfer>();
    public DbSet<InternalInquiry> InternalInquiries => Set<InternalInquiry>();
    public DbSet<ComplaintDeadline> ComplaintDeadlines => Set<ComplaintDeadline>();
    public DbSet<ReturnVisit> ReturnVisits => Set<ReturnVisit>();
    public DbSet<Features.Notifications.Notification> Notifications => Set<Features.Notifications.Notification>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(KefuDbContext).Assembly);
        StoreFunctions.Map(builder, Database.IsNpgsql());
        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(IVersioned).IsAssignableFrom(e.ClrType)))
        {
            builder.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }

        // Ids come from Ids.New() before an entity is added. Declaring them not store-generated lets EF Core treat a
        // new child found in a tracked parent's collection as Added (it would otherwise take it for an existing row).
        foreach (var key in builder.Model.GetEntityTypes().Select(e => e.FindPrimaryKey()).OfType<Microsoft.EntityFrameworkCore.Metadata.IMutableKey>()
                     .Where(k => k.Properties is [{ ClrType: var type }] && type == typeof(Guid)))
        {
            key.Properties[0].ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is stored in UTC; SQLite loses DateTime.Kind, so it is restored on read for both stores alike.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
