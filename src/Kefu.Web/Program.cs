using Kefu.Web.Infrastructure;

var simulation = SimulateCommand.Parse(args);
var builder = WebApplication.CreateBuilder(args);
builder.AddKefu();
SettableClock? simulatedClock = null;
if (simulation is { Url: null })
{
    // The simulated hours end now: the store gets that much history, and the ACD's timers run on the same clock.
    simulatedClock = new SettableClock(DateTimeOffset.UtcNow.AddHours(-simulation.Simulator.Hours));
    SimulateCommand.ConfigureHost(builder, simulation, simulatedClock);
}

var app = builder.Build();

// Operator commands: `migrate` applies migrations and exits; `create-admin` creates the first administrator;
// `simulate` drives the call center with simulated traffic.
if (simulation is not null)
{
    Environment.ExitCode = await SimulateCommand.RunAsync(app, simulation, simulatedClock);
    return;
}

if (args.Length > 0 && await AdminCommands.TryRunAsync(app, args))
{
    return;
}

app.UseKefu();
await app.PrepareStoreAsync();
app.PrintBannerOnStart();
await app.RunAsync();

/// <summary>The entry point; public so that integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
