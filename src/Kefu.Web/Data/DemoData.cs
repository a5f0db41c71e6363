using Kefu.Web.Features.Access;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Departments;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Data;

/// <summary>
/// Start-up data. Every deployment gets the four roles and the default departments; demo mode
/// (<c>Kefu:DemoData</c>, on for <c>dotnet run</c>) adds demo staff and customers once, into an empty store.
/// </summary>
public static class DemoData
{
    public const string Password = "Kefu2026!";

    public static readonly IReadOnlyList<(string UserName, string DisplayName, string Role, string Department, string WorkNumber)> Staff =
    [
        ("admin", "系统管理员", KefuRoles.Admin, "CS", "A001"),
        ("supervisor", "王主管", KefuRoles.Supervisor, "CS", "S001"),
        ("agent", "李小客", KefuRoles.Agent, "CS", "1001"),
        ("qa", "赵质检", KefuRoles.QA, "CS", "Q001"),
        ("agent2", "张晓明", KefuRoles.Agent, "CS", "1002"),
        ("aftersales", "陈售后", KefuRoles.Agent, "AFTERSALES", "2001"),
        ("tech", "刘技术", KefuRoles.Agent, "TECH", "3001"),
        ("pbx", "电话系统", KefuRoles.Telephony, "CS", "PBX1"),
    ];

