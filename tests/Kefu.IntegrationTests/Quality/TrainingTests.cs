using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests.Quality;

/// <summary>Training records through HTTP (seed 003 §5.4): the new-hire programme, the monthly session, and who is missing what.</summary>
[Collection(AppCollection.Name)]
public sealed class TrainingTests(KefuAppFactory app)
{
    [Fact]
    public async Task AttendanceIsRecorded_AndTheCheckShowsWhoHasNotCompletedNewHireTrainingOrMissedTheMonthsSession()
    {
        var quality = new QualityDriver(app);
        var passed = await quality.NewAgentAsync();
        var failed = await quality.NewAgentAsync();
        var never = await quality.NewAgentAsync();
        var supervisor = await app.ClientForAsync("supervisor");
        var agent = await app.ClientForAsync(passed);

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/quality/training", new { kind = "AdHoc", startsOn = "2030-03-02", trainer = "x" })).StatusCode);
        var invalid = await supervisor.PostAsJsonAsync("/api/v1/quality/training", new { attendees = new[] { "no-such-user" } });
        var invalidErrors = (await invalid.JsonAsync()).GetProperty("errors");
        Assert.True(invalidErrors.TryGetProperty("kind", out _));
        Assert.True(invalidErrors.TryGetProperty("startsOn", out _));
        Assert.True(invalidErrors.TryGetProperty("trainer", out _));
        Assert.True(invalidErrors.TryGetProperty("attendees[0]", out _));

        // The new-hire programme: three days, the default agenda a line per day.
        var created = await supervisor.PostAsJsonAsync("/api/v1/quality/training", new { kind = "NewHire", startsOn = "2030-03-02", trainer = "supervisor", attendees = new[] { passed, failed } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var newHire = await created.JsonAsync();
        Assert.Equal(3, newHire.GetProperty("days").GetInt32());
        Assert.Equal("新员工岗前培训", newHire.GetProperty("title").GetString());
        var agenda = newHire.GetProperty("agenda").GetString()!.Split('\n');
        Assert.Equal(3, agenda.Length);
        Assert.StartsWith("第1天：公司文化", agenda[0], StringComparison.Ordinal);
        Assert.Contains("角色扮演：模拟客户投诉场景", agenda[2], StringComparison.Ordinal);
        Assert.All(newHire.GetProperty("attendees").EnumerateArray(), a => Assert.False(a.GetProperty("attended").GetBoolean()));

        var url = $"/api/v1/quality/training/{newHire.GetProperty("id").GetString()}/attendance";
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await QualityDriver.SendAsync(supervisor, HttpMethod.Put, url, new { attendees = Array.Empty<object>() }, null)).StatusCode);
        var bad = await QualityDriver.SendAsync(supervisor, HttpMethod.Put, url, new
        {
            attendees = new object[] { new { agent = passed, attended = true, score = 120 }, new { agent = failed, attended = false, passed = true } },
        }, QualityDriver.ETag(newHire));
        var badErrors = (await bad.JsonAsync()).GetProperty("errors");
        Assert.True(badErrors.TryGetProperty("attendees[0].score", out _));
        Assert.True(badErrors.TryGetProperty("attendees[1].passed", out _));

        var recorded = await QualityDriver.SendAsync(supervisor, HttpMethod.Put, url, new
        {
            attendees = new object[] { new { agent = passed, attended = true, score = 92, passed = true }, new { agent = failed, attended = true, score = 48, passed = false, note = "第3天角色扮演未通过" } },
        }, QualityDriver.ETag(newHire));
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await QualityDriver.SendAsync(supervisor, HttpMethod.Put, url, new { attendees = Array.Empty<object>() }, QualityDriver.ETag(newHire))).StatusCode);

        // The month's session: one attends, the other was on the list but absent.
        var monthly = await (await supervisor.PostAsJsonAsync("/api/v1/quality/training", new { kind = "Monthly", startsOn = "2030-03-20", trainer = "qa", attendees = new[] { passed, failed } })).JsonAsync();
        Assert.Equal("2030年3月专项培训", monthly.GetProperty("title").GetString());
        var monthlyAttendance = await QualityDriver.SendAsync(supervisor, HttpMethod.Put, $"/api/v1/quality/training/{monthly.GetProperty("id").GetString()}/attendance", new
        {
            attendees = new object[] { new { agent = passed, attended = true }, new { agent = failed, attended = false, note = "请假" } },
        }, QualityDriver.ETag(monthly));
        Assert.Equal(HttpStatusCode.OK, monthlyAttendance.StatusCode);

        var compliance = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/quality/training/compliance?month=2030-03");
        Assert.True(compliance.GetProperty("monthlySessions").GetInt32() >= 1);
        var rows = compliance.GetProperty("agents").EnumerateArray().ToDictionary(r => r.GetProperty("agent").GetString()!);
        Assert.Empty(rows[passed].GetProperty("missing").EnumerateArray());
        Assert.Equal(["newHire", "monthly"], rows[failed].GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["newHire", "monthly"], rows[never].GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        var april = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/quality/training/compliance?month=2030-04");
        Assert.Equal(["monthly"], april.GetProperty("agents").EnumerateArray().Single(r => r.GetProperty("agent").GetString() == passed).GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.True((await (await supervisor.GetAsync("/api/v1/quality/training/compliance?month=March")).JsonAsync()).GetProperty("errors").TryGetProperty("month", out _));

        // An agent reads their own history, not a colleague's, and not the check.
        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/quality/training/history/{passed}");
        Assert.Equal(["Monthly", "NewHire"], history.EnumerateArray().Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal(92, history[1].GetProperty("score").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/quality/training/history/{failed}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/quality/training/compliance")).StatusCode);
        var sessionForAgent = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/quality/training/{newHire.GetProperty("id").GetString()}");
        Assert.Equal(passed, Assert.Single(sessionForAgent.GetProperty("attendees").EnumerateArray()).GetProperty("agent").GetString());
    }
}
