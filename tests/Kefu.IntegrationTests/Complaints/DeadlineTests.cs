using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Complaints;

/// <summary>An app on a fake clock (jobs off): tests move time and run the deadline sweep themselves.</summary>
public sealed class SlaApp : KefuAppFactory
{
    // Monday 2026-11-23 10:00 China time: inside the default business hours (08:00–22:00 every day).
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    public SlaApp()
    {
        Clock = new FakeTimeProvider(Start);
    }

    public async Task<DeadlineSweeper.SweepResult> SweepAsync() =>
        await DeadlineSweeper.SweepOnceAsync(Services.GetRequiredService<IServiceScopeFactory>(), Services.GetRequiredService<IOptions<SlaOptions>>().Value, Clock!, CancellationToken.None);
}

public sealed class DeadlineTests(SlaApp app) : IClassFixture<SlaApp>
{
    private static JsonElement Deadline(JsonElement complaint, string kind) =>
        complaint.GetProperty("deadlines").EnumerateArray().Last(d => d.GetProperty("kind").GetString() == kind);

    private async Task<List<string>> NotificationsAsync(string user)
    {
        var client = await app.ClientForAsync(user);
        var page = await (await client.GetAsync("/api/v1/notifications?pageSize=200")).JsonAsync();
        return page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("text").GetString()!).ToList();
    }

    [Fact]
    public async Task NewComplaint_GetsSlaDeadlinesInBusinessTime()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "Medium");

        var firstResponse = Deadline(c.Last, "FirstResponse").GetProperty("dueAt").GetDateTime();
        Assert.Equal(app.Clock!.GetUtcNow().UtcDateTime.AddHours(4), firstResponse, TimeSpan.FromSeconds(1));
        Assert.Equal("Open", Deadline(c.Last, "Resolution").GetProperty("state").GetString());
    }

    [Fact]
    public async Task PromisedCallback_NotifiesTheOwnerWhenDueSoon_AndEscalatesOnceWhenMissed()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "Low");
        var callback = await c.PostAsync("callbacks", new { withinHours = 2, note = "2 小时内回电说明物流进度" }, HttpStatusCode.Created);
        var callbackText = "2 小时内回电说明物流进度";

        app.Clock!.Advance(TimeSpan.FromMinutes(100));
        await app.SweepAsync();
        Assert.Contains(await NotificationsAsync("agent"), n => n.Contains(c.Last.GetProperty("number").GetString()!, StringComparison.Ordinal) && n.Contains("即将到期", StringComparison.Ordinal) && n.Contains(callbackText, StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(21));
        await app.SweepAsync();
        await app.SweepAsync();

        await c.RefreshAsync();
        Assert.True(c.Last.GetProperty("isEscalated").GetBoolean());
        Assert.Equal("Overdue", c.Last.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("id").GetGuid() == callback.GetProperty("id").GetGuid()).GetProperty("state").GetString());
        Assert.Single(c.Last.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "overdue" && e.GetProperty("text").GetString()!.Contains(callbackText, StringComparison.Ordinal));
        Assert.Single(await NotificationsAsync("supervisor"), n => n.Contains(c.Last.GetProperty("number").GetString()!, StringComparison.Ordinal) && n.Contains(callbackText, StringComparison.Ordinal));
        var overdue = await (await c.Client.GetAsync("/api/v1/complaints?overdue=true&pageSize=200")).JsonAsync();
        Assert.Contains(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == c.Id);
    }

    [Fact]
    public async Task CallbackPromise_MustBeBounded()
    {
        var c = await ComplaintDriver.StartAsync(app);

        var none = await c.PostAsync("callbacks", new { note = "尽快回电" }, HttpStatusCode.BadRequest);
        var tooFar = await c.PostAsync("callbacks", new { withinHours = 24 * 30 }, HttpStatusCode.BadRequest);

        Assert.True(none.GetProperty("errors").TryGetProperty("dueAt", out _));
        Assert.True(tooFar.GetProperty("errors").TryGetProperty("withinHours", out _));
    }

    [Fact]
    public async Task CallbackMadeInTime_IsMet_AndNeverEscalates()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "Low");
        var callback = await c.PostAsync("callbacks", new { withinHours = 1 }, HttpStatusCode.Created);

        app.Clock!.Advance(TimeSpan.FromMinutes(20));
        await c.PostAsync($"callbacks/{callback.GetProperty("id").GetGuid()}/done", new { text = "已回电" });
        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.SweepAsync();

        await c.RefreshAsync();
        Assert.Equal("Met", c.Last.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("id").GetGuid() == callback.GetProperty("id").GetGuid()).GetProperty("state").GetString());
        Assert.DoesNotContain(c.Last.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "overdue" && e.GetProperty("text").GetString()!.Contains("回电", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitingOnTheCustomer_PausesSlaClocks_ButNotPromises()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "Medium");
        var resolutionBefore = Deadline(c.Last, "Resolution").GetProperty("dueAt").GetDateTime();

        await c.PostAsync("waiting", new { text = "等待客户提供购物凭证照片" });
        app.Clock!.Advance(TimeSpan.FromHours(3));
        await c.PostAsync("resume");

        var resolutionAfter = Deadline(c.Last, "Resolution").GetProperty("dueAt").GetDateTime();
        Assert.True(resolutionAfter > resolutionBefore, "the resolution deadline moves out by the time spent waiting");
        Assert.True(resolutionAfter - resolutionBefore <= TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task ClosedComplaint_SchedulesAReturnVisit_ThatTheVisitMeets()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.CloseExplainedAsync();
        Assert.Equal("Open", Deadline(c.Last, "ReturnVisit").GetProperty("state").GetString());
        Assert.Equal("Met", Deadline(c.Last, "Resolution").GetProperty("state").GetString());

        var refused = await c.PostAsync("return-visits", new { reached = true }, HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("satisfaction", out _));
        await c.PostAsync("return-visits", new { reached = true, resolved = true, satisfaction = 5, answer = "客户表示问题已解决，很满意" }, HttpStatusCode.Created);

        await c.RefreshAsync();
        Assert.Equal("Met", Deadline(c.Last, "ReturnVisit").GetProperty("state").GetString());
        Assert.Contains(c.Last.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "return-visit");
    }

    [Fact]
    public async Task TwoInstancesSweepingTheSameStore_HandleEachOverdueDeadlineOnce()
    {
        await using var second = new KefuAppFactory(app.Store, ownsStore: false) { Clock = new FakeTimeProvider(app.Clock!.GetUtcNow()) };
        _ = second.Server; // start the second instance on the same store
        var numbers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var c = await ComplaintDriver.StartAsync(app, severity: "Low");
            await c.PostAsync("callbacks", new { withinHours = 1 }, HttpStatusCode.Created);
            numbers.Add(c.Last.GetProperty("number").GetString()!);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        second.Clock!.Advance(TimeSpan.FromMinutes(61));
        var secondSweep = () => DeadlineSweeper.SweepOnceAsync(second.Services.GetRequiredService<IServiceScopeFactory>(), second.Services.GetRequiredService<IOptions<SlaOptions>>().Value, second.Clock, CancellationToken.None);
        var results = await Task.WhenAll(app.SweepAsync(), secondSweep(), app.SweepAsync(), secondSweep());

        Assert.True(results.Sum(r => r.Overdue) >= 5);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        foreach (var number in numbers)
        {
            var complaintId = await db.Complaints.Where(c => c.Number == number).Select(c => c.Id).SingleAsync();
            var overdueEvents = await db.ComplaintEvents.CountAsync(e => e.ComplaintId == complaintId && e.Kind == "overdue" && e.Text.Contains("回电"));
            Assert.Equal(1, overdueEvents);
        }

        var supervisorNotes = await NotificationsAsync("supervisor");
        foreach (var number in numbers)
        {
            Assert.Single(supervisorNotes, n => n.Contains(number, StringComparison.Ordinal) && n.Contains("回电", StringComparison.Ordinal));
        }
    }
}
