using System.Text;
using BenchmarkDotNet.Attributes;
using Kefu.Web.Features.Privacy;

namespace Kefu.Benchmarks;

/// <summary>
/// The PII detector runs on every free-text write (notes, transcripts, e-mails) and on every log line, so its cost
/// per typical text matters: a short note, a 5-minute call transcript, and a clean text with no PII at all.
/// </summary>
[MemoryDiagnoser]
public class PiiMaskingBenchmarks
{
    private string note = "";
    private string transcript = "";
    private string clean = "";

    [GlobalSetup]
    public void Setup()
    {
        note = "客户来电称卡号6222021234567894扣款两次，身份证110105199003071239，已提醒不要提供。";
        var builder = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            builder.Append("坐席：您好，这里是客服中心，我是客服1001，请问有什么可以帮您的？");
            builder.Append("客户：我的订单KF202611150002还没到，电话13812345678，");
            if (i % 20 == 0)
            {
                builder.Append("我的银行卡是6222 0212 3456 7894，密码是abc12345。");
            }
        }

        transcript = builder.ToString();
        clean = string.Concat(Enumerable.Repeat("客户表示对物流延迟不满，已承诺 24 小时内回电说明原因。", 40));
    }

    [Benchmark]
    public string MaskShortNote() => PiiDetector.Mask(note);

    [Benchmark]
    public string MaskCallTranscript() => PiiDetector.Mask(transcript);

    [Benchmark]
    public string MaskCleanText() => PiiDetector.Mask(clean);
}
