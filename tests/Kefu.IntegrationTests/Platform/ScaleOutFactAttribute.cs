namespace Kefu.IntegrationTests.Platform;

/// <summary>
/// A scale-out test: several app instances on one PostgreSQL database and one Redis. It runs in the PostgreSQL pass of
/// ./test.sh (KEFU_TEST_STORE=postgres; a SQLite file is one instance's store) and needs the throwaway redis-server that
/// ./test.sh starts (KEFU_TEST_REDIS=host:port). Without Redis the test is skipped with the reason shown, except in CI
/// (CI=true), where it runs and fails: CI must never pass by skipping.
/// </summary>
public sealed class ScaleOutFactAttribute : FactAttribute
{
    public ScaleOutFactAttribute()
    {
        if (!string.Equals(Environment.GetEnvironmentVariable("KEFU_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "Scale-out runs on PostgreSQL: this test runs in the PostgreSQL pass (KEFU_TEST_STORE=postgres).";
        }
        else if (TestRedis.Server is null && !TestMailServer.InCi)
        {
            Skip = "No test Redis: KEFU_TEST_REDIS is not set (./test.sh starts a throwaway redis-server and sets it to host:port).";
        }
    }
}

/// <summary>Where the throwaway Redis is, as ./test.sh exports it.</summary>
internal static class TestRedis
{
    public static string? Server => Environment.GetEnvironmentVariable("KEFU_TEST_REDIS") is { Length: > 0 } value ? value : null;

    public static string Require() => Server
        ?? throw new InvalidOperationException("KEFU_TEST_REDIS is not set: the scale-out tests need the throwaway redis-server that ./test.sh starts.");
}
