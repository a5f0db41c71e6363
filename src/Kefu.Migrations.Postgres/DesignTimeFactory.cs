using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kefu.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for PostgreSQL without a server (no connection is opened).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<KefuDbContext>
{
    public KefuDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<KefuDbContext>();
        StoreSetup.Configure(options, StoreProvider.Postgres, "Host=localhost;Database=kefu_design;Username=postgres");
        return new KefuDbContext(options.Options);
    }
}
