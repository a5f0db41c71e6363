using Kefu.Web.Data;
using Kefu.Web.Features.Access;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// Command-line operations for operators:
/// <c>migrate</c> — apply pending migrations to the configured store and exit;
/// <c>create-admin --user NAME --password PASSWORD [--display-name NAME]</c> — create an administrator;
/// <c>backup --to FILE</c> / <c>restore --from FILE [--force]</c> — see <see cref="BackupCommands"/>.
/// <c>generate [--calls N] [--complaints N] [--months M] [--seats S] [--seed N] [--end ISO]</c> — fill the store with generated history.
/// </summary>
public static class AdminCommands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        switch (args[0])
        {
            case "migrate":
                await StoreSetup.MigrateAsync(app.Services);
                await DemoData.EnsureBaselineAsync(app.Services, CancellationToken.None);
                await Console.Out.WriteLineAsync("Migrations applied to " + app.Services.GetRequiredService<StoreInfo>().Describe());
                return true;
            case "create-admin":
                Environment.ExitCode = await CreateAdminAsync(app, args);
                return true;
            case "backup":
                Environment.ExitCode = await BackupCommands.BackupAsync(app, args);
                return true;
            case "restore":
                Environment.ExitCode = await BackupCommands.RestoreAsync(app, args);
                return true;
            case "generate":
                Environment.ExitCode = await GenerateCommand.RunAsync(app, args);
                return true;
            default:
                return false;
        }
    }

    private static async Task<int> CreateAdminAsync(WebApplication app, string[] args)
    {
        string? Option(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var user = Option("--user");
        var password = Option("--password") ?? Environment.GetEnvironmentVariable("KEFU_ADMIN_PASSWORD");
        if (user is null || password is null)
        {
            await Console.Error.WriteLineAsync("usage: create-admin --user NAME --password PASSWORD [--display-name NAME]  (or KEFU_ADMIN_PASSWORD)");
            return 2;
        }

        await StoreSetup.MigrateAsync(app.Services);
        await DemoData.EnsureBaselineAsync(app.Services, CancellationToken.None);
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(
                new UserAdministration.NewUser(user, Option("--display-name") ?? user, password, KefuRoles.Admin, null, null, null), CancellationToken.None);
        }
        catch (FieldValidationException e)
        {
            foreach (var (field, rules) in e.Errors)
            {
                await Console.Error.WriteLineAsync($"{field}: {string.Join("; ", rules)}");
            }

            return 1;
        }

        await Console.Out.WriteLineAsync($"Administrator '{user}' created.");
        return 0;
    }
}
