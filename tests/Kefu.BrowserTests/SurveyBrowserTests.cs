using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

public sealed class SurveyBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Caller_OpensTheSurveyLinkFromTheSms_OnAPhone_RatesFiveStars_AndCannotAnswerTwice()
    {
        // A call the caller agreed to rate (the PBX's call.ended carries the consent).
        var callId = "survey-" + Guid.NewGuid().ToString("N")[..10];
        var phone = "137" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UtcNow;
        string Time(int seconds) => at.AddSeconds(seconds).ToString("O", CultureInfo.InvariantCulture);
        await app.PostEventsAsync(new object[]
        {
            new { id = callId + "-1", type = "call.offered", callId, at = Time(-90), from = phone, to = "4000000000" },
            new { id = callId + "-2", type = "call.answered", callId, at = Time(-80), agent = "agent" },
            new { id = callId + "-3", type = "call.ended", callId, at = Time(0), by = "caller", surveyConsent = true },
        });

        // The development SMS sink shows the text the caller got (the outbox sender delivers it in the background).
        var admin = await app.NewPageAsync();
        await BrowserApi.LogInAsync(admin, "admin");
        await admin.GotoAsync("/dev/sms");
        var sms = admin.Locator("[data-testid=dev-sms]", new PageLocatorOptions { HasText = phone });
        for (var i = 0; i < 30 && await sms.CountAsync() == 0; i++)
        {
            await Task.Delay(500);
            await admin.ClickAsync("[data-testid=dev-sms-refresh]");
        }

        await app.ScreenshotAsync(admin, "survey-01-dev-sms");
        var href = await sms.First.Locator("[data-testid=dev-sms-link]").GetAttributeAsync("href");
        var path = new Uri(href!).AbsolutePath;
        Assert.Matches(new Regex("^/s/[A-Za-z0-9_-]{20,}$", RegexOptions.None, TimeSpan.FromSeconds(1)), path);

        var phoneContext = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
        });
        var page = await phoneContext.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(path);
        await app.ScreenshotAsync(page, "survey-02-form");
        await page.ClickAsync("[data-testid=rating-5]");
        await page.ClickAsync("[data-testid=reason-friendly]");
        await page.FillAsync("#comment", "客服很耐心，谢谢！");
        await page.ClickAsync("[data-testid=survey-submit]");
        await page.Locator("[data-testid=survey-thanks]").WaitForAsync();
        await app.ScreenshotAsync(page, "survey-03-thanks");
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth}px wide on a 390px phone");

        await page.GotoAsync(path);
        Assert.Contains("已提交过评价", await page.Locator("[data-testid=survey-already-answered]").InnerTextAsync(), StringComparison.Ordinal);
        await app.ScreenshotAsync(page, "survey-04-already-answered");
        await phoneContext.CloseAsync();
    }
}
