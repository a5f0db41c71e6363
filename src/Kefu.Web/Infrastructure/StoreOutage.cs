using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Kefu.Web.Infrastructure;

/// <summary>Store settings that decide how an outage is reported (<c>Kefu:Store</c>).</summary>
public sealed class StoreOutageOptions
{
    public const string Section = "Kefu:Store";

    /// <summary>What <c>Retry-After</c> tells a caller (the PBX) when the store is unavailable.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>SQLite: how long a write waits for another writer's lock before the request is refused with 503.</summary>
    public int BusyTimeoutSeconds { get; set; } = 10;
}

/// <summary>
/// Tells a store outage (connection refused or dropped, a timeout, the database locked beyond the busy timeout) from
/// an error in the request or in Kefu, so that an outage is answered 503 with <c>Retry-After</c>: nothing was stored,
/// and the caller should send the same request again.
/// </summary>
public static class StoreOutage
{
    public static bool IsStoreUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6 or 14: // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN
                case PostgresException postgres when postgres.IsTransient || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal):
                case NpgsqlException { IsTransient: true }:
                case TimeoutException:
                case SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsStoreUnavailable):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Drops pooled PostgreSQL connections after an outage, so the next request opens fresh ones instead of
    /// finding the dead sockets of the old server one by one.</summary>
    public static void ForgetBrokenConnections(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException)
            {
                NpgsqlConnection.ClearAllPools();
                return;
            }
        }
    }
}
