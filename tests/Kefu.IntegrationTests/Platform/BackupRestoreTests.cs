using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Kefu.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Platform;

/// <summary>An app on its own store with its background jobs off, so nothing writes while the tables are compared.</summary>
public sealed class QuietApp : KefuAppFactory
{
    public QuietApp()
    {
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
    }
}

/// <summary>
/// The operator commands <c>backup --to FILE</c> and <c>restore --from FILE</c>, run as a deployment runs them
/// (<c>dotnet Kefu.Web.dll …</c>): a store with data is backed up while the app runs, restored into an empty store, and
/// every table is compared by row count and a checksum of its rows.
/// </summary>
public sealed class BackupRestoreTests(QuietApp app) : IClassFixture<QuietApp>, IDisposable
{
    private readonly TestStore restored = new();
    private readonly string folder = Directory.CreateTempSubdirectory("kefu-backup-").FullName;

    [Fact]
    public async Task Backup_RestoredIntoAnEmptyStore_HasEveryTableWithTheSameCountsAndChecksums()
    {
        var agent = await app.ClientForAsync("agent");
        var customer = await agent.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("备份测试"), phone = TestData.Mobile() });
        Assert.Equal(HttpStatusCode.Created, customer.StatusCode);
        var customerId = (await customer.JsonAsync()).GetProperty("id").GetGuid();
        var complaint = await agent.PostAsJsonAsync("/api/v1/complaints", new { customerId, channel = "Phone", category = "LOGISTICS", severity = "High", summary = "备份前的投诉：包裹破损，客户要求赔偿" });
        Assert.Equal(HttpStatusCode.Created, complaint.StatusCode);
        var file = Path.Combine(folder, "kefu.backup");

        var backup = await KefuProcess.RunCommandAsync(app.Store, "backup", "--to", file);
        Assert.True(backup.ExitCode == 0, backup.Output);
        var restore = await KefuProcess.RunCommandAsync(restored, "restore", "--from", file);
        Assert.True(restore.ExitCode == 0, restore.Output);

        var before = await ChecksumsAsync(app.Store);
        var after = await ChecksumsAsync(restored);
        Assert.Contains(before, t => t.Key == "Complaints" && t.Value.Rows > 0);
        Assert.Contains(before, t => t.Key == "ComplaintEvents" && t.Value.Rows > 0);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, source) in before)
        {
            Assert.True(source == after[table], $"{table}: {source.Rows} rows {source.Sha256} before, {after[table].Rows} rows {after[table].Sha256} after");
        }

        // The restored store is complete: nothing left to migrate, and a second restore into it is refused.
        var migrate = await KefuProcess.RunCommandAsync(restored, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        var again = await KefuProcess.RunCommandAsync(restored, "restore", "--from", file);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("not empty", again.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        restored.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private sealed record TableSum(long Rows, string Sha256);

    /// <summary>Row count and SHA-256 of the sorted rows (every column, in an invariant text form) of every table of the model.</summary>
    private static async Task<Dictionary<string, TableSum>> ChecksumsAsync(TestStore store)
    {
        await using var db = KefuProcess.OpenStore(store);
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Append("__EFMigrationsHistory").Distinct(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var sums = new Dictionary<string, TableSum>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the EF Core model
            command.CommandText = $"SELECT * FROM \"{table}\"";
#pragma warning restore CA2100
            var rows = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader, i))));
                }
            }

            rows.Sort(StringComparer.Ordinal);
            sums[table] = new TableSum(rows.Count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows)))));
        }

        return sums;
    }

    private static string Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? "∅" : reader.GetValue(column) switch
    {
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        var value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
