using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;
using Kefu.Web.Features.Quality;

namespace Kefu.IntegrationTests.Quality;

/// <summary>The weekly QA sample through HTTP, on a store of its own with a clock in a known week.</summary>
public sealed class QaSampleTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task TheWeeksSample_IsDrawnOnce_CoversEveryAgent_AndTakesCallsByHand()
    {
        var calls = new CallDriver(app);
        var agents = new[] { await calls.NewAgentAsync("general"), await calls.NewAgentAsync("general"), await calls.NewAgentAsync("general") };
        var recorded = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var callId = CallDriver.NewCallId();
            var agent = agents[i % 3];
            await calls.PostAsync(
                calls.Event("call.offered", callId, 0, new { from = "13700001234", to = "4008001234" }),
                calls.Event("call.answered", callId, 5, new { agent }),
                calls.Event("call.ended", callId, 65, new { by = "caller" }),
                calls.Event("recording.available", callId, 66, new { uri = "file:///r/" + callId + ".wav", durationSeconds = 60 }));
            recorded.Add(callId);
            calls.Advance(120);
        }

        var week = WeeklySample.WeekOf(app.Clock!.GetUtcNow().UtcDateTime);
        var qa = await app.ClientForAsync("qa");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("agent")).PostAsync($"/api/v1/quality/samples/{week}/draw", null)).StatusCode);

        var drawn = await (await qa.PostAsync($"/api/v1/quality/samples/{week}/draw", null)).JsonAsync();

        Assert.True(drawn.GetProperty("drewNow").GetBoolean());
        var items = drawn.GetProperty("sample").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count); // ⌈10 % of 8⌉ = 1 per agent
        Assert.Equal(agents.Order(), items.Select(i => i.GetProperty("agent").GetString()!).Order());
        Assert.All(items, i => Assert.Equal("qa", i.GetProperty("reviewer").GetString()));
        Assert.Equal(24, drawn.GetProperty("sample").GetProperty("population").GetInt32());

        var again = await (await qa.PostAsync($"/api/v1/quality/samples/{week}/draw", null)).JsonAsync();
        Assert.False(again.GetProperty("drewNow").GetBoolean());
        Assert.Equal(items.Select(i => i.GetProperty("callId").GetString()), again.GetProperty("sample").GetProperty("items").EnumerateArray().Select(i => i.GetProperty("callId").GetString()));

        var extra = recorded.First(id => items.All(i => i.GetProperty("callId").GetString() != id));
        var added = await qa.PostAsJsonAsync($"/api/v1/quality/samples/{week}/items", new { callId = extra, reason = "投诉相关" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await qa.PostAsJsonAsync($"/api/v1/quality/samples/{week}/items", new { callId = extra })).StatusCode);
        var mine = await qa.GetFromJsonAsync<JsonElement>($"/api/v1/quality/samples?week={week}&mine=true");
        Assert.Equal(4, mine.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await qa.GetAsync("/api/v1/quality/samples?week=2026-48")).StatusCode);
    }
}
