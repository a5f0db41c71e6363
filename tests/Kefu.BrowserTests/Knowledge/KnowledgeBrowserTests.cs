using Kefu.Web.Features.Knowledge;
using Microsoft.Playwright;

namespace Kefu.BrowserTests.Knowledge;

/// <summary>The knowledge base in the browser (issue #6 point 6): an agent reads today's bulletin on the desktop, searches
/// in Traditional Chinese and opens the article.</summary>
public sealed class KnowledgeBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Agent_SeesTodaysBulletinOnTheDesktop_MarksItRead_AndFindsAnArticleByAskingInChinese()
    {
        var page = await app.NewPageAsync();
        await BrowserApi.LogInAsync(page, "agent");
        await page.GotoAsync("/desktop");
        await page.Locator("[data-testid=desktop][data-interactive=true]").WaitForAsync();
        var bulletin = page.Locator("[data-testid=desktop-bulletin-item]", new() { Has = page.Locator("[data-testid=desktop-bulletin-title]", new() { HasText = KnowledgeDemoArticles.DemoBulletinTitle }) });
        await bulletin.WaitForAsync();
        Assert.Equal("false", await bulletin.GetAttributeAsync("data-read"));
        await app.ScreenshotAsync(page, "knowledge-01-desktop-bulletin");

        await bulletin.Locator("[data-testid=desktop-bulletin-mark-read]").ClickAsync();
        await page.Locator("[data-testid=desktop-bulletin-item][data-read=true]").WaitForAsync();

        await page.GotoAsync("/knowledge");
        await page.Locator("[data-testid=kb-home][data-interactive=true]").WaitForAsync();
        await page.FillAsync("[data-testid=kb-search]", "錢什麼時候退回來");
        await page.ClickAsync("[data-testid=kb-search-submit]");
        var first = page.Locator("[data-testid=kb-hit]").First;
        await first.WaitForAsync();
        Assert.Equal("退款到账时间", (await first.Locator("[data-testid=kb-hit-link]").InnerTextAsync()).Trim());
        await app.ScreenshotAsync(page, "knowledge-02-search-traditional");

        await first.Locator("[data-testid=kb-hit-link]").ClickAsync();
        await page.Locator("[data-testid=kb-published]").WaitForAsync();
        Assert.Equal("退款到账时间", (await page.InnerTextAsync("[data-testid=kb-article-title]")).Trim());
        Assert.Equal("Published", await page.GetAttributeAsync("[data-testid=kb-article-status]", "data-status"));
        Assert.Contains("原路退回", await page.InnerTextAsync("[data-testid=kb-published] [data-testid=kb-article-body]"), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("[data-testid=kb-history-row]").CountAsync());
        await app.ScreenshotAsync(page, "knowledge-03-article");
    }
}
