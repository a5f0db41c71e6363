using BenchmarkDotNet.Attributes;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Quality;

namespace Kefu.Benchmarks;

/// <summary>
/// Script checks run on every recorded call and on every written reply before it is sent. Cases: a 60-turn call
/// (30 agent, 30 customer segments, two forbidden lines) against the default rules (20) and against 60 rules (the
/// defaults plus 40 more forbidden phrases, a third of them with "……" gaps); the same call in Traditional characters;
/// a dense 10-minute call (100 turns, about 2,500 characters); a written reply, and its replacement.
/// </summary>
[MemoryDiagnoser]
public class TranscriptCheckBenchmarks
{
    private static readonly string[] AgentLines =
    [
        "为了保障您的信息安全，请问您的注册手机号是多少？",
        "好的，信息核实无误，谢谢您。",
        "您的意思是，您10月5日购买的电饭煲至今未收到货，想查询物流进度，对吗？",
        "非常抱歉给您带来了不便，我完全理解您的心情。",
        "请您稍等，我帮您查询一下。",
        "您的订单物流信息显示，快递已到达您所在城市，预计今日下午送达。",
        "我会联系相关部门，优先处理您的问题，最晚明天中午给您回复。",
        "好的，我这边先帮您记录一下。",
        "我再跟您确认一下，收货地址还是订单上的地址，对吗？",
        "积分可以在下单时直接抵扣，100积分抵1元，您可以在APP‘我的’-‘积分’页面查看。",
    ];

    private static readonly string[] CustomerLines =
    [
        "你好，我想查一下我的订单物流，10月5日下的单，到现在还没收到。",
        "138 1234 5678。",
        "对的。",
        "好的，麻烦你了。",
        "嗯，你们尽快处理吧。",
        "工作日下午都可以。",
    ];

    private TranscriptCheck _default = null!;
    private TranscriptCheck _sixtyRules = null!;
    private List<SegmentToCheck> _call = null!;
    private List<SegmentToCheck> _traditionalCall = null!;
    private List<SegmentToCheck> _tenMinuteCall = null!;
    private string _reply = "";

    [GlobalSetup]
    public void Setup()
    {
        _default = TranscriptCheck.Default;
        var extra = Enumerable.Range(0, 40).Select(i => new ScriptRule
        {
            Id = "extra-" + i,
            Kind = ScriptRuleKind.ForbiddenPhrase,
            Category = ScriptCategories.ServiceAttitude,
            Patterns = i % 3 == 0 ? [$"第{i}号……禁语{i}", $"不许说{i}……"] : [$"禁用短语{i}", $"不该说的话{i}号"],
            Replacement = "替代语",
        });
        _sixtyRules = new TranscriptCheck([.. DefaultScriptRules.All, .. extra]);

        _call = Call(60);
        _traditionalCall = [.. _call.Select(s => s with { Text = ChineseText.ToTraditional(s.Text) })];
        _tenMinuteCall = Call(100);

        _reply = "您好，关于您反映的订单问题，这不是我们的问题，你应该先在APP上查看物流信息。非常抱歉给您带来了不便，"
            + "我会联系相关部门，优先处理您的问题，最晚明天中午给您回复。如有疑问请随时联系我们。";

        if (Call60Turns_DefaultRules().Findings.Count(f => f.Kind is FindingKind.Forbidden or FindingKind.Avoid) != 2
            || _default.Check(_traditionalCall).Findings.Count(f => f.Kind is FindingKind.Forbidden or FindingKind.Avoid) != 2
            || _default.Check(_call).RequiredScripts.Any(r => r.Status != RequiredScriptStatus.Present)
            || _default.Check(_tenMinuteCall).RequiredScripts.Any(r => r.Status != RequiredScriptStatus.Present))
            throw new InvalidOperationException("The benchmark calls should follow the script except for two flagged lines.");
    }

    /// <summary>Greeting, alternating turns from the line pools (two of them forbidden), closing; 6 s a turn.</summary>
    private static List<SegmentToCheck> Call(int turns)
    {
        List<SegmentToCheck> call = [new(TranscriptSpeaker.Agent, 0, 5, "您好，这里是XX客服中心，我是客服小张，请问有什么可以帮您的？")];
        for (var turn = 1; turn < turns - 1; turn++)
        {
            var agent = turn % 2 == 0;
            var text = agent ? AgentLines[((turn / 2) - 1) % AgentLines.Length] : CustomerLines[turn / 2 % CustomerLines.Length];
            if (turn is 20 or 40)
                text = turn == 20 ? "我不知道，这个你得自己去问快递公司。" : "你应该先在APP上看一下订单页面再打电话。";
            call.Add(new(agent ? TranscriptSpeaker.Agent : TranscriptSpeaker.Customer, turn * 6, (turn * 6) + 5, text));
        }

        call.Add(new(TranscriptSpeaker.Agent, (turns - 1) * 6, (turns * 6) - 1, "请问还有什么可以帮您的吗？感谢您的来电，祝您生活愉快，再见！"));
        return call;
    }

    [Benchmark(Baseline = true)]
    public TranscriptReport Call60Turns_DefaultRules() => _default.Check(_call);

    [Benchmark]
    public TranscriptReport Call60Turns_60Rules() => _sixtyRules.Check(_call);

    [Benchmark]
    public TranscriptReport Call60Turns_Traditional() => _default.Check(_traditionalCall);

    [Benchmark]
    public TranscriptReport TenMinuteCall_DefaultRules() => _default.Check(_tenMinuteCall);

    [Benchmark]
    public TranscriptReport WrittenReply() => _default.CheckWrittenReply(_reply);

    [Benchmark]
    public ReplyRewrite WrittenReply_ApplyReplacements() => _default.ApplyReplacements(_reply);
}
