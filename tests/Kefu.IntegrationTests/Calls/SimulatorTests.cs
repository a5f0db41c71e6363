using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Calls;

/// <summary>The traffic simulator drives the real CTI API end to end and leaves consistent call records.</summary>
public sealed class SimulatorTests(CallCenterApp app) : IClassFixture<CallCenterApp>
{
    [Fact]
    public async Task ASimulatedHalfHour_ThroughTheCtiApi_LeavesEveryCallAnsweredOrAbandoned()
    {
        var http = app.CreateClient();
        http.BaseAddress = new Uri(http.BaseAddress!, "/");
        var center = app.Services.GetRequiredService<CallCenter>();
        var options = new SimulatorOptions { Agents = 4, CallsPerHour = 60, Hours = 0.5, Speed = 0, Seed = 7 };
        var simulator = new TrafficSimulator(http, options, app.Clock!.GetUtcNow(), async at =>
        {
            var ahead = at - app.Clock!.GetUtcNow();
            if (ahead > TimeSpan.Zero)
            {
                app.Clock.Advance(ahead);
            }

            await center.TickAsync(CancellationToken.None);
        }, TextWriter.Null);

        var result = await simulator.RunAsync(CancellationToken.None);

        Assert.True(result.Offered >= 15, $"about 30 calls expected, got {result.Offered}");
        Assert.Equal(result.Offered, result.Answered + result.Abandoned);
        var supervisor = await app.ClientForAsync("supervisor");
        var page = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/calls?pageSize=200");
        var simulated = page.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("id").GetString()!.StartsWith("sim-", StringComparison.Ordinal)).ToList();
        Assert.Equal(result.Offered, simulated.Count);
        Assert.Equal(result.Answered, simulated.Count(c => c.GetProperty("outcome").GetString() == "Answered"));
        Assert.All(simulated, c => Assert.Equal("Ended", c.GetProperty("status").GetString()));
        var answered = simulated.First(c => c.GetProperty("outcome").GetString() == "Answered");
        var detail = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{answered.GetProperty("id").GetString()}");
        Assert.NotEmpty(detail.GetProperty("transcript").EnumerateArray());
        Assert.StartsWith("您好，这里是", detail.GetProperty("transcript")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(detail.GetProperty("talkSeconds").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("recordingUri").GetString()));
        Assert.True(detail.TryGetProperty("solvedOnFirstContact", out var fcr) && fcr.ValueKind != JsonValueKind.Null);
    }
}
