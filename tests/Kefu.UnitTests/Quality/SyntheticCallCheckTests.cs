using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Simulation;
using Kefu.Web.Features.Quality;
using SimulatedSegment = Kefu.Web.Features.Calls.Simulation.TranscriptSegment;

namespace Kefu.UnitTests.Quality;

/// <summary>The default rules over the call simulator's transcripts, whose agents follow the manual's script and
/// sometimes say a forbidden line (<see cref="SyntheticTranscript.ForbiddenPhrases"/>).</summary>
public sealed class SyntheticCallCheckTests
{
    private const int CallCount = 200;

    private static List<IReadOnlyList<SimulatedSegment>> Transcripts()
    {
        var plan = new TrafficModel(new TrafficOptions { CallsPerHour = 4000, Hours = 1, HoldProbability = 0.3, Seed = 23 }).Plan();
        var random = new Random(23);
        var options = new TranscriptOptions { ForbiddenPhraseProbability = 0.35 };
        return [.. plan.Take(CallCount).Select(call => SyntheticTranscript.Generate(call, random, options))];
    }

    private static List<SegmentToCheck> ToCheck(IReadOnlyList<SimulatedSegment> transcript, Func<string, string>? convert = null) =>
    [
        .. transcript.Select(s => new SegmentToCheck(
            s.Speaker == SyntheticTranscript.AgentSpeaker ? TranscriptSpeaker.Agent : TranscriptSpeaker.Customer,
            s.StartSeconds, s.EndSeconds, convert is null ? s.Text : convert(s.Text))),
    ];

    private static bool SaysForbiddenPhrase(SimulatedSegment segment) =>
        segment.Speaker == SyntheticTranscript.AgentSpeaker
        && SyntheticTranscript.ForbiddenPhrases.Any(p => segment.Text.Contains(p, StringComparison.Ordinal));

    [Fact]
    public void EveryGeneratedForbiddenPhrase_IsFound_AndNothingElseIsFlagged()
    {
        var withForbidden = 0;
        foreach (var transcript in Transcripts())
        {
            var report = TranscriptCheck.Default.Check(ToCheck(transcript));

            var expected = Enumerable.Range(0, transcript.Count).Where(i => SaysForbiddenPhrase(transcript[i])).ToList();
            var flagged = report.Findings.Where(f => f.Kind is FindingKind.Forbidden or FindingKind.Avoid).ToList();
            Assert.Equal(expected, flagged.Select(f => f.Segment!.Value).Distinct());
            foreach (var finding in flagged)
            {
                Assert.Contains(SyntheticTranscript.ForbiddenPhrases, p => finding.Quote!.StartsWith(p, StringComparison.Ordinal));
                Assert.NotNull(finding.Replacement);
                Assert.Equal(transcript[finding.Segment!.Value].StartSeconds, finding.OffsetSeconds);
            }

            Assert.False(report.AutoFail);
            Assert.All(report.RequiredScripts, r => Assert.Equal(RequiredScriptStatus.Present, r.Status));
            Assert.DoesNotContain(report.Findings, f => f.Kind is FindingKind.RequiredMissing or FindingKind.RequiredMisplaced);
            withForbidden += expected.Count > 0 ? 1 : 0;
        }

        // Enough of both kinds for the test to mean something.
        Assert.InRange(withForbidden, 40, CallCount - 40);
    }

    [Fact]
    public void GeneratedCallsInTraditionalCharacters_GiveTheSameFindings()
    {
        // ICU's Hans-Hant transform makes the Traditional input, so this does not depend on our Hant-Hans table.
        static string ToTraditional(string text) => ChineseText.ToTraditional(text);
        Assert.Equal("請問還有甚麼可以幫您的嗎", ToTraditional("请问还有什么可以帮您的吗")); // ICU writes 甚麼, as Hong Kong does

        foreach (var transcript in Transcripts().Take(60))
        {
            var simplified = TranscriptCheck.Default.Check(ToCheck(transcript));
            var traditional = TranscriptCheck.Default.Check(ToCheck(transcript, ToTraditional));

            Assert.Equal(
                simplified.Findings.Select(f => (f.RuleId, f.Kind, f.Segment, f.QuoteSpan)),
                traditional.Findings.Select(f => (f.RuleId, f.Kind, f.Segment, f.QuoteSpan)));
            Assert.Equal(simplified.RequiredScripts.Select(r => r.Status), traditional.RequiredScripts.Select(r => r.Status));
        }
    }

    [Fact]
    public void GeneratedComplaintCalls_CountEmpathyAndApology()
    {
        var complaints = Transcripts()
            .Select(t => TranscriptCheck.Default.Check(ToCheck(t)))
            .Where(r => r.PositiveCount(ScriptCategories.Apology) + r.PositiveCount(ScriptCategories.Empathy) > 0)
            .ToList();

        Assert.NotEmpty(complaints);
        Assert.All(complaints, r => Assert.Contains(r.Findings, f => f.Kind == FindingKind.Positive));
    }
}
