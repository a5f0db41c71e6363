using System.Security.Cryptography;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>Intake of a complaint from any channel; flags repeats and starts at step 1 投诉预判.</summary>
public static class CreateComplaint
{
    /// <summary>
    /// A new complaint. <c>category</c> is a category id, code (e.g. LOGISTICS) or name (e.g. 物流);
    /// <c>ownerId</c> defaults to the caller. Severity Low/Medium/High/Critical, urgency Low/Normal/High/Urgent (default Normal).
    /// </summary>
    public sealed record Request(Guid? CustomerId, ComplaintChannel? Channel, string? Category, ComplaintSeverity? Severity,
        ComplaintUrgency? Urgency, string? Summary, Guid? OwnerId);

    public static async Task<Complaint> HandleAsync(KefuDbContext db, Request request, Actor actor, ComplaintRules rules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.CustomerId is null)
        {
            errors.Add("customerId", "is required");
        }

        if (request.Channel is not { } channel || !Enum.IsDefined(channel))
        {
            errors.Add("channel", "is required: one of " + string.Join(", ", Enum.GetNames<ComplaintChannel>()));
        }

        if (request.Severity is not { } severity || !Enum.IsDefined(severity))
        {
            errors.Add("severity", "is required: one of " + string.Join(", ", Enum.GetNames<ComplaintSeverity>()));
        }

        if (request.Urgency is { } urgency && !Enum.IsDefined(urgency))
        {
            errors.Add("urgency", "must be one of " + string.Join(", ", Enum.GetNames<ComplaintUrgency>()));
        }

        errors.Required("summary", request.Summary, 4000).Required("category", request.Category, 64);
        errors.ThrowIfAny();

        if (!await db.Customers.AnyAsync(c => c.Id == request.CustomerId, cancellationToken))
        {
            errors.Add("customerId", "must name an existing customer");
        }

        var category = await ResolveCategoryAsync(db, request.Category!, cancellationToken);
        if (category is null)
        {
            errors.Add("category", "must be the id, code or name of an active complaint category");
        }

        var ownerId = request.OwnerId ?? actor.Id;
        var owner = ownerId is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == ownerId && u.IsActive, cancellationToken);
        if (owner is null)
        {
            errors.Add("ownerId", "must name an active staff member (the one accountable owner)");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        var complaint = new Complaint
        {
            Id = Ids.New(),
            Number = NewNumber(now),
            CustomerId = request.CustomerId!.Value,
            Channel = request.Channel!.Value,
            CategoryId = category!.Id,
            Severity = request.Severity!.Value,
            Urgency = request.Urgency ?? ComplaintUrgency.Normal,
            Summary = ComplaintStore.Text(errors, "summary", request.Summary)!,
            OwnerId = owner!.Id,
            OwnerDepartmentId = owner.DepartmentId,
        };

        complaint.Record("created", $"经{Describe(complaint.Channel)}受理投诉：{complaint.Summary}", actor, now);
        await FlagRepeatAsync(db, complaint, rules, actor, now, cancellationToken);

        db.Complaints.Add(complaint);
        await db.SaveChangesAsync(cancellationToken);
        return complaint;
    }

    /// <summary>Seed 001: repeat complaints are special — same customer, same category, within the window.</summary>
    public static async Task FlagRepeatAsync(KefuDbContext db, Complaint complaint, ComplaintRules rules, Actor actor, DateTime now, CancellationToken cancellationToken)
    {
        var since = now.AddDays(-rules.RepeatWindowDays);
        var earlier = await db.Complaints.AsNoTracking()
            .Where(c => c.CustomerId == complaint.CustomerId && c.CategoryId == complaint.CategoryId && c.CreatedAt >= since && c.Id != complaint.Id)
            .OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.Number }).FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            complaint.IsRepeat = true;
            complaint.RepeatOfId = earlier.Id;
            complaint.Record("repeat", $"{rules.RepeatWindowDays} 天内同一客户同类投诉（{earlier.Number}），标记为重复投诉", actor, now);
        }
    }

    public static async Task<ComplaintCategory?> ResolveCategoryAsync(KefuDbContext db, string category, CancellationToken cancellationToken)
    {
        var text = category.Trim();
        var categories = db.ComplaintCategories.AsNoTracking().Where(c => c.IsActive);
        if (Guid.TryParse(text, out var id))
        {
            return await categories.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        }

        var code = text.ToUpperInvariant();
        return await categories.FirstOrDefaultAsync(c => c.Code == code, cancellationToken)
            ?? await categories.FirstOrDefaultAsync(c => c.Name == text, cancellationToken);
    }

    /// <summary>
    /// TS-yyyyMMdd-XXXXXX: readable on the phone, unique by its random part (checked by a unique index). The random
    /// part is hex starting with a letter (A–F): with a digit there, date and suffix read as one 13–14-digit number
    /// that can pass the Luhn check, and the personal-data masking took the case number for a bank card.
    /// </summary>
    public static string NewNumber(DateTime now)
    {
        var random = RandomNumberGenerator.GetBytes(3);
        random[0] = (byte)(0xA0 + (random[0] % 0x60)); // first hex digit A–F, second anything
        return $"TS-{now:yyyyMMdd}-{Convert.ToHexString(random)}";
    }

    public static string Describe(ComplaintChannel channel) => channel switch
    {
        ComplaintChannel.Phone => "电话",
        ComplaintChannel.Email => "邮件",
        ComplaintChannel.Web => "在线表单",
        ComplaintChannel.Chat => "在线聊天",
        ComplaintChannel.InPerson => "现场",
        _ => channel.ToString(),
    };
}
