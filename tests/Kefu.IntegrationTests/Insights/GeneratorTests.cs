using System.Net.Http.Json;
using System.Text.Json;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Insights;
using Kefu.Web.Features.Insights.Generation;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Insights;

/// <summary>A store of its own for the generator, with the clock at the end of the generated month.</summary>
public sealed class GeneratorApp : KefuAppFactory
{
    public static readonly DateTime End = new(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc);

    public GeneratorApp()
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(End.AddHours(5), TimeSpan.Zero));
    }
}

/// <summary>The data generator on a small volume (both stores): rows written as EF reads them, rollups equal to the raw rows.</summary>
public sealed class GeneratorTests(GeneratorApp app) : IClassFixture<GeneratorApp>
{
    [Fact]
    public async Task Generate_WritesCallsSurveysAndComplaints_WhoseRollupsEqualTheNaiveCounts_AndTheApisReadThem()
    {
        _ = app.CreateClient(); // starts the app: store migrated, baseline present
        var options = new GeneratorOptions { Calls = 4000, Complaints = 400, Months = 1, Seats = 12, Seed = 7, End = GeneratorApp.End };
        var result = await new DataGenerator(app.Services, TextWriter.Null).RunAsync(options, CancellationToken.None);

        Assert.True(result.ChecksPassed, string.Join("\n", result.Checks));
        Assert.Equal(4000, result.Calls);
        Assert.Equal(400, result.Complaints);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        Assert.Equal(4000, await db.Set<CallRecord>().CountAsync(c => c.OfferedAt >= result.From && c.OfferedAt < result.To));
        Assert.Equal(result.SurveyAnswers, await db.Set<SurveyInvitation>().CountAsync(i => i.Kind == SurveyKinds.Call && i.Rating != null));
        Assert.True(result.SurveyAnswers > 100, $"{result.SurveyAnswers} survey answers");
        Assert.Equal(400, await db.Complaints.CountAsync(c => c.CreatedAt >= result.From && c.CreatedAt < result.To));
        Assert.Equal(800, await db.ComplaintDeadlines.CountAsync(d => d.CreatedAt >= result.From && d.CreatedAt < result.To));

        // Every hour-aligned figure from the rollups equals the raw rows, per queue and per agent too.
        var targets = app.Services.GetRequiredService<IOptions<CallTargets>>().Value;
        var kpi = app.Services.GetRequiredService<IOptions<KpiOptions>>().Value;
        var period = new KpiPeriod(result.From, result.To);
        foreach (var (queue, agent) in new (string?, string?)[] { (null, null), ("orders", null), (null, "agent003"), ("after-sales", "agent011") })
        {
            var agents = agent is null ? null : new[] { agent };
            var rolled = (await CallKpiRollups.SumAsync(db, CallKpiRollup.HourOf(period.From), CallKpiRollup.HourOf(period.To), queue, agents, null, CancellationToken.None))
                .Single().Tally;
            var naive = await CallKpiRollups.NaiveSumAsync(db, period.From, period.To, queue, agents, targets, kpi, CancellationToken.None);
            foreach (var (name, get, _) in CallTally.Counters)
            {
                Assert.True(get(rolled) == get(naive), $"{name} ({queue}/{agent}): rollup {get(rolled)}, naive {get(naive)}");
            }

            Assert.Equal(await CallSurveys.NaiveTallyAsync(db, period, queue, agents, 4, CancellationToken.None),
                await CallSurveys.TallyAsync(db, period, queue, agents, 4, CancellationToken.None));
        }

        // The HTTP API reads the generated store: the contract fields, CSAT among them, as the raw rows give them.
        var supervisor = await app.ClientForAsync("supervisor");
        var report = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/kpis?from=2026-07-01T00:00:00Z&to=2026-08-01T00:00:00Z");
        var all = await CallKpiRollups.NaiveSumAsync(db, new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), GeneratorApp.End, null, (string?)null, targets, kpi,
            CancellationToken.None);
        var surveys = await CallSurveys.NaiveTallyAsync(db, new KpiPeriod(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), GeneratorApp.End), null, null,
            app.Services.GetRequiredService<IOptions<SurveyOptions>>().Value.SatisfiedMinRating, CancellationToken.None);
        Assert.Equal(all.Answered / (double)all.Offered, report.GetProperty("connectionRate").GetDouble(), 12);
        Assert.Equal(surveys.Satisfied / (double)surveys.Answers, report.GetProperty("csat").GetDouble(), 12);
        var complaints = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/kpis/complaints?from=2026-07-01&to=2026-07-31");
        Assert.True(complaints.GetProperty("measures").GetProperty("created").GetInt64() > 300);
        Assert.NotEmpty(complaints.GetProperty("rootCauses").EnumerateArray());

        // The store's aggregates equal the in-memory computation: complaint measures, breakdowns and trend; satisfaction by service type.
        var now = app.Clock!.GetUtcNow().UtcDateTime;
        var month = new KpiPeriod(result.From, result.To);
        foreach (var (filter, by) in new (ComplaintInsights.Filter, string)[]
                 {
                     (new(null, null, null, null), "day"), (new(null, ComplaintSeverity.High, null, null), "week"), (new(null, null, ComplaintChannel.Phone, null), "month"),
                 })
        {
            var fast = await ComplaintInsights.BuildAsync(db, month, filter, by, now, CancellationToken.None);
            var naive = await ComplaintInsights.NaiveBuildAsync(db, month, filter, by, now, CancellationToken.None);
            Assert.Equal(naive.Measures with { AverageHandlingHours = null, QaAverageScore = null }, fast.Measures with { AverageHandlingHours = null, QaAverageScore = null });
            Assert.Equal(naive.Measures.AverageHandlingHours!.Value, fast.Measures.AverageHandlingHours!.Value, 1e-9 * naive.Measures.AverageHandlingHours.Value);
            Assert.Equal(naive.ByCategory, fast.ByCategory);
            Assert.Equal(naive.BySeverity, fast.BySeverity);
            Assert.Equal(naive.ByChannel, fast.ByChannel);
            Assert.Equal(naive.RootCauses.Select(c => (c.Key, c.Count)), fast.RootCauses.Select(c => (c.Key, c.Count)));
            Assert.Equal(naive.FindingsByDepartment.Select(c => (c.Key, c.Count)).OrderBy(c => c.Key, StringComparer.Ordinal),
                fast.FindingsByDepartment.Select(c => (c.Key, c.Count)).OrderBy(c => c.Key, StringComparer.Ordinal));
            Assert.Equal(naive.Trend, fast.Trend);
        }

        var surveyOptions = app.Services.GetRequiredService<IOptions<SurveyOptions>>().Value;
        var lines = await CallSurveys.ByServiceTypeAsync(db, month, 4, surveyOptions, CancellationToken.None);
        var naiveLines = await CallSurveys.NaiveByServiceTypeAsync(db, month, 4, surveyOptions, CancellationToken.None);
        Assert.NotEmpty(lines);
        Assert.Equal(naiveLines.Select(l => (l.ServiceType, l.Answers, l.Csat, string.Join(",", l.TopReasons))),
            lines.Select(l => (l.ServiceType, l.Answers, l.Csat, string.Join(",", l.TopReasons))));
    }
}
