using System.Globalization;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

public sealed class ComplaintBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Agent_TakesAComplaintOfZhangWei_ThroughAllSixSteps_ToClosed()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("/login");
        await page.FillAsync("#userName", "agent");
        await page.FillAsync("#password", "Kefu2026!");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));

        // Find 刘洋 (a demo customer with no complaints yet) by phone; the first keystrokes can land before the circuit is connected, so retry the search.
        await page.GotoAsync("/customers");
        var rows = page.Locator("[data-testid=customer-row]");
        var found = false;
        for (var attempt = 0; attempt < 10 && !found; attempt++)
        {
            await page.FillAsync("input[data-testid=customer-search]", "18600001111");
            await page.ClickAsync("[data-testid=customer-search-button]");
            for (var poll = 0; poll < 15 && !found; poll++)
            {
                found = await rows.CountAsync() == 1 && (await rows.First.InnerTextAsync()).Contains("刘洋", StringComparison.Ordinal);
                if (!found)
                {
                    await page.WaitForTimeoutAsync(100);
                }
            }
        }

        Assert.True(found, "searching 18600001111 should list exactly 刘洋");
        await rows.First.ClickAsync();
        await page.Locator("[data-testid=customer-complaints-empty]").WaitForAsync();
        await app.ScreenshotAsync(page, "complaint-01-customer-without-complaints");

        // Intake: the customer comes with the link; category, severity and channel are chosen.
        await page.ClickAsync("[data-testid=complaint-new-for-customer]");
        await page.WaitForURLAsync(url => url.Contains("/complaints/new?customerId=", StringComparison.Ordinal));
        await page.Locator("[data-testid=complaint-form][data-interactive=true]").WaitForAsync();
        Assert.Contains("刘洋", await page.InputValueAsync("[data-testid=complaint-form-customer]"), StringComparison.Ordinal);
        await SelectAsync(page, "complaint-form-category", "物流");
        await SelectAsync(page, "complaint-form-severity", "中");
        await SelectAsync(page, "complaint-form-channel", "电话");
        await page.FillAsync("[data-testid=complaint-form-summary]", "订单 KF202611150002 承诺两天送达，已超过五天仍未收到，客户要求尽快送达并说明原因。");
        await app.ScreenshotAsync(page, "complaint-02-new");
        await page.ClickAsync("[data-testid=complaint-create]");
        await page.WaitForURLAsync(url => !url.Contains("/new", StringComparison.Ordinal) && url.Contains("/complaints/", StringComparison.Ordinal));
        await page.Locator("[data-testid=complaint-header][data-interactive=true]").WaitForAsync();
        await WaitForStepAsync(page, "PreAssessment");
        Assert.Equal("刘洋", (await page.InnerTextAsync("[data-testid=complaint-customer]")).Trim());
        Assert.Equal("false", await page.GetAttributeAsync("[data-testid=gate-core-problem]", "data-met"));

        // A step cannot be left before its gates are met: the unmet gates are named.
        await page.ClickAsync("[data-testid=complaint-advance]");
        await page.Locator("[data-testid=gates-unmet] [data-testid=unmet-core-problem]").WaitForAsync();
        await app.ScreenshotAsync(page, "complaint-03-gates-unmet");

        // Step 1 投诉预判.
        await page.FillAsync("[data-testid=pre-assessment-coreProblem]", "物流超时未送达，客户担心包裹丢失");
        await page.FillAsync("[data-testid=pre-assessment-contactGoal]", "安抚情绪，确认诉求，承诺 24 小时内回复处理结果");
        await page.ClickAsync("[data-testid=save-pre-assessment]");
        await WaitForGateAsync(page, "core-problem");
        await WaitForGateAsync(page, "contact-goal");
        await AdvanceAsync(page, "FactFinding");

        // Step 2 查询事实: demands confirmed with the customer, a promised reply time, the fact summary (no inquiry needed).
        await page.FillAsync("[data-testid=facts-demands]", "尽快送达包裹\n说明延迟原因");
        await page.CheckAsync("[data-testid=facts-demandsConfirmed]");
        var promised = DateTime.Now.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        await page.FillAsync("[data-testid=facts-promisedReplyAt]", promised);
        await page.FillAsync("[data-testid=facts-factSummary]", "问题：包裹超时未送达；核查：物流系统显示滞留中转站；结果：已安排加急派送。");
        await page.ClickAsync("[data-testid=save-facts]");
        await WaitForGateAsync(page, "demands-confirmed");
        await WaitForGateAsync(page, "reply-time-promised");
        await WaitForGateAsync(page, "fact-summary");
        await app.ScreenshotAsync(page, "complaint-04-facts");
        await AdvanceAsync(page, "Responsibility");

        // Step 3 内部判责: one company-side finding with its department, and the verdict.
        await page.ClickAsync("[data-testid=responsibility-add]");
        await page.CheckAsync("[data-testid=responsibility-side-0-Company]");
        await page.FillAsync("[data-testid=responsibility-description-0]", "中转站分拣延误，未按承诺时效送达");
        await SelectAsync(page, "responsibility-department-0", "物流");
        await page.FillAsync("[data-testid=responsibility-policy-0]", "配送时效承诺：下单后 2 天送达");
        await page.FillAsync("[data-testid=responsibility-rootCause]", "中转站高峰期人手不足");
        await SelectAsync(page, "responsibility-verdict", "公司责任");
        await page.ClickAsync("[data-testid=save-responsibility]");
        await WaitForGateAsync(page, "findings-assigned");
        await WaitForGateAsync(page, "verdict-recorded");
        await app.ScreenshotAsync(page, "complaint-05-responsibility");
        await AdvanceAsync(page, "Plan");

        // Step 4 确认方案: an explanation on the call, with executor and deadline (no approval needed).
        await SelectAsync(page, "plan-kind", "电话解释");
        await page.FillAsync("[data-testid=plan-description]", "电话向客户说明延误原因并告知加急派送单号");
        await SelectAsync(page, "plan-executor", "李小客（1001）");
        var deadline = DateTime.Now.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        await page.FillAsync("[data-testid=plan-deadline]", deadline);
        await page.ClickAsync("[data-testid=save-plan]");
        await WaitForGateAsync(page, "plan-defined");
        await WaitForGateAsync(page, "executor-set");
        await WaitForGateAsync(page, "deadline-set");
        Assert.Equal("NotRequired", await page.GetAttributeAsync("[data-testid=plan-approval]", "data-state"));
        await app.ScreenshotAsync(page, "complaint-06-plan");
        await AdvanceAsync(page, "Execution");

        // Step 5 沟通执行: the explanation was accepted on the call — the closure rule of this plan.
        await page.ClickAsync("[data-testid=confirm-ExplainedOnCall]");
        await WaitForGateAsync(page, "explained-on-call");
        await app.ScreenshotAsync(page, "complaint-07-execution");
        await AdvanceAsync(page, "Review");

        // Step 6 总结反思 is optional for an ordinary complaint; closing ends the case.
        await page.Locator("[data-testid=review-optional]").WaitForAsync();
        await WaitForGateAsync(page, "review-written");
        await AdvanceAsync(page, "Closed");
        await page.Locator("[data-testid=complaint-closed]").WaitForAsync();
        Assert.Equal("Closed", await page.GetAttributeAsync("[data-testid=complaint-step]", "data-step"));
        Assert.Contains("已结案", await page.InnerTextAsync("[data-testid=complaint-timeline]"), StringComparison.Ordinal);
        await app.ScreenshotAsync(page, "complaint-08-closed");
        var workspaceUrl = page.Url;

        // Earlier steps stay readable: the facts of step 2, read-only now that the case is closed.
        await page.Locator("[data-testid=earlier-steps]").GetByText("2 查询事实").ClickAsync();
        await page.Locator("[data-testid=section-facts]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=save-facts]").CountAsync());
        Assert.Contains("尽快送达包裹", await page.InputValueAsync("[data-testid=facts-demands]"), StringComparison.Ordinal);
        await page.WaitForTimeoutAsync(500); // let the panel finish opening before the screenshot
        await app.ScreenshotAsync(page, "complaint-09-closed-facts");

        // The customer's page and the list show the closed case.
        await page.ClickAsync("[data-testid=complaint-customer]");
        var complaintRows = page.Locator("[data-testid=customer-complaint-row]");
        await complaintRows.First.WaitForAsync();
        Assert.Contains("已结案", await complaintRows.First.InnerTextAsync(), StringComparison.Ordinal);
        await app.ScreenshotAsync(page, "complaint-10-customer-with-complaint");
        await page.GotoAsync("/complaints?view=all");
        await page.Locator("[data-testid=complaint-views][data-interactive=true]").WaitForAsync();
        await page.Locator("[data-testid=complaint-row]").First.WaitForAsync();
        await app.ScreenshotAsync(page, "complaint-11-list");

        // The same workspace in English.
        await page.GotoAsync("/account/culture?culture=en&returnUrl=" + Uri.EscapeDataString(new Uri(workspaceUrl).PathAndQuery));
        await page.Locator("[data-testid=complaint-header][data-interactive=true]").WaitForAsync();
        Assert.Contains("Closed", await page.InnerTextAsync("[data-testid=complaint-step]"), StringComparison.Ordinal);
        await app.ScreenshotAsync(page, "complaint-12-closed-en");
    }

    /// <summary>Opens a MudSelect (its input carries the test id) and picks the option with exactly this text.</summary>
    private static async Task SelectAsync(IPage page, string testId, string option)
    {
        var input = page.Locator($"[data-testid={testId}]");
        await input.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await page.Locator($"[data-testid={testId}][aria-expanded=false]").WaitForAsync();
    }

    private static Task WaitForGateAsync(IPage page, string code) =>
        page.Locator($"[data-testid=gate-{code}][data-met=true]").WaitForAsync();

    private static Task WaitForStepAsync(IPage page, string step) =>
        page.Locator($"[data-testid=complaint-step][data-step={step}]").WaitForAsync();

    private static async Task AdvanceAsync(IPage page, string next)
    {
        await page.ClickAsync("[data-testid=complaint-advance]");
        await WaitForStepAsync(page, next);
    }
}
