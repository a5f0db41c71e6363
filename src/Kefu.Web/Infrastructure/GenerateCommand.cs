using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Insights.Generation;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// <c>generate [--calls 10000000] [--complaints 1000000] [--months 12] [--seats 300] [--seed 1] [--end 2026-12-01T00:00Z]</c>: fills the
/// configured store with a period of generated call-center history (calls, call surveys, customers, complaints) and its rollups,
/// then checks the rollups against the raw rows and prints the counts and the time taken. Exit code 1 when a check fails.
/// </summary>
public static class GenerateCommand
{
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        GeneratorOptions options;
        try
        {
            options = Parse(args);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync("usage: generate [--calls N] [--complaints N] [--months M] [--seats S] [--seed N] [--end ISO-date-time]");
            return 2;
        }

        await StoreSetup.MigrateAsync(app.Services);
        await DemoData.EnsureBaselineAsync(app.Services, CancellationToken.None);
        await Features.Insights.CallKpiRollups.RebuildIfNeededAsync(app.Services, CancellationToken.None);
        await Console.Out.WriteLineAsync($"Generating {options.Calls:N0} calls and {options.Complaints:N0} complaints over {options.Months} months for {options.Seats} seats into "
            + app.Services.GetRequiredService<StoreInfo>().Describe());
        try
        {
            var result = await new DataGenerator(app.Services, Console.Out).RunAsync(options, CancellationToken.None);
            await Console.Out.WriteLineAsync($"Period {result.From:O} – {result.To:O}");
            await Console.Out.WriteLineAsync($"Calls {result.Calls:N0}; survey invitations {result.SurveyInvitations:N0} ({result.SurveyAnswers:N0} answered); "
                + $"customers {result.Customers:N0}; complaints {result.Complaints:N0}; deadlines {result.Deadlines:N0}; findings {result.Findings:N0}");
            await Console.Out.WriteLineAsync($"Rollup rows: calls {result.CallRollupRows:N0}, surveys {result.SurveyRollupRows:N0}");
            foreach (var line in result.Checks)
            {
                await Console.Out.WriteLineAsync("Check " + line);
            }

            await Console.Out.WriteLineAsync($"Done in {result.Elapsed.TotalSeconds:0.0} s ({result.Calls / Math.Max(0.001, result.Elapsed.TotalSeconds):N0} calls/s overall)");
            return result.ChecksPassed ? 0 : 1;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    public static GeneratorOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new GeneratorOptions();
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--calls" => options with { Calls = long.Parse(value, CultureInfo.InvariantCulture) },
                "--complaints" => options with { Complaints = long.Parse(value, CultureInfo.InvariantCulture) },
                "--months" => options with { Months = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seats" => options with { Seats = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--end" => options with { End = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture).UtcDateTime },
                _ => throw new FormatException($"unknown option {args[i]}"),
            };
            i++;
        }

        return options;
    }
}
