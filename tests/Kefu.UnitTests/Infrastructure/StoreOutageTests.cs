using System.Net.Sockets;
using Kefu.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kefu.UnitTests.Infrastructure;

public sealed class StoreOutageTests
{
    [Theory]
    [InlineData(5)]  // SQLITE_BUSY: another writer held the lock past the busy timeout
    [InlineData(6)]  // SQLITE_LOCKED
    [InlineData(14)] // SQLITE_CANTOPEN
    public void SqliteLockAndOpenErrors_AreAnOutage_AlsoWhenWrappedBySaveChanges(int code)
    {
        var sqlite = new SqliteException("database is locked", code);

        Assert.True(StoreOutage.IsStoreUnavailable(sqlite));
        Assert.True(StoreOutage.IsStoreUnavailable(new DbUpdateException("save failed", sqlite)));
    }

    [Fact]
    public void ConnectionRefusedAndTimeouts_AreAnOutage()
    {
        Assert.True(StoreOutage.IsStoreUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(StoreOutage.IsStoreUnavailable(new InvalidOperationException("wrapped", new TimeoutException())));
    }

    [Fact]
    public void ConstraintViolationsAndBugs_AreNotAnOutage()
    {
        Assert.False(StoreOutage.IsStoreUnavailable(new SqliteException("UNIQUE constraint failed", 19)));
        Assert.False(StoreOutage.IsStoreUnavailable(new DbUpdateException("save failed", new SqliteException("NOT NULL constraint failed", 19))));
        Assert.False(StoreOutage.IsStoreUnavailable(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void TextFormat_WritesOneMaskedLine_WithTheCorrelationIdOfTheScope()
    {
        var options = new OptionsMonitorStub(new RedactingConsoleFormatterOptions { Json = false });
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new Dictionary<string, object> { [Telemetry.CorrelationKey] = "corr-42" });
        var entry = new LogEntry<string>(LogLevel.Warning, "Kefu.Test", default, "caller 13812345678 waited", null, (s, _) => s);
        using var writer = new StringWriter();

        new RedactingConsoleFormatter(options).Write(entry, scopes, writer);

        var line = writer.ToString().TrimEnd();
        Assert.EndsWith("Warning Kefu.Test [corr-42]: caller 138****5678 waited", line, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", line, StringComparison.Ordinal);
    }

    private sealed class OptionsMonitorStub(RedactingConsoleFormatterOptions value) : IOptionsMonitor<RedactingConsoleFormatterOptions>
    {
        public RedactingConsoleFormatterOptions CurrentValue => value;

        public RedactingConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RedactingConsoleFormatterOptions, string?> listener) => null;
    }
}
