using Kefu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kefu.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for SQLite without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<KefuDbContext>
{
    public KefuDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<KefuDbContext>();
        StoreSetup.Configure(options, StoreProvider.Sqlite, "Data Source=design-time.db");
        return new KefuDbContext(options.Options);
    }
}
