using Microsoft.Playwright;

namespace Kefu.BrowserTests;

public sealed class ComplaintFollowUpBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    /// <summary>A 1×1 PNG: the upload's type is judged from these bytes, not from the name.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Agent_PromisesACallback_KeepsIt_AttachesEvidence_AndPrintsTheCaseReport_SupervisorSeesTheBell()
    {
        var page = await app.NewPageAsync();
        await LogInAsync(page, "agent");

        // A complaint for 张伟, from his page.
        await OpenCustomerAsync(page, "13812345678", "张伟");
        await page.ClickAsync("[data-testid=complaint-new-for-customer]");
        await page.Locator("[data-testid=complaint-form][data-interactive=true]").WaitForAsync();
        await SelectAsync(page, "complaint-form-category", "物流");
        await SelectAsync(page, "complaint-form-severity", "中");
        await SelectAsync(page, "complaint-form-channel", "电话");
        await page.FillAsync("[data-testid=complaint-form-summary]", "快递显示已签收但客户未收到包裹，客户要求核实并回电说明。");
        await page.ClickAsync("[data-testid=complaint-create]");
        await page.WaitForURLAsync(url => !url.Contains("/new", StringComparison.Ordinal) && url.Contains("/complaints/", StringComparison.Ordinal));
        await page.Locator("[data-testid=complaint-header][data-interactive=true]").WaitForAsync();

        // The SLA clocks start with the complaint.
        await page.Locator("[data-testid=deadline-row][data-kind=FirstResponse][data-state=Open]").WaitForAsync();
        await page.Locator("[data-testid=deadline-row][data-kind=Resolution][data-state=Open]").WaitForAsync();

        // "2 小时内回电": the promise becomes a tracked deadline.
        await page.FillAsync("[data-testid=callback-note]", "核实签收记录后回电告知结果");
        await page.ClickAsync("[data-testid=callback-2h]");
        var callback = page.Locator("[data-testid=deadline-row][data-kind=Callback]");
        await page.Locator("[data-testid=deadline-row][data-kind=Callback][data-state=Open]").WaitForAsync();
        Assert.Contains("进行中", await callback.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("核实签收记录后回电告知结果", await callback.InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "followup-01-callback-promised");

        // The callback was made.
        await callback.Locator("[data-testid=callback-done]").ClickAsync();
        await page.Locator("[data-testid=deadline-row][data-kind=Callback][data-state=Met]").WaitForAsync();
        Assert.Equal(0, await callback.Locator("[data-testid=callback-done]").CountAsync());
        Assert.Contains("已完成", await callback.InnerTextAsync(), StringComparison.Ordinal);

        // Waiting on the customer pauses the SLA clocks until resumed.
        await page.FillAsync("[data-testid=wait-reason]", "等待客户提供快递面单照片");
        await page.ClickAsync("[data-testid=wait-start]");
        await page.Locator("[data-testid=wait-resume]").WaitForAsync();
        await page.Locator("[data-testid=waiting-since]").WaitForAsync();
        await ShotAsync(page, "followup-02-waiting");
        await page.ClickAsync("[data-testid=wait-resume]");
        await page.Locator("[data-testid=wait-start]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=waiting-since]").CountAsync());

        // Evidence: a PNG, listed with its type and a download link that works with the sign-in cookie.
        await page.Locator("[data-testid=attachment-upload] input[type=file]").SetInputFilesAsync(
            new FilePayload { Name = "面单照片.png", MimeType = "image/png", Buffer = Png });
        var attachment = page.Locator("[data-testid=attachment-row]", new() { HasText = "面单照片.png" });
        await attachment.WaitForAsync();
        Assert.Contains("PNG", await attachment.InnerTextAsync(), StringComparison.Ordinal);
        var download = await page.APIRequest.GetAsync(await attachment.Locator("[data-testid=attachment-download]").GetAttributeAsync("href") ?? "");
        Assert.True(download.Ok, $"the attachment download answered {download.Status}");
        Assert.Equal(Png, await download.BodyAsync());
        Assert.Contains("上传凭证", await page.InnerTextAsync("[data-testid=complaint-timeline]"), StringComparison.Ordinal);

        // A file that is not an image or PDF is refused by its content, whatever its name says, and named in the message.
        await page.Locator("[data-testid=attachment-upload] input[type=file]").SetInputFilesAsync(
            new FilePayload { Name = "发票.png", MimeType = "image/png", Buffer = "MZ not really a picture"u8.ToArray() });
        var refused = page.Locator("[data-testid=attachment-errors]");
        await refused.WaitForAsync();
        Assert.Contains("发票.png", await refused.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("只接受图片", await refused.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("[data-testid=attachment-row]").CountAsync());
        await ShotAsync(page, "followup-03-evidence");

        // The case report: a PDF for the signed-in user.
        var reportLink = page.Locator("[data-testid=report-pdf]");
        Assert.Equal("_blank", await reportLink.GetAttributeAsync("target"));
        var report = await page.APIRequest.GetAsync(await reportLink.GetAttributeAsync("href") ?? "");
        Assert.True(report.Ok, $"the report answered {report.Status}");
        Assert.StartsWith("application/pdf", report.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("%PDF"u8.ToArray(), (await report.BodyAsync())[..4]);

        // The list's export carries the view as filters and answers with a workbook.
        await page.GotoAsync("/complaints?view=mine");
        await page.Locator("[data-testid=complaint-views][data-interactive=true]").WaitForAsync();
        await page.Locator("[data-testid=complaint-row]").First.WaitForAsync();
        var exportHref = await page.GetAttributeAsync("[data-testid=complaint-export]", "href") ?? "";
        Assert.Contains("open=true", exportHref, StringComparison.Ordinal);
        Assert.Contains("ownerId=", exportHref, StringComparison.Ordinal);
        var export = await page.APIRequest.GetAsync(exportHref);
        Assert.True(export.Ok, $"the export answered {export.Status}");
        Assert.StartsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Headers["content-type"], StringComparison.Ordinal);
        await ShotAsync(page, "followup-04-list-export");

        // A supervisor, in another browser context: the bell, the team counts, the improvement items.
        var supervisor = await app.NewPageAsync();
        await LogInAsync(supervisor, "supervisor");
        await supervisor.Locator("[data-testid=notifications][data-interactive=true]").WaitForAsync();
        Assert.True(await supervisor.Locator("[data-testid=notifications-bell]").IsVisibleAsync());
        await supervisor.Locator("[data-testid=home-counts]").WaitForAsync();
        Assert.True(int.Parse(await supervisor.GetAttributeAsync("[data-testid=home-count-open]", "data-count") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1,
            "the new complaint is open");
        await supervisor.ClickAsync("[data-testid=notifications-bell]");
        await supervisor.Locator("[data-testid=notifications-menu] [data-testid=notifications-read-all]").WaitForAsync();
        await supervisor.WaitForTimeoutAsync(300); // let the popover finish opening before the screenshot
        await ShotAsync(supervisor, "followup-05-supervisor-home-bell");
        await supervisor.Mouse.ClickAsync(600, 700); // a click outside closes the list
        await supervisor.Locator("[data-testid=notifications-read-all]").WaitForAsync(new() { State = WaitForSelectorState.Hidden });

        // Each count leads to its list: the overdue one to the complaints with a missed deadline.
        await supervisor.ClickAsync("[data-testid=home-count-overdue]");
        await supervisor.Locator("[data-testid=complaint-overdue-note]").WaitForAsync();
        await supervisor.Locator("[data-testid=complaint-list]").WaitForAsync();
        Assert.Contains("overdue=true", await supervisor.GetAttributeAsync("[data-testid=complaint-export]", "href") ?? "", StringComparison.Ordinal);

        await supervisor.GotoAsync("/improvements");
        await supervisor.Locator("[data-testid=improvement-filters][data-interactive=true]").WaitForAsync();
        await supervisor.Locator("[data-testid=improvement-list]").WaitForAsync();
        Assert.True(await supervisor.Locator("[data-testid=nav-improvements]").IsVisibleAsync());
        await ShotAsync(supervisor, "followup-06-improvements");
    }

    [Fact]
    public async Task Review_RaisesAnImprovementItem_SupervisorFinishesIt_AndTheClosedCaseGetsAReturnVisit()
    {
        var page = await app.NewPageAsync();
        await LogInAsync(page, "agent");
        await OpenCustomerAsync(page, "13812345678", "张伟");
        await page.ClickAsync("[data-testid=complaint-new-for-customer]");
        await page.Locator("[data-testid=complaint-form][data-interactive=true]").WaitForAsync();
        await SelectAsync(page, "complaint-form-category", "物流");
        await SelectAsync(page, "complaint-form-severity", "低");
        await SelectAsync(page, "complaint-form-channel", "电话");
        await page.FillAsync("[data-testid=complaint-form-summary]", "快递员未送货上门，直接放在驿站且未通知客户。");
        await page.ClickAsync("[data-testid=complaint-create]");
        await page.WaitForURLAsync(url => !url.Contains("/new", StringComparison.Ordinal) && url.Contains("/complaints/", StringComparison.Ordinal));
        await page.Locator("[data-testid=complaint-header][data-interactive=true]").WaitForAsync();
        var workspace = new Uri(page.Url).PathAndQuery;

        // Through the steps to the review, the shortest way (an explanation on the call).
        await page.FillAsync("[data-testid=pre-assessment-coreProblem]", "未按约定送货上门");
        await page.FillAsync("[data-testid=pre-assessment-contactGoal]", "致歉并说明改进措施");
        await page.ClickAsync("[data-testid=save-pre-assessment]");
        await WaitForGateAsync(page, "contact-goal");
        await AdvanceAsync(page, "FactFinding");
        await page.FillAsync("[data-testid=facts-demands]", "说明原因");
        await page.CheckAsync("[data-testid=facts-demandsConfirmed]");
        await page.FillAsync("[data-testid=facts-promisedReplyAt]", DateTime.Now.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync("[data-testid=facts-factSummary]", "问题：未送货上门；核查：快递员图省事放驿站；结果：已批评教育。");
        await page.ClickAsync("[data-testid=save-facts]");
        await WaitForGateAsync(page, "fact-summary");
        await AdvanceAsync(page, "Responsibility");
        await page.ClickAsync("[data-testid=responsibility-add]");
        await page.CheckAsync("[data-testid=responsibility-side-0-Company]");
        await page.FillAsync("[data-testid=responsibility-description-0]", "快递员未按约定送货上门");
        await SelectAsync(page, "responsibility-department-0", "物流");
        await SelectAsync(page, "responsibility-verdict", "公司责任");
        await page.ClickAsync("[data-testid=save-responsibility]");
        await WaitForGateAsync(page, "verdict-recorded");
        await AdvanceAsync(page, "Plan");
        await SelectAsync(page, "plan-kind", "电话解释");
        await page.FillAsync("[data-testid=plan-description]", "电话致歉并说明已整改");
        await SelectAsync(page, "plan-executor", "李小客（1001）");
        await page.FillAsync("[data-testid=plan-deadline]", DateTime.Now.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=save-plan]");
        await WaitForGateAsync(page, "deadline-set");
        await AdvanceAsync(page, "Execution");
        await page.ClickAsync("[data-testid=confirm-ExplainedOnCall]");
        await WaitForGateAsync(page, "explained-on-call");
        await AdvanceAsync(page, "Review");

        // Step 6: the review and an improvement item for the logistics department.
        await page.FillAsync("[data-testid=review-cause]", "快递员为赶时效省略送货上门");
        await page.FillAsync("[data-testid=review-companyRisk]", "同类投诉增多会影响口碑");
        await page.FillAsync("[data-testid=review-improvements]", "物流部门加强派送规范培训");
        await page.ClickAsync("[data-testid=save-review]");
        await WaitForGateAsync(page, "review-written");
        await page.FillAsync("[data-testid=improvement-title]", "派送规范培训：送货上门须先电话确认");
        await SelectAsync(page, "improvement-department", "物流");
        await page.FillAsync("[data-testid=improvement-description]", "本月内完成全体快递员培训");
        await page.ClickAsync("[data-testid=improvement-raise]");
        var item = page.Locator("[data-testid=improvement-row]", new() { HasText = "派送规范培训" });
        await item.WaitForAsync();
        Assert.Equal("Open", await item.GetAttributeAsync("data-status"));
        Assert.Contains("提出整改项（物流）", await page.InnerTextAsync("[data-testid=complaint-timeline]"), StringComparison.Ordinal);
        await ShotAsync(page, "followup-07-review-improvement");

        // Closing starts the return-visit clock; the visit is recorded on the closed case.
        await AdvanceAsync(page, "Closed");
        await page.Locator("[data-testid=deadline-row][data-kind=ReturnVisit][data-state=Open]").WaitForAsync();
        await page.Locator("[data-testid=return-visit-form]").WaitForAsync();
        await page.ClickAsync("[data-testid=return-visit-save]");
        await page.Locator("[data-testid=return-visit-form] .mud-error-text").First.WaitForAsync(); // "reached" is required
        await page.Locator("[data-testid=return-visit-reached]").GetByText("是", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=return-visit-resolved]").GetByText("是", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=return-visit-satisfaction] .mud-rating-item").Nth(4).ClickAsync();
        await page.FillAsync("[data-testid=return-visit-answer]", "客户表示满意，感谢回访");
        await page.ClickAsync("[data-testid=return-visit-save]");
        var visit = page.Locator("[data-testid=return-visits] [data-testid=return-visit-row]");
        await visit.WaitForAsync();
        Assert.Equal("true", await visit.GetAttributeAsync("data-reached"));
        Assert.Contains("已解决", await visit.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("[data-testid=deadline-row][data-kind=ReturnVisit][data-state=Met]").WaitForAsync();
        Assert.Contains("满意度 5/5", await page.InnerTextAsync("[data-testid=complaint-timeline]"), StringComparison.Ordinal);
        await ShotAsync(page, "followup-08-return-visit");

        // The supervisor moves the item on: started, then done with what was changed.
        var supervisor = await app.NewPageAsync();
        await LogInAsync(supervisor, "supervisor");
        await supervisor.ClickAsync("[data-testid=nav-improvements]");
        await supervisor.Locator("[data-testid=improvement-filters][data-interactive=true]").WaitForAsync();
        var row = supervisor.Locator("tr", new() { Has = supervisor.Locator("[data-testid=improvement-row]", new() { HasText = "派送规范培训" }) });
        await row.WaitForAsync();
        Assert.Equal(workspace, await row.Locator("[data-testid=improvement-complaint]").GetAttributeAsync("href"));
        await row.Locator("[data-testid=improvement-start]").ClickAsync();
        await supervisor.Locator("[data-testid=improvement-row][data-status=InProgress]", new() { HasText = "派送规范培训" }).WaitForAsync();
        await row.Locator("[data-testid=improvement-done]").ClickAsync();
        await supervisor.ClickAsync("[data-testid=improvement-finish-confirm]");
        var required = supervisor.Locator("[data-testid=improvement-finish] .mud-input-helper-text.mud-input-error");
        await required.WaitForAsync(); // the outcome is required
        Assert.Contains("请填写处理结果", await required.InnerTextAsync(), StringComparison.Ordinal);
        await supervisor.FillAsync("[data-testid=improvement-outcome]", "已完成 32 名快递员培训，新增送货前电话确认");
        await ShotAsync(supervisor, "followup-09-improvement-finish");
        await supervisor.ClickAsync("[data-testid=improvement-finish-confirm]");
        await supervisor.Locator("[data-testid=improvement-row][data-status=Done]", new() { HasText = "派送规范培训" }).WaitForAsync();
        Assert.Contains("新增送货前电话确认", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await row.Locator("[data-testid=improvement-done]").CountAsync());

        // Filtered by status, the finished item is listed with the done ones.
        await SelectAsync(supervisor, "improvement-filter-status", "已完成");
        await supervisor.WaitForURLAsync(url => url.Contains("status=Done", StringComparison.Ordinal));
        await supervisor.Locator("[data-testid=improvement-row][data-status=Done]", new() { HasText = "派送规范培训" }).WaitForAsync();
        await ShotAsync(supervisor, "followup-10-improvements-done");
    }

    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // a full-page shot of a scrolled page draws the fixed app bar mid-page
        await app.ScreenshotAsync(page, name);
    }

    private static Task WaitForGateAsync(IPage page, string code) =>
        page.Locator($"[data-testid=gate-{code}][data-met=true]").WaitForAsync();

    private static async Task AdvanceAsync(IPage page, string next)
    {
        await page.ClickAsync("[data-testid=complaint-advance]");
        await page.Locator($"[data-testid=complaint-step][data-step={next}]").WaitForAsync();
    }

    private static async Task LogInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", "Kefu2026!");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }

    /// <summary>Finds the customer by phone and opens their page; the first keystrokes can land before the circuit is connected, so it retries.</summary>
    private static async Task OpenCustomerAsync(IPage page, string phone, string name)
    {
        await page.GotoAsync("/customers");
        var rows = page.Locator("[data-testid=customer-row]");
        var found = false;
        for (var attempt = 0; attempt < 10 && !found; attempt++)
        {
            await page.FillAsync("input[data-testid=customer-search]", phone);
            await page.ClickAsync("[data-testid=customer-search-button]");
            for (var poll = 0; poll < 15 && !found; poll++)
            {
                found = await rows.CountAsync() == 1 && (await rows.First.InnerTextAsync()).Contains(name, StringComparison.Ordinal);
                if (!found)
                {
                    await page.WaitForTimeoutAsync(100);
                }
            }
        }

        Assert.True(found, $"searching {phone} should list exactly {name}");
        await rows.First.ClickAsync();
        await page.Locator("[data-testid=complaint-new-for-customer]").WaitForAsync();
    }

    /// <summary>Opens a MudSelect (its input carries the test id) and picks the option with exactly this text.</summary>
    private static async Task SelectAsync(IPage page, string testId, string option)
    {
        var input = page.Locator($"[data-testid={testId}]");
        await input.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await page.Locator($"[data-testid={testId}][aria-expanded=false]").WaitForAsync();
    }
}
