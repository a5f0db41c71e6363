using System.Data.Common;
using System.Text.RegularExpressions;
using Kefu.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Kefu.Web.Features.Insights.Generation;

/// <summary>
/// A bulk load into the store: PostgreSQL binary <c>COPY</c> (one connection per table being written, so several tables can be
/// filled side by side), or SQLite prepared inserts on the context's connection, committed every 50 000 rows.
/// </summary>
public sealed class BulkSession : IAsyncDisposable
{
    private const int SqliteRowsPerTransaction = 50_000;
    private readonly KefuDbContext db;
    private readonly List<NpgsqlConnection> connections = [];
    private SqliteTransaction? transaction;
    private int pending;

    public BulkSession(KefuDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        this.db = db;
        IsPostgres = db.Database.IsNpgsql();
    }

    public bool IsPostgres { get; }

    public async Task<BulkWriter<T>> OpenAsync<T>(CancellationToken cancellationToken) where T : class
    {
        if (IsPostgres)
        {
            // No command timeout: completing a COPY of millions of rows (index upkeep, WAL) can take minutes.
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { CommandTimeout = 0 }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            connections.Add(connection);
            return await BulkWriter<T>.OpenAsync(db, this, connection, cancellationToken);
        }

        var sqlite = (SqliteConnection)db.Database.GetDbConnection();
        if (sqlite.State != System.Data.ConnectionState.Open)
        {
            await sqlite.OpenAsync(cancellationToken);
        }

        return await BulkWriter<T>.OpenAsync(db, this, sqlite, cancellationToken);
    }

    internal SqliteTransaction SqliteTransaction(SqliteConnection connection) => transaction ??= connection.BeginTransaction();

    internal async Task SqliteRowWrittenAsync(CancellationToken cancellationToken)
    {
        if (++pending >= SqliteRowsPerTransaction)
        {
            await CommitAsync(cancellationToken);
        }
    }

    /// <summary>Commits the SQLite rows written so far (COPY commits when its writer completes).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
            transaction = null;
        }

        pending = 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }
}

/// <summary>
/// Writes entities straight into their table, bypassing the change tracker, with the columns, value converters and store
/// types of the EF model (so a row reads back exactly as if EF had saved it). For bulk loads only: no interceptors, no audit,
/// no rollup upserts — the caller fills the rollups itself.
/// </summary>
public sealed partial class BulkWriter<T> : IAsyncDisposable where T : class
{
    private readonly (Func<T, object?> Get, RelationalTypeMapping Mapping, string PgType)[] columns;
    private readonly BulkSession session;
    private readonly NpgsqlBinaryImporter? importer;
    private readonly SqliteCommand? insert;

    public long Rows { get; private set; }

    private BulkWriter((Func<T, object?>, RelationalTypeMapping, string)[] columns, BulkSession session, NpgsqlBinaryImporter? importer, SqliteCommand? insert)
    {
        this.columns = columns;
        this.session = session;
        this.importer = importer;
        this.insert = insert;
    }

    internal static async Task<BulkWriter<T>> OpenAsync(KefuDbContext db, BulkSession session, DbConnection connection, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var properties = entity.GetProperties().Where(p => p.PropertyInfo is not null || p.FieldInfo is not null).ToList();
        var mapped = properties.Select(p =>
        {
            var getter = p.GetGetter();
            var mapping = (RelationalTypeMapping)p.GetTypeMapping();
            return ((Func<T, object?>)(e => getter.GetClrValue(e)), mapping, Facets().Replace(mapping.StoreType, ""));
        }).ToArray();
        var names = string.Join(", ", properties.Select(p => "\"" + p.GetColumnName(store) + "\""));
        if (connection is NpgsqlConnection npgsql)
        {
            var copy = await npgsql.BeginBinaryImportAsync($"COPY \"{table}\" ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            copy.Timeout = TimeSpan.Zero;
            return new BulkWriter<T>(mapped, session, copy, null);
        }

        var command = (SqliteCommand)connection.CreateCommand();
#pragma warning disable CA2100 // built from the model's column names only; every value is a parameter
        command.CommandText = $"INSERT INTO \"{table}\" ({names}) VALUES ({string.Join(", ", properties.Select((_, i) => "@p" + i))})";
#pragma warning restore CA2100
        return new BulkWriter<T>(mapped, session, null, command);
    }

    public async Task WriteAsync(T row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (importer is not null)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var (get, mapping, pgType) in columns)
            {
                var value = get(row);
                if (value is not null && mapping.Converter is { } converter)
                {
                    value = converter.ConvertToProvider(value);
                }

                if (value is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(value, pgType, cancellationToken);
                }
            }
        }
        else
        {
            insert!.Transaction = session.SqliteTransaction(insert.Connection!);
            insert.Parameters.Clear();
            for (var i = 0; i < columns.Length; i++)
            {
                // The mapping's own parameter: converters and SQLite's text forms of Guid, DateTime and decimal as EF writes them.
                insert.Parameters.Add(columns[i].Mapping.CreateParameter(insert, "@p" + i, columns[i].Get(row)));
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
            await session.SqliteRowWrittenAsync(cancellationToken);
        }

        Rows++;
    }

    /// <summary>Finishes the COPY (PostgreSQL); on SQLite the session commits.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (importer is not null)
        {
            await importer.CompleteAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (importer is not null)
        {
            await importer.DisposeAsync();
        }

        if (insert is not null)
        {
            await insert.DisposeAsync();
        }
    }

    [GeneratedRegex(@"\([0-9, ]*\)", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Facets();
}

internal static class DbCommandExtensions
{
    public static DbCommand Parameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
