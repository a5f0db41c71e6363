using System.Globalization;
using Kefu.Web.Features.Complaints;

namespace Kefu.UnitTests.Complaints.Reports;

/// <summary>Case reports built from seed 004 (维修站 case: the adapter was not kept at the first visit).</summary>
internal static class SampleReports
{
    public const string Number = "KF-20240828-0003";

    public const string EventSentence = "检测工程师重组机器更新BIOS后未发现用户所描述现象";
    public const string RemedialSentence = "在收机时详细询问用户的机器使用情况及期间故障现象，并详细记录。";
    public const string CauseSentence = "前台实习人员未按流程留下用户的适配器，导致故障无法复现；";
    public const string RectificationSentence = "向用户解释我们才是DELL的售后服务，经销商是销售机器的地方。";
    public const string TimelineText = "用户来电投诉：无法充电的问题仍未解决，要求尽快处理。";

    private const string EventDescription =
        "用户第一次送机至维修站，前台工程师（实习人员）根据用户描述，只收下了主机，未留适配器。用户描述黑屏偶尔会有无法充电的现象，" +
        "检测工程师重组机器更新BIOS后未发现用户所描述现象。\n" +
        "由于当时前台接待用户的实习人员未留下用户的适配器，用户取回机器后发现无法充电的情况未能解决，再次送修维修站。" +
        "本次前台工程师（非实习生）留下了用户的机器及适配器，并检测出为适配器问题，修复后用户取机。";

    private const string RemedialMeasures =
        "在送修时发现有不满意的用户，在收机时给予用户更多的关怀。在收机时详细询问用户的机器使用情况及期间故障现象，并详细记录。" +
        "告之用户机器会全面检测，并解决机器出现的故障。";

    private const string CauseAnalysis =
        "1、前台实习人员未按流程留下用户的适配器，导致故障无法复现；\n" +
        "2、在没有仔细询问和观察后就先下结论，让客户很难接受；\n" +
        "3、对维修的技术不满意（多次送修未解决故障）。";

    private const string RectificationPlan =
        "1、用户提出不满意，接待人员马上产生预警。对用户给予更多的关怀，比如等待过程中倒上一杯水；或者有人手抽调时优先安排接待。\n" +
        "2、向用户解释我们才是DELL的售后服务，经销商是销售机器的地方。有什么问题可以直接找我们解决。\n" +
        "3、每位客户进门了，在进行维修之前先要把机器的问题情况了解清楚，再给客户下结论；收机时主机与适配器等配件一并留下检测。";

    /// <summary>2024-08-28 01:30 UTC = 09:30 China Standard Time.</summary>
    public static readonly DateTime CreatedAtUtc = new(2024, 8, 28, 1, 30, 0, DateTimeKind.Utc);

    public static CaseReport Repair() => new(
        Number, "陈先生", "维修质量", "一般", "到店", "张敏",
        CreatedAtUtc, new DateTime(2024, 9, 7, 3, 20, 0, DateTimeKind.Utc), "已结案",
        EventDescription, RemedialMeasures, CauseAnalysis, RectificationPlan,
        [
            new(CreatedAtUtc, "李娜", "用户送修笔记本，描述黑屏及偶尔无法充电；实习工程师只收下主机，未留适配器。"),
            new(new DateTime(2024, 8, 29, 6, 10, 0, DateTimeKind.Utc), "王工", "重组机器并更新BIOS，未复现用户所述现象。"),
            new(new DateTime(2024, 8, 30, 2, 0, 0, DateTimeKind.Utc), "李娜", "用户取回机器。"),
            new(new DateTime(2024, 9, 2, 8, 45, 0, DateTimeKind.Utc), "张敏", TimelineText),
            new(new DateTime(2024, 9, 3, 1, 15, 0, DateTimeKind.Utc), "赵工", "再次收机，同时留下适配器，检测为适配器故障，已申请更换。"),
            new(new DateTime(2024, 9, 7, 3, 20, 0, DateTimeKind.Utc), "张敏", "更换适配器后用户取机；电话回访确认充电正常，用户表示满意。"),
        ]);

    /// <summary>Long sections and a timeline of <paramref name="entries"/> entries marked 记录#001, 记录#002, …</summary>
    public static CaseReport Long(int entries = 120)
    {
        var report = Repair();
        var timeline = Enumerable.Range(1, entries)
            .Select(i => new CaseReportLine(
                CreatedAtUtc.AddHours(i),
                i % 2 == 0 ? "张敏" : "王工",
                string.Create(CultureInfo.InvariantCulture, $"记录#{i:000}：") +
                    (i % 10 == 0 ? string.Concat(Enumerable.Repeat("跟踪服务：通过电话向客户了解解决方案是否有用、是否还有其他问题。", 3)) : "电话回访客户，确认机器使用情况。")))
            .ToList();
        return report with
        {
            EventDescription = string.Join('\n', Enumerable.Repeat(report.EventDescription, 6)),
            CauseAnalysis = string.Join('\n', Enumerable.Repeat(report.CauseAnalysis, 5)),
            Timeline = timeline,
        };
    }
}
