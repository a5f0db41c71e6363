using Microsoft.AspNetCore.Hosting;

namespace Kefu.IntegrationTests;

/// <summary>
/// A test that needs the throwaway mail server (postfix + dovecot) that ./test.sh starts. Without it the test is
/// skipped with the reason shown, except in CI (CI=true), where it runs and fails: CI must never pass by skipping.
/// </summary>
public sealed class MailFactAttribute : FactAttribute
{
    public MailFactAttribute()
    {
        if (!TestMailServer.IsConfigured && !TestMailServer.InCi)
        {
            Skip = "No test mail server: KEFU_TEST_SMTP and KEFU_TEST_IMAP are not set (./test.sh starts postfix + dovecot with tools/test/mail-server.sh and sets them).";
        }
    }
}

/// <summary>Where the test mail server is, as ./test.sh exports it.</summary>
internal static class TestMailServer
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsConfigured => Env("KEFU_TEST_SMTP") is not null && Env("KEFU_TEST_IMAP") is not null;

    public static (string Host, int Port) Smtp => Endpoint("KEFU_TEST_SMTP");

    public static (string Host, int Port) Imap => Endpoint("KEFU_TEST_IMAP");

    /// <summary>The support mailbox Kefu reads and sends from (also its IMAP user name).</summary>
    public static string SupportAddress => Require("KEFU_TEST_MAIL_SUPPORT");

    /// <summary>The customers' mailbox: customer+TAG@domain lands here too.</summary>
    public static string CustomerAddress => Require("KEFU_TEST_MAIL_CUSTOMER");

    public static string Password => Require("KEFU_TEST_MAIL_PASSWORD");

    /// <summary>Turns the app's mail on and points its SMTP sender at the test server, sending as the support mailbox.</summary>
    public static void UseForSending(IWebHostBuilder builder)
    {
        var (smtpHost, smtpPort) = Smtp;
        builder.UseSetting("Kefu:Mail:Enabled", "true");
        builder.UseSetting("Kefu:Mail:Smtp:Host", smtpHost);
        builder.UseSetting("Kefu:Mail:Smtp:Port",
            smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Kefu:Mail:Smtp:UseTls", "None");
        builder.UseSetting("Kefu:Mail:FromAddress", SupportAddress);
    }

    private static (string Host, int Port) Endpoint(string name)
    {
        var value = Require(name);
        var colon = value.LastIndexOf(':');
        return (value[..colon], int.Parse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Require(string name) => Env(name)
        ?? throw new InvalidOperationException($"{name} is not set: the mail tests need the throwaway mail server that ./test.sh starts (tools/test/mail-server.sh start DIR).");

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
