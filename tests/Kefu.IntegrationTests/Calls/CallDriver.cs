using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Features.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Calls;

/// <summary>
/// An app on its own store and a fake clock at 10:00 China time (the demo hotline is open), with the background
/// jobs off: ACD timers run when a test calls <see cref="TickAsync"/>.
/// </summary>
public class CallCenterApp : KefuAppFactory
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    public CallCenterApp()
    {
        Clock = new FakeTimeProvider(Start);
    }

    public Task TickAsync() => Services.GetRequiredService<CallCenter>().TickAsync(CancellationToken.None);
}

/// <summary>Builds isolated call-center fixtures (own queue, hotline, agents) and posts CTI events as the PBX.</summary>
internal sealed class CallDriver(KefuAppFactory app)
{
    private int eventCounter;

    public DateTimeOffset Now => app.Clock?.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public async Task<string> NewAgentAsync(params string[] skills)
    {
        var admin = await app.ClientForAsync("admin");
        var name = TestData.Name("ag");
        var created = await admin.PostAsJsonAsync("/api/v1/users", new
        {
            userName = name, displayName = "坐席" + name[^4..], password = KefuAppFactory.DemoPassword, role = "Agent", workNumber = name[^4..],
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var skillList = skills.Select(s => s.Split(':')).Select(p => new { skill = p[0], level = p.Length > 1 ? int.Parse(p[1], CultureInfo.InvariantCulture) : 1 }).ToList();
        var supervisor = await app.ClientForAsync("supervisor");
        var set = await supervisor.PutAsJsonAsync($"/api/v1/agents/{name}/skills", new { skills = skillList });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        return name;
    }

    public async Task<JsonElement> SetStateAsync(string agent, string state)
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var response = await supervisor.PutAsJsonAsync($"/api/v1/agents/{agent}/state", new { state });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    public async Task<JsonElement> AgentAsync(string agent)
    {
        var supervisor = await app.ClientForAsync("supervisor");
        return await (await supervisor.GetAsync($"/api/v1/agents/{agent}")).JsonAsync();
    }

    /// <summary>A queue whose skill is its own id, so only agents given that skill take its calls.</summary>
    public async Task<string> NewQueueAsync(string strategy = "LongestIdle", int ringTimeoutSeconds = 15, int wrapUpSeconds = 0,
        string? overflowTo = null, int? overflowAfterSeconds = null, int? callbackOfferAfterSeconds = null)
    {
        var admin = await app.ClientForAsync("admin");
        var id = "q-" + Guid.NewGuid().ToString("N")[..8];
        var response = await admin.PutAsJsonAsync($"/api/v1/queues/{id}", new
        {
            name = "测试队列" + id[^4..], skill = id, strategy, ringTimeoutSeconds, wrapUpSeconds, overflowQueueId = overflowTo,
            overflowAfterSeconds, callbackOfferAfterSeconds,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    /// <summary>A hotline open around the clock whose menu routes digit 1 to <paramref name="queue"/> and 9 to a sub-menu.</summary>
    public async Task<string> NewHotlineAsync(string queue, string opensAt = "00:00", string closesAt = "00:00", string afterHoursMode = "Callback")
    {
        var admin = await app.ClientForAsync("admin");
        var number = "400" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        var response = await admin.PostAsJsonAsync("/api/v1/hotlines", new
        {
            number, name = "测试热线", greeting = "您好，欢迎致电。", opensAt, closesAt, openDays = "1234567",
            afterHoursPrompt = "现在是非工作时间，预约回电请按1。", afterHoursMode,
            menu = new object[]
            {
                new { digit = "1", label = "测试", prompt = "测试请按1。", queue },
                new { digit = "9", label = "更多", prompt = "更多服务请按9。", options = new object[] { new { digit = "2", label = "子菜单", queue } } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return number;
    }

    public object Event(string type, string callId, double secondsFromNow = 0, object? fields = null)
    {
        var at = Now.AddSeconds(secondsFromNow).ToString("O", CultureInfo.InvariantCulture);
        var body = new Dictionary<string, object?>
        {
            ["id"] = $"{callId}-{type}-{Interlocked.Increment(ref eventCounter)}",
            ["type"] = type,
            ["callId"] = callId,
            ["at"] = at,
        };
        if (fields is not null)
        {
            foreach (var property in fields.GetType().GetProperties())
            {
                body[property.Name] = property.GetValue(fields);
            }
        }

        return body;
    }

    public async Task<JsonElement> PostAsync(params object[] events)
    {
        var pbx = await app.ClientForAsync("pbx");
        var response = await pbx.PostAsJsonAsync("/api/v1/cti/events", events);
        var json = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    public async Task<HttpResponseMessage> PostRawAsync(object body)
    {
        var pbx = await app.ClientForAsync("pbx");
        return await pbx.PostAsJsonAsync("/api/v1/cti/events", body);
    }

    public async Task<JsonElement> CallAsync(string callId)
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var response = await supervisor.GetAsync($"/api/v1/calls/{callId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Offers a call on <paramref name="hotline"/> and picks menu digit 1 (its test queue).</summary>
    public async Task<JsonElement> IncomingAsync(string callId, string hotline, string from = "13700009999")
    {
        var menu = await PostAsync(Event("call.offered", callId, 0, new { from, to = hotline }));
        Assert.Equal("menu", menu.GetProperty("actions")[0].GetProperty("type").GetString());
        Advance(2);
        return await PostAsync(Event("ivr.selected", callId, 0, new { digit = "1" }));
    }

    /// <summary>Moves the app's fake clock (the PBX's event times follow it).</summary>
    public void Advance(double seconds) => app.Clock!.Advance(TimeSpan.FromSeconds(seconds));

    public static string[] RingTargets(JsonElement result, string callId) =>
        result.GetProperty("actions").EnumerateArray()
            .Where(a => a.GetProperty("type").GetString() == "ring" && a.GetProperty("callId").GetString() == callId)
            .SelectMany(a => a.GetProperty("agents").EnumerateArray().Select(x => x.GetString()!)).ToArray();

    public static string NewCallId() => "call-" + Guid.NewGuid().ToString("N")[..12];
}
