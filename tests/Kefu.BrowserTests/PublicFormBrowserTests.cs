using Microsoft.Playwright;

namespace Kefu.BrowserTests;

public sealed class PublicFormBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Customer_OnAPhone_SubmitsAComplaintWithAPhoto_AndLandsOnTheTrackingPage()
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl,
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync("/complaint-form");
        await app.ScreenshotAsync(page, "public-01-form");
        await page.FillAsync("#name", "周女士");
        await page.FillAsync("#phone", "139 0000 7788");
        await page.FillAsync("#orderNumber", "KF202611210007");
        await page.SelectOptionAsync("#category", new SelectOptionValue { Label = "物流" });
        await page.FillAsync("#description", "快递显示已签收，但我没有收到包裹。");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
        await page.SetInputFilesAsync("#files", new FilePayload { Name = "签收截图.png", MimeType = "image/png", Buffer = png });
        await page.ClickAsync("[data-testid=public-form-submit]");

        await page.WaitForURLAsync(url => url.Contains("/track/TS-", StringComparison.Ordinal));
        var number = await page.Locator("[data-testid=track-number]").InnerTextAsync();
        Assert.Matches("^TS-\\d{8}-[0-9A-F]{6}$", number.Trim());
        Assert.Contains("已受理", await page.Locator("[data-testid=track-status]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("[data-testid=track-received]").IsVisibleAsync());
        await app.ScreenshotAsync(page, "public-02-tracking");

        // The form fits the phone: nothing wider than the viewport.
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth}px wide on a 390px phone");
        await context.CloseAsync();
    }

    [Fact]
    public async Task PublicForm_WithAnIdNumberInTheName_ShowsTheRuleInChinese()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("/complaint-form");
        await page.FillAsync("#name", "周女士110105199003071239");
        await page.FillAsync("#phone", "13900007789");
        await page.SelectOptionAsync("#category", new SelectOptionValue { Label = "物流" });
        await page.FillAsync("#description", "包裹未收到");
        await page.ClickAsync("[data-testid=public-form-submit]");

        var errors = page.Locator("[data-testid=public-form-errors]");
        await errors.WaitForAsync();
        Assert.Contains("身份证", await errors.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("", await page.InputValueAsync("#name"));
        Assert.Equal("包裹未收到", await page.InputValueAsync("#description"));
        await app.ScreenshotAsync(page, "public-03-refused");
    }
}
