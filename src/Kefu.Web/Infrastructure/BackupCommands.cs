using System.Diagnostics;
using System.Globalization;
using Kefu.Web.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// <c>backup --to FILE</c> and <c>restore --from FILE [--force]</c> for the configured store. SQLite: an online,
/// consistent copy with <c>VACUUM INTO</c> (the app may keep running); restore copies it into the store with SQLite's
/// backup API (stop the app first). PostgreSQL: <c>pg_dump --format=custom</c> and <c>pg_restore</c> (client tools of
/// the server's major version or newer: Debian's postgresql-client; <c>Kefu:Backup:PgBinDirectory</c> or PATH).
/// Restore refuses a store that already has tables unless <c>--force</c>.
/// </summary>
public static class BackupCommands
{
    public static async Task<int> BackupAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        var target = Option(args, "--to");
        if (target is null)
        {
            await Console.Error.WriteLineAsync("usage: backup --to FILE");
            return 2;
        }

        target = Path.GetFullPath(target);
        if (File.Exists(target))
        {
            await Console.Error.WriteLineAsync($"{target} exists already; choose a new file name.");
            return 1;
        }

        var store = app.Services.GetRequiredService<StoreInfo>();
        if (store.Provider == StoreProvider.Sqlite)
        {
            await using var connection = new SqliteConnection(store.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $target";
            command.Parameters.AddWithValue("$target", target);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            var code = await RunPgToolAsync(app.Configuration, "pg_dump", store.ConnectionString, ["--format=custom", "--no-owner", "--file", target]);
            if (code != 0)
            {
                return code;
            }
        }

        await Console.Out.WriteLineAsync($"Backup of {store.Describe()} written to {target} ({new FileInfo(target).Length.ToString(CultureInfo.InvariantCulture)} bytes).");
        return 0;
    }

    public static async Task<int> RestoreAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        var source = Option(args, "--from");
        var force = args.Contains("--force", StringComparer.Ordinal);
        if (source is null || !File.Exists(source))
        {
            await Console.Error.WriteLineAsync(source is null ? "usage: restore --from FILE [--force]" : $"{source} does not exist.");
            return 2;
        }

        var store = app.Services.GetRequiredService<StoreInfo>();
        if (store.Provider == StoreProvider.Sqlite)
        {
            await using var target = new SqliteConnection(store.ConnectionString);
            await target.OpenAsync();
            if (!force && await TableCountAsync(target) > 0)
            {
                await Console.Error.WriteLineAsync($"{store.Describe()} is not empty; restore into an empty store, or add --force to replace it (stop Kefu first).");
                return 1;
            }

            await using var backup = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(source), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            await backup.OpenAsync();
            backup.BackupDatabase(target);
            await using var wal = target.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync();
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder(store.ConnectionString);
            var created = await EnsureDatabaseAsync(builder);
            if (!created && !force)
            {
                await using var connection = new NpgsqlConnection(store.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
                if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0)
                {
                    await Console.Error.WriteLineAsync($"Database {builder.Database} is not empty; restore into an empty database, or add --force to replace its tables (stop Kefu first).");
                    return 1;
                }
            }

            string[] options = force ? ["--clean", "--if-exists"] : [];
            var code = await RunPgToolAsync(app.Configuration, "pg_restore", store.ConnectionString,
                [.. options, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", Path.GetFullPath(source)]);
            if (code != 0)
            {
                return code;
            }
        }

        await Console.Out.WriteLineAsync($"Restored {source} into {store.Describe()}. Run `migrate` if this version of Kefu is newer than the backup's.");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static async Task<long> TableCountAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Creates the target database when it does not exist yet (connecting to the <c>postgres</c> database).</summary>
    private static async Task<bool> EnsureDatabaseAsync(NpgsqlConnectionStringBuilder target)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = target.Database } } })
        {
            if (await exists.ExecuteScalarAsync() is not null)
            {
                return false;
            }
        }

        var name = target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal);
#pragma warning disable CA2100 // the name is quoted as an identifier
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0", connection);
#pragma warning restore CA2100
        await create.ExecuteNonQueryAsync();
        return true;
    }

    /// <summary>Runs pg_dump or pg_restore against the store; the password goes through PGPASSWORD, never the command line.</summary>
    private static async Task<int> RunPgToolAsync(IConfiguration configuration, string tool, string connectionString, IReadOnlyList<string> arguments)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo(PgTool(configuration, tool)) { UseShellExecute = false };
        info.ArgumentList.Add("--host=" + builder.Host);
        info.ArgumentList.Add("--port=" + builder.Port.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(builder.Username))
        {
            info.ArgumentList.Add("--username=" + builder.Username);
        }

        info.ArgumentList.Add("--dbname=" + builder.Database);
        info.ArgumentList.Add("--no-password");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            info.Environment["PGPASSWORD"] = builder.Password;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException(tool + " did not start");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync($"{tool} failed with exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}.");
        }

        return process.ExitCode;
    }

    /// <summary><c>Kefu:Backup:PgBinDirectory</c>, else the newest Debian server's bin folder, else PATH.</summary>
    private static string PgTool(IConfiguration configuration, string tool)
    {
        if (configuration["Kefu:Backup:PgBinDirectory"] is { Length: > 0 } configured)
        {
            return Path.Combine(configured, tool);
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", tool)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), CultureInfo.InvariantCulture, out var v) ? v : 0).FirstOrDefault()
            : null;
        return debian ?? tool;
    }
}
