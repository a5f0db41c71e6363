using System.Text.Json;
using Kefu.Web.Features.Quality;

namespace Kefu.UnitTests.Quality;

public sealed class ScriptRuleJsonTests
{
    [Fact]
    public void DefaultRules_SurviveAJsonRoundTrip_Unchanged()
    {
        var json = ScriptRuleJson.Serialize(DefaultScriptRules.All);

        var rules = ScriptRuleJson.Deserialize(json);

        Assert.Equal(DefaultScriptRules.All.Count, rules.Count);
        Assert.Equal(json, ScriptRuleJson.Serialize(rules));
        for (var i = 0; i < rules.Count; i++)
        {
            var (before, after) = (DefaultScriptRules.All[i], rules[i]);
            Assert.Equal(before.IdAndVersion, after.IdAndVersion);
            Assert.Equal(before.Kind, after.Kind);
            Assert.Equal(before.Patterns, after.Patterns);
            Assert.Equal(before.Exceptions, after.Exceptions);
            Assert.Equal(before.AnchorPatterns, after.AnchorPatterns);
            Assert.Equal(before.Window, after.Window);
            Assert.Equal(before.Critical, after.Critical);
        }
    }

    [Fact]
    public void RulesReadFromJson_CheckLikeTheOriginals()
    {
        var fromJson = new TranscriptCheck(ScriptRuleJson.Deserialize(ScriptRuleJson.Serialize(DefaultScriptRules.All)));
        const string reply = "您好，这不是我的问题，你应该先看说明书。请问您的身份证号是多少？非常抱歉。";

        var expected = TranscriptCheck.Default.CheckWrittenReply(reply);
        var actual = fromJson.CheckWrittenReply(reply);

        Assert.Equal(expected.Findings, actual.Findings);
        Assert.Equal(expected.RulesUsed, actual.RulesUsed);
        Assert.True(actual.AutoFail);
    }

    [Fact]
    public void Json_UsesCamelCasePropertiesAndKebabCaseValues()
    {
        var json = ScriptRuleJson.Serialize(DefaultScriptRules.All.Where(r => r.Id is "greeting" or "forbidden-sensitive-identity"));

        Assert.Contains("\"kind\": \"required-script\"", json, StringComparison.Ordinal);
        Assert.Contains("\"placement\": \"opening\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"forbidden-phrase\"", json, StringComparison.Ordinal);
        Assert.Contains("\"critical\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"channels\": \"call\"", json, StringComparison.Ordinal);
        Assert.Contains("您好……这里是……客服中心……我是", json, StringComparison.Ordinal);
        Assert.DoesNotContain("idAndVersion", json, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleWrittenByHand_TakesDefaultsForWhatItLeavesOut()
    {
        const string json = """
            [{ "id": "no-sorry", "kind": "avoid-phrase", "category": "wording", "patterns": ["沒辦法……"], "replacement": "我帮您想想办法" }]
            """;

        var rule = Assert.Single(ScriptRuleJson.Deserialize(json));

        Assert.Equal(1, rule.Version);
        Assert.Equal(ScriptSide.Agent, rule.Side);
        Assert.Equal(RuleChannels.All, rule.Channels);
        Assert.Equal(40, rule.MaxGap);
        Assert.Empty(rule.Exceptions);
        var finding = Assert.Single(new TranscriptCheck([rule]).CheckWrittenReply("这个没办法处理。").Findings);
        Assert.Equal("没办法处理", finding.Quote);
    }

    [Theory]
    [InlineData("""[{ "id": "x", "kind": "forbidden", "category": "c", "patterns": ["甲"] }]""")]
    [InlineData("""[{ "id": "x", "kind": "forbidden-phrase", "category": "c" }]""")]
    [InlineData("""{ "id": "x" }""")]
    public void MalformedRuleJson_IsRefused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => ScriptRuleJson.Deserialize(json));
    }
}