    public static async Task EnsureBaselineAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        await scope.ServiceProvider.GetRequiredService<UserAdministration>().EnsureRolesAsync();
        if (!await db.Departments.AnyAsync(cancellationToken))
        {
            db.Departments.AddRange(Department.Defaults.Select(d => new Department { Id = Ids.New(), Code = d.Code, Name = d.Name }));
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.ComplaintCategories.AnyAsync(cancellationToken))
        {
            var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
            var order = 0;
            foreach (var (code, name, parent) in ComplaintCategory.Defaults)
            {
                ids[code] = Ids.New();
                db.ComplaintCategories.Add(new ComplaintCategory { Id = ids[code], Code = code, Name = name, ParentId = parent is null ? null : ids[parent], SortOrder = ++order });
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await Features.Calls.CallCenterDefaults.EnsureAsync(db, cancellationToken);
        await Features.Quality.ScriptRuleBook.EnsureDefaultsAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), cancellationToken);
    }

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return; // demo data goes only into an empty store, and only once.
        }

        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var departments = await db.Departments.ToDictionaryAsync(d => d.Code, d => d.Id, cancellationToken);
        foreach (var (userName, displayName, role, department, workNumber) in Staff)
        {
            await administration.CreateAsync(new UserAdministration.NewUser(userName, displayName, Password, role,
                departments.GetValueOrDefault(department), workNumber, $"{userName}@kefu.example"), cancellationToken);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var customers = new (string Name, string Phone, string? Email, string Note, (string Number, decimal Amount, int DaysAgo)[] Orders, (ContactChannel Channel, string Summary, int DaysAgo)[] Contacts)[]
        {
            ("张伟", "13812345678", "zhangwei@example.com", "老客户，偏好电话联系。",
                [("KF202611010001", 299.00m, 22), ("KF202611150002", 1299.00m, 8)],
                [(ContactChannel.Phone, "客户咨询订单 KF202611150002 的物流进度，已告知预计两天内送达。", 3), (ContactChannel.Email, "客户来信询问发票开具方式，已回复电子发票流程。", 10)]),
            ("李娜", "13987654321", "lina@example.com", "曾反映物流延迟。",
                [("KF202610200003", 89.90m, 34)],
                [(ContactChannel.Phone, "客户表示对物流延迟不满，已承诺 24 小时内回电说明原因。", 1)]),
            ("王芳", "15011112222", null, "",
                [("KF202611180004", 4599.00m, 5), ("KF202609300005", 59.00m, 54)],
                [(ContactChannel.Web, "客户通过在线表单提交售后维修申请。", 4)]),
            ("刘洋", "18600001111", "liuyang@example.com", "企业客户联系人。",
                [("KF202611200006", 15800.00m, 3)],
                []),
            ("陈静", "13700002222", "chenjing@example.com", "",
                [("KF202611210007", 199.00m, 2)],
                [(ContactChannel.Chat, "客户在线咨询退款到账时间，已说明 3-5 个工作日。", 2)]),
            ("杨磊", "13600003333", null, "客户要求仅在工作日联系。",
                [("KF202610050008", 699.00m, 49)],
                []),
        };

        var agent = await db.Users.SingleAsync(u => u.UserName == "agent", cancellationToken);
        foreach (var (name, phone, email, note, orders, contacts) in customers)
        {
            var customer = new Customer { Id = Ids.New(), Name = name, Email = email };
            customer.SetPhones([phone]);
            customer.SetNote(note);
            customer.Orders.AddRange(orders.Select(o => new CustomerOrder { Id = Ids.New(), CustomerId = customer.Id, Number = o.Number, Amount = o.Amount, PlacedAt = now.AddDays(-o.DaysAgo) }));
            customer.Contacts.AddRange(contacts.Select(c => new ContactRecord
            {
                Id = Ids.New(),
                CustomerId = customer.Id,
                At = now.AddDays(-c.DaysAgo),
                Channel = c.Channel,
                Direction = ContactDirection.Inbound,
                Summary = c.Summary,
                AgentId = agent.Id,
                AgentName = agent.DisplayName,
            }));
            db.Customers.Add(customer);
        }

        foreach (var (userName, skills) in Features.Calls.CallCenterDefaults.DemoAgents)
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName, cancellationToken);
            db.Add(new Features.Calls.AgentPresence { UserName = userName, UserId = user.Id, Skills = skills, StateSince = now });
        }

        await db.SaveChangesAsync(cancellationToken);
        await SeedComplaintsAsync(scope.ServiceProvider, db, clock, cancellationToken);
        await Features.Knowledge.KnowledgeDemoArticles.SeedAsync(db, clock, cancellationToken);
    }

    /// <summary>A few complaints at different steps, so the queues, the workspace and the approval inbox show something.</summary>
    private static async Task SeedComplaintsAsync(IServiceProvider services, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var rules = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ComplaintRules>>().Value;
        var agentUser = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "agent", cancellationToken);
        var agent = new Actor(agentUser.Id, "agent", agentUser.DisplayName);
        var afterSales = await db.Departments.AsNoTracking().Where(d => d.Code == "AFTERSALES").Select(d => d.Id).SingleAsync(cancellationToken);
        async Task<Guid> Customer(string name) => await db.Customers.AsNoTracking().Where(c => c.Name == name).Select(c => c.Id).SingleAsync(cancellationToken);
        async Task<Guid> Version(Guid id) => await db.Complaints.AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).SingleAsync(cancellationToken);

        await CreateComplaint.HandleAsync(db, new CreateComplaint.Request(await Customer("张伟"), ComplaintChannel.Phone, "REFUND-DELAY", ComplaintSeverity.High,
            ComplaintUrgency.High, "客户来电称退款申请已通过 7 天仍未到账，情绪激动，要求今天给出明确答复。", null), agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();

        var delayed = await CreateComplaint.HandleAsync(db, new CreateComplaint.Request(await Customer("李娜"), ComplaintChannel.Phone, "LOGISTICS-DELAY", ComplaintSeverity.Medium,
            ComplaintUrgency.Normal, "订单 KF202610200003 承诺三天送达，已超过一周未收到，客户要求尽快送达并说明原因。", null), agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await StepRecords.RecordPreAssessmentAsync(db, delayed.Id, await Version(delayed.Id),
            new StepRecords.PreAssessment("物流超时未送达，客户担心包裹丢失", "安抚情绪，确认诉求，承诺 24 小时内回复处理结果", "物流时效承诺以发货后计算", false, null), agent, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await ComplaintActions.AdvanceAsync(db, delayed.Id, null, agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();

        var repair = await CreateComplaint.HandleAsync(db, new CreateComplaint.Request(await Customer("王芳"), ComplaintChannel.Web, "REPAIR", ComplaintSeverity.Medium,
            ComplaintUrgency.Normal, "笔记本送修两次仍无法充电，第一次送修时前台未收适配器，客户要求赔偿误工损失。", null), agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await StepRecords.RecordPreAssessmentAsync(db, repair.Id, await Version(repair.Id),
            new StepRecords.PreAssessment("两次送修未解决充电问题", "核实两次送修经过并确认客户诉求", "前台收机须核对配件", true, "已咨询维修站站长"), agent, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await ComplaintActions.AdvanceAsync(db, repair.Id, null, agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow().UtcDateTime;
        await StepRecords.RecordFactsAsync(db, repair.Id, await Version(repair.Id), new StepRecords.Facts(true, "11-05 首次送修，11-12 再次送修", "维修站", "前台实习工程师、检测工程师",
            "首次送修未收适配器，故障未复现", "两次往返维修站，影响工作", "送修单两张", "客户情绪不满", ["赔偿误工损失", "彻底修好充电问题"], true, now.AddHours(24), "客户手机",
            "问题：两次送修仍无法充电；核查：首次未收适配器，二次检测为适配器故障；结果：已修复适配器"), agent, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await ComplaintActions.AdvanceAsync(db, repair.Id, null, agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await StepRecords.RecordResponsibilityAsync(db, repair.Id, await Version(repair.Id), new StepRecords.Responsibility(
            [new StepRecords.Finding(FindingSide.Company, "前台实习人员未按规定留下适配器，导致首次维修未解决问题", afterSales, "前台实习工程师", "送修须知：收机须核对主机及配件")],
            "收机流程未执行配件核对", ResponsibilityVerdict.CompanyLiable), agent, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await ComplaintActions.AdvanceAsync(db, repair.Id, null, agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();
        await StepRecords.RecordPlanAsync(db, repair.Id, await Version(repair.Id), new StepRecords.Plan(PlanKind.Compensation, "赔付误工补偿并延长保修三个月",
            "承担二次送修的误工损失", "最多赔付 800 元", 800m, "CNY", agentUser.Id, now.AddDays(2), "客户接受赔付并确认问题解决"), agent, rules, clock, cancellationToken);
        db.ChangeTracker.Clear();
    }
}
