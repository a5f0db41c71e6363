using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;

namespace Kefu.IntegrationTests.Knowledge;

/// <summary>The daily bulletin (今日重点提醒) by China calendar day, with reads. Own app: the test moves the clock.</summary>
public sealed class BulletinTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task TodaysBulletins_FollowTheChinaCalendarDay_AndSupervisorsSeeWhoReadThem()
    {
        // CallCenterApp starts at 2026-11-23 02:00 UTC = 10:00 in China.
        var supervisor = await app.ClientForAsync("supervisor");
        var agent = await app.ClientForAsync("agent");
        var title = TestData.Name("明日提醒");
        var created = await supervisor.PostAsJsonAsync("/api/v1/knowledge/bulletins",
            new { title, body = "XX产品退款流程优化", priority = "Urgent", validFrom = "2026-11-24", validTo = "2026-11-24" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetString();
        Assert.DoesNotContain(await TodayAsync(agent), b => b.GetProperty("title").GetString() == title);

        // 17:00 UTC on the 23rd is already 01:00 on the 24th in China.
        app.Clock!.Advance(TimeSpan.FromHours(15));
        var today = await TodayAsync(agent);
        var shown = Assert.Single(today, b => b.GetProperty("title").GetString() == title);
        Assert.Equal("Urgent", today[0].GetProperty("priority").GetString()); // most urgent first
        Assert.False(shown.GetProperty("readByMe").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/v1/knowledge/bulletins/{id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/v1/knowledge/bulletins/{id}/read", null)).StatusCode); // once is once
        Assert.True((await TodayAsync(agent)).Single(b => b.GetProperty("title").GetString() == title).GetProperty("readByMe").GetBoolean());
        var readers = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge/bulletins/{id}/reads");
        Assert.Equal("agent", Assert.Single(readers.EnumerateArray()).GetProperty("userName").GetString());
        Assert.Equal(1, (await TodayAsync(supervisor)).Single(b => b.GetProperty("title").GetString() == title).GetProperty("readCount").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/knowledge/bulletins/{id}/reads")).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain(await TodayAsync(agent), b => b.GetProperty("title").GetString() == title);
    }

    [Fact]
    public async Task ABulletinWithABackwardsRange_OrFromAnAgent_IsRefused()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var today = DateOnly.FromDateTime(app.Clock!.GetUtcNow().UtcDateTime.AddHours(8));
        var backwards = await supervisor.PostAsJsonAsync("/api/v1/knowledge/bulletins", new { title = "范围错误", validFrom = today.AddDays(3), validTo = today.AddDays(1) });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("must not be before validFrom", (await backwards.JsonAsync()).GetProperty("errors").GetProperty("validTo")[0].GetString());
        var agent = await app.ClientForAsync("agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/knowledge/bulletins", new { title = "坐席发布" })).StatusCode);
    }

    private static async Task<List<JsonElement>> TodayAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge/bulletins/today")).EnumerateArray().ToList();
}
