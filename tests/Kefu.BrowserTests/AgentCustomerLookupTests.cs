using Microsoft.Playwright;

namespace Kefu.BrowserTests;

public sealed class AgentCustomerLookupTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Agent_LogsIn_SearchesACustomer_AndOpensTheirPage()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("/customers");
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await app.ScreenshotAsync(page, "01-login");
        await page.FillAsync("#userName", "agent");
        await page.FillAsync("#password", "Kefu2026!");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => url.EndsWith("/customers", StringComparison.Ordinal));

        // The first keystrokes can land before the Blazor circuit is connected: retry the search until the list
        // shows exactly the one customer with that phone number (the unfiltered list shows all of them first).
        var rows = page.Locator("[data-testid=customer-row]");
        var found = false;
        for (var attempt = 0; attempt < 10 && !found; attempt++)
        {
            await page.FillAsync("[data-testid=customer-search] input, input[data-testid=customer-search]", "13812345678");
            await page.ClickAsync("[data-testid=customer-search-button]");
            for (var poll = 0; poll < 15 && !found; poll++)
            {
                found = await rows.CountAsync() == 1 && (await rows.First.InnerTextAsync()).Contains("张伟", StringComparison.Ordinal);
                if (!found)
                {
                    await page.WaitForTimeoutAsync(100);
                }
            }
        }

        Assert.True(found, "searching 13812345678 should list exactly 张伟");
        await app.ScreenshotAsync(page, "02-customer-search");

        // The list may re-render under the first click (a late search result): click again if it did not navigate.
        for (var attempt = 1; ; attempt++)
        {
            await rows.First.ClickAsync();
            try
            {
                await page.WaitForURLAsync(url => url.Contains("/customers/", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 5_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }

        var heading = page.Locator("[data-testid=customer-name]");
        await heading.WaitForAsync();
        Assert.Equal("张伟", (await heading.InnerTextAsync()).Trim());
        var orders = page.Locator("[data-testid=customer-orders]");
        await orders.WaitForAsync();
        Assert.Contains("KF202611150002", await orders.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("物流进度", await page.Locator("[data-testid=customer-contacts]").InnerTextAsync(), StringComparison.Ordinal);
        await app.ScreenshotAsync(page, "03-customer-page");
    }

    [Fact]
    public async Task WrongPassword_ShowsAnErrorOnTheLoginPage()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("/login");
        await page.FillAsync("#userName", "agent");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("[data-testid=login-submit]");

        var error = page.Locator("[data-testid=login-error]");
        await error.WaitForAsync();
        Assert.Contains("用户名或密码错误", await error.InnerTextAsync(), StringComparison.Ordinal);
        await app.ScreenshotAsync(page, "04-login-error");
    }
}
