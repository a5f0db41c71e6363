using System.Net;
using System.Net.Http.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Security;

/// <summary>Markup typed into knowledge articles and bulletins is cleaned when stored; plain text is kept as typed.</summary>
[Collection(AppCollection.Name)]
public sealed class RichTextTests(KefuAppFactory app)
{
    [Fact]
    public async Task ArticleBody_LosesScriptsHandlersAndJavascriptLinks_KeepsTextAndSafeMarkup()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        const string Body = "## 标题\n正文 <script>alert(1)</script><a href=\"javascript:alert(2)\" onclick=\"steal()\">链接</a> <b>粗体</b> <img src=x onerror=alert(3)>";

        var created = await supervisor.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = TestData.Name("清洗"), body = Body });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = (await created.JsonAsync()).GetProperty("draft").GetProperty("body").GetString()!;
        Assert.DoesNotContain("<script", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", stored, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("链接", stored, StringComparison.Ordinal);
        Assert.Contains("<b>粗体</b>", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainTextWithAngleBrackets_IsStoredExactlyAsTyped()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        const string Body = "退款金额 < 100 元 & 订单 > 3 天：**直接退回**\n- 第一步";

        var created = await supervisor.PostAsJsonAsync("/api/v1/knowledge/articles", new { title = TestData.Name("原样"), body = Body });

        Assert.Equal(Body, (await created.JsonAsync()).GetProperty("draft").GetProperty("body").GetString());
    }

    [Fact]
    public async Task BulletinBody_IsCleanedToo()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

        var created = await supervisor.PostAsJsonAsync("/api/v1/knowledge/bulletins", new
        {
            title = TestData.Name("公告"), body = "系统维护<script>alert(1)</script>", priority = "Normal",
            validFrom = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            validTo = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.JsonAsync()).GetProperty("body").GetString()!;
        Assert.Equal("系统维护", body);
    }
}
