using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kefu.IntegrationTests.Calls;

namespace Kefu.IntegrationTests.Quality;

/// <summary>QA scorecards through HTTP, from evaluations made with the evaluation API (issue #6 point 5).</summary>
public sealed class ScorecardApiTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task ATeamsScorecard_ShowsEachAgentsWeek_TheTeamAverage_AndFlagsAnAgentUnderTheTarget()
    {
        var quality = new QualityDriver(app);
        var (teamId, teamCode) = await quality.NewTeamAsync();
        var good = await quality.NewAgentAsync(teamId);
        var weak = await quality.NewAgentAsync(teamId);

        var first = await quality.AnsweredCallAsync(good, endsAt: 124); // 120 s of talk
        var second = await quality.AnsweredCallAsync(good, endsAt: 184); // 180 s
        await quality.SubmittedEvaluationAsync(first, QualityDriver.Uniform(100));
        // (25·60 + 15·80 + 15·70 + 15·50 + 10·100 + 10·60 + 10·60) / 100 = 67
        var mixed = new Dictionary<string, int> { ["script"] = 60, ["needs"] = 80, ["resolution"] = 70, ["empathy"] = 50, ["identity"] = 100, ["respect"] = 60, ["sincerity"] = 60 };
        await quality.SubmittedEvaluationAsync(second, mixed, liability: "Upheld");
        var weakCall = await quality.AnsweredCallAsync(weak);
        await quality.SubmittedEvaluationAsync(weakCall, mixed);
        var supervisor = await app.ClientForAsync("supervisor");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync($"/api/v1/calls/{first}/disposition", new { solvedOnFirstContact = true, note = "已解答" })).StatusCode);

        var card = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/quality/scorecards?period=week&team={teamCode}");
        var periods = card.GetProperty("periods").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(8, periods.Count); // the last eight weeks by default
        Assert.Equal("2026-W48", periods[^1]); // Monday 23 Nov 2026, China time
        Assert.Equal(80, card.GetProperty("target").GetDouble());
        var agents = card.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("agent").GetString()!);
        Assert.Equal(2, agents.Count);

        var goodWeek = agents[good].GetProperty("periods")[7];
        Assert.Equal(2, goodWeek.GetProperty("evaluations").GetInt32());
        Assert.Equal(83.5, goodWeek.GetProperty("averageScore").GetDouble()); // (100 + 67) / 2
        Assert.Equal(1, goodWeek.GetProperty("liabilityUpheld").GetInt32());
        Assert.False(goodWeek.GetProperty("belowTarget").GetBoolean());
        Assert.Equal(2, goodWeek.GetProperty("callsAnswered").GetInt32());
        Assert.Equal(150, goodWeek.GetProperty("averageTalkSeconds").GetDouble()); // (120 + 180) / 2
        Assert.Equal(0.5, goodWeek.GetProperty("fcrShare").GetDouble());
        Assert.Equal(teamId, agents[good].GetProperty("teamId").GetString());
        Assert.Equal(JsonValueKind.Null, agents[good].GetProperty("periods")[6].GetProperty("averageScore").ValueKind); // no evaluation the week before

        Assert.Equal(67, agents[weak].GetProperty("total").GetProperty("averageScore").GetDouble());
        Assert.True(agents[weak].GetProperty("total").GetProperty("belowTarget").GetBoolean());

        var team = Assert.Single(card.GetProperty("teams").EnumerateArray());
        Assert.Equal(78, team.GetProperty("total").GetProperty("averageScore").GetDouble()); // (100 + 67 + 67) / 3
        Assert.Equal(2, team.GetProperty("agents").GetInt32());

        var byMonth = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/quality/scorecards?period=month&agent={weak}");
        Assert.Equal("2026-11", byMonth.GetProperty("periods").EnumerateArray().Last().GetString());
        Assert.Equal(67, Assert.Single(byMonth.GetProperty("agents").EnumerateArray()).GetProperty("periods")[7].GetProperty("averageScore").GetDouble());
    }

    [Fact]
    public async Task AnAgent_SeesOnlyTheirOwnScorecard_WhateverTheyAskFor()
    {
        var quality = new QualityDriver(app);
        var (teamId, teamCode) = await quality.NewTeamAsync();
        var me = await quality.NewAgentAsync(teamId);
        var colleague = await quality.NewAgentAsync(teamId);
        await quality.SubmittedEvaluationAsync(await quality.AnsweredCallAsync(me), QualityDriver.Uniform(90));
        await quality.SubmittedEvaluationAsync(await quality.AnsweredCallAsync(colleague), QualityDriver.Uniform(70));

        var agent = await app.ClientForAsync(me);
        var card = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/quality/scorecards?team={teamCode}&agent={colleague}");
        var row = Assert.Single(card.GetProperty("agents").EnumerateArray());
        Assert.Equal(me, row.GetProperty("agent").GetString());
        Assert.Equal(90, row.GetProperty("total").GetProperty("averageScore").GetDouble());
        Assert.Empty(card.GetProperty("teams").EnumerateArray());
    }

    [Fact]
    public async Task ABadPeriodOrDate_IsRefusedNamingTheField()
    {
        var supervisor = await app.ClientForAsync("supervisor");
        var response = await supervisor.GetAsync("/api/v1/quality/scorecards?period=year&from=23.11.2026&team=NO-SUCH-TEAM");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("period", out _));
        Assert.True(errors.TryGetProperty("from", out _));

        var tooLong = await supervisor.GetAsync("/api/v1/quality/scorecards?period=week&from=2024-01-01&to=2026-11-23");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.JsonAsync()).GetProperty("errors").TryGetProperty("from", out _));

        var unknownTeam = await supervisor.GetAsync("/api/v1/quality/scorecards?team=NO-SUCH-TEAM");
        Assert.True((await unknownTeam.JsonAsync()).GetProperty("errors").TryGetProperty("team", out _));
    }
}
