using System.Reflection;
using System.Runtime.Loader;
using Kefu.Web.Data.Interceptors;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Data;

public enum StoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Chooses the store from configuration: <c>Database:Provider</c> = Sqlite (default, a file under
/// <c>Kefu:DataDirectory</c>) or Postgres (with <c>ConnectionStrings:Kefu</c>). Environment variables work too:
/// <c>Database__Provider</c>, <c>ConnectionStrings__Kefu</c>, <c>Kefu__DataDirectory</c>.
/// </summary>
public static class StoreSetup
{
    public const string SqliteMigrationsAssembly = "Kefu.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Kefu.Migrations.Postgres";

    public static StoreProvider Provider(IConfiguration configuration)
    {
        var value = configuration["Database:Provider"];
        if (string.IsNullOrWhiteSpace(value) || value.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return StoreProvider.Sqlite;
        }

        if (value.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || value.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            return StoreProvider.Postgres;
        }

        throw new InvalidOperationException($"Database:Provider '{value}' is not supported; use Sqlite or Postgres.");
    }

    public static string ConnectionString(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString("Kefu");
        if (Provider(configuration) == StoreProvider.Postgres)
        {
            return string.IsNullOrWhiteSpace(configured)
                ? throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Kefu (ConnectionStrings__Kefu) is empty.")
                : configured;
        }

        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var directory = configuration["Kefu:DataDirectory"] ?? "data";
        directory = Path.GetFullPath(Path.IsPathRooted(directory) ? directory : Path.Combine(contentRoot, directory));
        Directory.CreateDirectory(directory);
        // Default Timeout bounds how long a write waits for another writer's lock (SQLITE_BUSY afterwards: answered 503).
        var busy = Math.Max(1, configuration.GetValue($"{Infrastructure.StoreOutageOptions.Section}:BusyTimeoutSeconds", 10));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Data Source={Path.Combine(directory, "kefu.db")};Pooling=True;Default Timeout={busy}");
    }

    public static IServiceCollection AddKefuStore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var provider = Provider(configuration);
        var connectionString = ConnectionString(configuration, contentRoot);
        LoadMigrationAssemblies();
        services.AddScoped<VersionStampInterceptor>();
        services.AddScoped<AuditInterceptor>();
        services.AddScoped<ComplaintDeadlineInterceptor>();
        services.AddScoped<Features.Insights.CallKpiRollupInterceptor>();
        services.AddScoped<Features.Surveys.SurveyInterceptor>();
        services.AddDbContext<KefuDbContext>((sp, options) =>
        {
            Configure(options, provider, connectionString);
            // Order matters: survey invitations and deadlines first (they add rows), then versions and times, then the audit of
            // it all; the call rollups last (they read the final call records and write at commit).
            options.AddInterceptors(sp.GetRequiredService<Features.Surveys.SurveyInterceptor>(), sp.GetRequiredService<ComplaintDeadlineInterceptor>(),
                sp.GetRequiredService<VersionStampInterceptor>(), sp.GetRequiredService<AuditInterceptor>(), sp.GetRequiredService<Features.Insights.CallKpiRollupInterceptor>());
        });
        services.AddSingleton(new StoreInfo(provider, connectionString));
        return services;
    }

    public static void Configure(DbContextOptionsBuilder options, StoreProvider provider, string connectionString)
    {
        if (provider == StoreProvider.Postgres)
        {
            options.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
        }
        else
        {
            options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly));
        }
    }

    /// <summary>Applies pending migrations; SQLite also gets WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// The migration assemblies are built beside this one but are not references of it (they reference us), so
    /// they are resolved from the application folder by name when EF Core asks for them.
    /// </summary>
    private static void LoadMigrationAssemblies()
    {
        AssemblyLoadContext.Default.Resolving -= ResolveMigrations;
        AssemblyLoadContext.Default.Resolving += ResolveMigrations;
    }

    private static Assembly? ResolveMigrations(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is not (SqliteMigrationsAssembly or PostgresMigrationsAssembly))
        {
            return null;
        }

        var path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}

/// <summary>Which store this instance runs on (shown on the health endpoint and in the start-up banner).</summary>
public sealed record StoreInfo(StoreProvider Provider, string ConnectionString)
{
    public string Describe() => Provider == StoreProvider.Sqlite
        ? "SQLite " + new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource
        : "PostgreSQL " + new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.Host;
}
