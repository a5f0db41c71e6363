using Kefu.Web.Data;
using Kefu.Web.Features.Calls.Routing;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Calls;

/// <summary>The call center every new store starts with: the four queues of the default menu and one hotline.</summary>
public static class CallCenterDefaults
{
    public static async Task EnsureAsync(KefuDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.Set<CallQueue>().AnyAsync(cancellationToken))
        {
            db.AddRange(
                new CallQueue { Id = "orders", Name = "查询订单", Skill = "orders", SortOrder = 1, WaitPrompt = "正在为您转接订单查询专员，请稍候。" },
                new CallQueue { Id = "after-sales", Name = "售后", Skill = "after-sales", SortOrder = 2, WaitPrompt = "正在为您转接售后服务专员，请稍候。" },
                new CallQueue
                {
                    Id = "complaints", Name = "投诉建议", Skill = "complaints", SortOrder = 3, Strategy = RoutingStrategy.SkillTiers, WrapUpSeconds = 60,
                    WaitPrompt = "正在为您转接投诉专员，请稍候。", OverflowAfterSeconds = 60, OverflowQueueId = "general",
                },
                new CallQueue { Id = "general", Name = "人工服务", Skill = "general", SortOrder = 4, WaitPrompt = "正在为您转接人工服务，请稍候。" });
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.Set<Hotline>().AnyAsync(cancellationToken))
        {
            db.Add(new Hotline
            {
                Id = Ids.New(),
                Number = "4008001234",
                Name = "客服热线",
                Greeting = "您好，欢迎致电客服中心。",
                Menu = IvrMenu.Default,
                // Open around the clock (a 7×24 hotline); set hours on the call-center page to use the after-hours menu.
                OpensAt = "00:00",
                ClosesAt = "00:00",
                OpenDays = "1234567",
                AfterHoursPrompt = "您好，现在是非工作时间。预约回电请按1，我们将在工作时间尽快与您联系。",
                AfterHoursMode = AfterHoursMode.Callback,
                IsDefault = true,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Skills of the demo staff (agents start Offline; they go Available on the desktop).</summary>
    public static readonly IReadOnlyList<(string UserName, string Skills)> DemoAgents =
    [
        ("agent", "orders:1;after-sales:1;complaints:2;general:1"),
        ("agent2", "orders:1;general:1"),
        ("aftersales", "after-sales:1;general:2"),
        ("tech", "after-sales:2"),
        ("supervisor", "complaints:1;general:3"),
    ];
}
