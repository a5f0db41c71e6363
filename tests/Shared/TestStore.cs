using Npgsql;

namespace Kefu.Tests.Shared;

/// <summary>
/// The store a test run uses: <c>KEFU_TEST_STORE</c> = sqlite (default) or postgres. PostgreSQL comes from
/// <c>KEFU_TEST_POSTGRES</c> (set by ./test.sh, which starts a throwaway cluster); each app gets its own database.
/// </summary>
public sealed class TestStore : IDisposable
{
    private readonly string? directory;
    private readonly string? adminConnectionString;

    public TestStore()
    {
        IsPostgres = string.Equals(Environment.GetEnvironmentVariable("KEFU_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase);
        if (IsPostgres)
        {
            var server = Environment.GetEnvironmentVariable("KEFU_TEST_POSTGRES");
            if (string.IsNullOrWhiteSpace(server))
            {
                throw new InvalidOperationException("KEFU_TEST_STORE=postgres needs KEFU_TEST_POSTGRES (a connection string without Database); ./test.sh sets both.");
            }

            DatabaseName = "kefu_test_" + Guid.NewGuid().ToString("N")[..12];
            adminConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName }.ConnectionString;
            Provider = "Postgres";
        }
        else
        {
            directory = Path.Combine(Path.GetTempPath(), "kefu-test-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(directory);
            DatabaseName = Path.Combine(directory, "kefu.db");
            ConnectionString = "";
            Provider = "Sqlite";
        }
    }

    public bool IsPostgres { get; }
    public string Provider { get; }
    public string DatabaseName { get; }

    /// <summary>Empty for SQLite: the app then uses <see cref="DataDirectory"/>.</summary>
    public string ConnectionString { get; }

    public string? DataDirectory => directory;

    public void Dispose()
    {
        if (IsPostgres)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(adminConnectionString);
            connection.Open();
#pragma warning disable CA2100 // the name is generated above, never user input
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
#pragma warning restore CA2100
            drop.ExecuteNonQuery();
        }
        else if (directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open only leaves a temp folder behind; not worth failing a test run for.
            }
        }
    }
}
