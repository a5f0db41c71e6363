using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kefu.UnitTests.Infrastructure;

public sealed class ETagsTests
{
    [Fact]
    public void RequireIfMatch_ReadsTheVersionWrittenByFormat()
    {
        var version = Guid.NewGuid();
        var context = new DefaultHttpContext();
        context.Request.Headers.IfMatch = ETags.Format(version);

        Assert.Equal(version, ETags.RequireIfMatch(context.Request));
    }

    [Fact]
    public void RequireIfMatch_Missing_IsPreconditionRequired()
    {
        var exception = Assert.Throws<PreconditionRequiredException>(() => ETags.RequireIfMatch(new DefaultHttpContext().Request));

        Assert.Equal(428, exception.StatusCode);
    }

    [Fact]
    public void RequireIfMatch_ForeignTag_NeverMatchesAVersion()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.IfMatch = "\"abc\"";

        Assert.Equal(Guid.Empty, ETags.RequireIfMatch(context.Request));
    }
}

public sealed class PageRequestTests
{
    [Fact]
    public void From_DefaultsToFirstPageOfTwenty() => Assert.Equal(new PageRequest(1, 20), PageRequest.From(null, null));

    [Theory]
    [InlineData(0, 10, "page")]
    [InlineData(1, 0, "pageSize")]
    [InlineData(1, 201, "pageSize")]
    public void From_OutOfRange_NamesTheParameter(int page, int size, string field)
    {
        var error = Assert.Throws<FieldValidationException>(() => PageRequest.From(page, size));

        Assert.Contains(field, error.Errors.Keys);
    }

    [Fact]
    public void Skip_CountsWholePages() => Assert.Equal(40, new PageRequest(3, 20).Skip);
}

public sealed class ApiTokenTests
{
    [Fact]
    public void Issue_StoresOnlyTheHash_AndTheHashMatchesThePlainText()
    {
        var now = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

        var (token, plain) = ApiToken.Issue(Guid.NewGuid(), "cti", now, TimeSpan.FromDays(30));

        Assert.StartsWith(ApiToken.TokenPrefix, plain, StringComparison.Ordinal);
        Assert.DoesNotContain(plain, token.TokenHash, StringComparison.Ordinal);
        Assert.Equal(ApiToken.Hash(plain), token.TokenHash);
        Assert.Equal(64, token.TokenHash.Length);
        Assert.Equal(now.AddDays(30), token.ExpiresAt);
    }

    [Fact]
    public void IsUsableAt_IsFalseAfterExpiryOrRevocation()
    {
        var now = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);
        var (token, _) = ApiToken.Issue(Guid.NewGuid(), "cti", now, TimeSpan.FromDays(1));

        Assert.True(token.IsUsableAt(now.AddHours(23)));
        Assert.False(token.IsUsableAt(now.AddDays(1)));
        token.RevokedAt = now;
        Assert.False(token.IsUsableAt(now.AddHours(1)));
    }

    [Fact]
    public void Issue_GivesDifferentTokensEachTime()
    {
        var (_, a) = ApiToken.Issue(Guid.NewGuid(), "x", DateTime.UtcNow, TimeSpan.FromDays(1));
        var (_, b) = ApiToken.Issue(Guid.NewGuid(), "x", DateTime.UtcNow, TimeSpan.FromDays(1));

        Assert.NotEqual(a, b);
    }
}

public sealed class LogRedactionTests
{
    [Fact]
    public void Redact_MasksMobileNumbers() =>
        Assert.Equal("来电 138****5678 已接通", RedactingConsoleFormatter.Redact("来电 13812345678 已接通"));

    [Fact]
    public void Redact_LeavesOrdinaryTextAlone() =>
        Assert.Equal("Request finished in 12 ms", RedactingConsoleFormatter.Redact("Request finished in 12 ms"));
}
