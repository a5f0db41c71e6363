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

        await db.SaveChangesAsync(cancellationToken);
    }
}
