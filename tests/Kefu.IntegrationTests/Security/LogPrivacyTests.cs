using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kefu.IntegrationTests.Complaints;
using Kefu.Tests.Shared;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kefu.IntegrationTests.Security;

/// <summary>
/// The app with every log line captured exactly as the console would print it (through Kefu's redacting formatter),
/// and with ASP.NET Core's and EF Core's request and command logs turned up to Information, stricter than production.
/// </summary>
public sealed class LogCaptureApp : KefuAppFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Information");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Information");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Information");
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(new CapturingProvider(Lines)));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        private readonly RedactingConsoleFormatter formatter = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, formatter, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, RedactingConsoleFormatter formatter, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter1)
        {
            using var writer = new StringWriter();
            formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter1), null, writer);
            lines.Enqueue(writer.ToString());
        }
    }
}

/// <summary>Runs flows that carry phone numbers, ID numbers, card numbers, passwords and tokens, and scans the log.</summary>
public sealed class LogPrivacyTests(LogCaptureApp app) : IClassFixture<LogCaptureApp>
{
    [Fact]
    public async Task FlowsCarryingPersonalDataAndSecrets_LeaveNoneOfItInTheLog()
    {
        var phone = TestData.Mobile();
        var nationalId = TestData.NationalId();
        var card = TestData.BankCard();
        const string WrongPassword = "Tr0ub4dor&3-wrong";
        const string NewPassword = "Kefu2026!logscan";
        var admin = await app.ClientForAsync("admin");
        var agent = await app.ClientForAsync("agent");

        // Passwords: a failed API sign-in, a failed browser sign-in, a new account and its first sign-in.
        var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nobody-here", password = WrongPassword })).StatusCode);
        await LockoutTests.SignInAsync(anonymous, "nobody-here", WrongPassword);
        var userName = TestData.Name("logscan");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", new { userName, displayName = "日志检查", password = NewPassword, role = "Agent", workNumber = "1998" })).StatusCode);
        var issued = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = NewPassword });
        var token = (await issued.JsonAsync()).GetProperty("token").GetString()!;

        // Tokens: used as a bearer header and, as SignalR clients do, in the hub's query string.
        using var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/v1/auth/me")).StatusCode);
        await app.CreateClient().PostAsync($"/hubs/callcenter/negotiate?negotiateVersion=1&access_token={token}", null);
        await app.CreateClient().GetAsync("/api/v1/auth/me?access_token=" + token);

        // Phone numbers: a customer, a search by number, a public complaint form submission.
        var created = await agent.PostAsJsonAsync("/api/v1/customers", new { name = TestData.Name("日志"), phone });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await agent.GetAsync("/api/v1/customers?q=" + phone);
        await agent.GetAsync("/api/v1/customers?phone=" + phone);
        var form = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var formPhone = TestData.Mobile();
        await PublicFormTests.SubmitAsync(form, PublicFormTests.Valid(formPhone));

        // ID and card numbers: refused input (the value must not be echoed into the log either).
        var refused = await agent.PostAsJsonAsync("/api/v1/customers", new { name = "客户" + nationalId, phone = TestData.Mobile(), note = "卡号 " + card });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await agent.GetAsync("/api/v1/customers?q=" + nationalId);
        await agent.GetAsync("/api/v1/customers?q=" + card);
        var formWithId = PublicFormTests.Valid(TestData.Mobile());
        formWithId["Description"] = $"身份证 {nationalId}，银行卡 {card}，密码 {WrongPassword}";
        await PublicFormTests.SubmitAsync(form, formWithId);

        var log = string.Join("", app.Lines);
        Assert.Contains("Request starting", log, StringComparison.Ordinal); // the capture works and is verbose
        Assert.Contains("/api/v1/customers", log, StringComparison.Ordinal);
        foreach (var (what, secret) in new[]
        {
            ("mobile number", phone), ("form mobile number", formPhone), ("ID number", nationalId), ("bank card", card),
            ("wrong password", WrongPassword), ("new password", NewPassword), ("API token", token), ("demo password", KefuAppFactory.DemoPassword),
        })
        {
            var at = log.IndexOf(secret, StringComparison.Ordinal);
            Assert.True(at < 0, $"the log carries the {what}: …{(at < 0 ? "" : log.Substring(Math.Max(0, at - 200), Math.Min(300, log.Length - Math.Max(0, at - 200))))}…");
        }
    }
}
