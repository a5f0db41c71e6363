using Kefu.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddKefu();
var app = builder.Build();

// Operator commands: `migrate` applies migrations and exits; `create-admin` creates the first administrator.
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
