using System.Threading.RateLimiting;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// The public complaint form (no login): the customer gets a case number and a tracking link. The customer is
/// matched by phone number or created; personal data rules apply as for staff input.
/// </summary>
public static class PublicIntake
{
    public sealed record Submission(string? Name, string? Phone, string? Email, string? OrderNumber, string? Category, string? Description);

    public sealed record Receipt(Guid Id, string Number, string TrackingToken);

    public static async Task<Receipt> SubmitAsync(IServiceProvider services, KefuDbContext db, Submission input, IReadOnlyList<Attachments.Upload> files,
        ComplaintRules rules, AttachmentOptions attachmentOptions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Required("name", input.Name, 100).NoPii("name", input.Name)
            .Required("phone", input.Phone, 30).NoPii("phone", input.Phone)
            .MaxLength("email", input.Email, 254).NoPii("email", input.Email)
            .MaxLength("orderNumber", input.OrderNumber, 40).NoPii("orderNumber", input.OrderNumber)
            .Required("category", input.Category, 64)
            .Required("description", input.Description, 4000);
        if (!string.IsNullOrWhiteSpace(input.Phone) && !PhoneNumbers.IsValid(input.Phone))
        {
            errors.Add("phone", "must be a phone number of 5 to 20 digits");
        }

        if (files.Count > attachmentOptions.MaxFilesPerUpload)
        {
            errors.Add("files", $"at most {attachmentOptions.MaxFilesPerUpload} files");
        }

        errors.ThrowIfAny();
        var category = await CreateComplaint.ResolveCategoryAsync(db, input.Category!, cancellationToken)
            ?? throw FieldValidationException.For("category", "must be one of the listed categories");
        var owner = await IntakeOwnerAsync(services, db, rules, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        // Check the files before anything is stored: a bad file must not leave a half-made complaint behind.
        var complaintId = Ids.New();
        var checkedFiles = files.Count == 0 ? [] : await Attachments.ReadAsync(files, complaintId, 0, "PublicForm", input.Name!.Trim(), attachmentOptions, now, cancellationToken);

        var phone = PhoneNumbers.Normalize(input.Phone!);
        var customer = await db.Customers.Include(c => c.Phones).FirstOrDefaultAsync(c => c.Phones.Any(p => p.Number == phone), cancellationToken);
        if (customer is null)
        {
            customer = new Customer { Id = Ids.New(), Name = input.Name!.Trim(), Email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim() };
            customer.SetPhones([phone]);
            db.Customers.Add(customer);
        }

        var description = input.Description!.Trim();
        if (!string.IsNullOrWhiteSpace(input.OrderNumber))
        {
            description += $"\n订单号：{input.OrderNumber.Trim()}";
        }

        var actor = new Actor(null, "public-form", input.Name!.Trim() + "（客户）");
        var complaint = new Complaint
        {
            Id = complaintId,
            Number = CreateComplaint.NewNumber(now),
            CustomerId = customer.Id,
            Channel = ComplaintChannel.Web,
            CategoryId = category.Id,
            Severity = ComplaintSeverity.Medium,
            Urgency = ComplaintUrgency.Normal,
            Summary = ComplaintStore.Text(errors, "description", description)!,
            OwnerId = owner.Id,
            OwnerDepartmentId = owner.DepartmentId,
        };
        complaint.Record("created", "经在线表单受理投诉：" + complaint.Summary, actor, now);
        await CreateComplaint.FlagRepeatAsync(db, complaint, rules, actor, now, cancellationToken);

        if (checkedFiles.Count > 0)
        {
            complaint.Record("evidence", "客户上传凭证：" + string.Join("、", checkedFiles.Select(f => f.Row.FileName)), actor, now);
        }

        db.Complaints.Add(complaint);
        foreach (var (row, content) in checkedFiles)
        {
            db.Add(row);
            db.Add(content);
        }

        db.ContactRecords.Add(new ContactRecord
        {
            Id = Ids.New(),
            CustomerId = customer.Id,
            At = now,
            Channel = ContactChannel.Web,
            Direction = ContactDirection.Inbound,
            Summary = $"客户通过在线表单提交投诉 {complaint.Number}",
            Reference = "complaint:" + complaint.Number,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new Receipt(complaint.Id, complaint.Number, complaint.TrackingToken);
    }

    /// <summary>Owner of complaints that arrive without staff (public form, e-mail): Kefu:Complaints:IntakeOwner, else the first active Supervisor.</summary>
    internal static async Task<KefuUser> IntakeOwnerAsync(IServiceProvider services, KefuDbContext db, ComplaintRules rules, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(rules.IntakeOwner))
        {
            var named = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == rules.IntakeOwner && u.IsActive, cancellationToken);
            if (named is not null)
            {
                return named;
            }
        }

        var supervisors = await services.GetRequiredService<UserManager<KefuUser>>().GetUsersInRoleAsync(KefuRoles.Supervisor);
        return supervisors.Where(u => u.IsActive).OrderBy(u => u.UserName, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new ConflictException("No one can own complaints from the public form or e-mail: set Kefu:Complaints:IntakeOwner or create a Supervisor.");
    }

    /// <summary>What the customer sees on the tracking page: no internal notes, only progress they can act on.</summary>
    public sealed record Tracking(string Number, string Status, DateTime CreatedAt, DateTime? PromisedReplyAt, DateTime? ClosedAt, IReadOnlyList<(DateTime At, string Text)> Progress);

    public static async Task<Tracking?> TrackAsync(KefuDbContext db, string number, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        var complaint = await db.Complaints.AsNoTracking().Include(c => c.Timeline)
            .SingleOrDefaultAsync(c => c.Number == number.Trim().ToUpper(), cancellationToken);

        // Same answer for a wrong number and a wrong token: the link is the only key.
        if (complaint is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(complaint.TrackingToken), System.Text.Encoding.ASCII.GetBytes(token.Trim())))
        {
            return null;
        }

        var progress = complaint.Timeline
            .Where(e => e.Kind is "created" or "advanced" or "reply-promised" or "reopened" or "return-visit")
            .OrderBy(e => e.At)
            .Select(e => (e.At, CustomerText(e)))
            .ToList();
        return new Tracking(complaint.Number, StatusFor(complaint.Step), complaint.CreatedAt, complaint.PromisedReplyAt, complaint.ClosedAt, progress);
    }

    public static string StatusFor(ComplaintStep step) => step switch
    {
        ComplaintStep.PreAssessment => "已受理，等待客服联系",
        ComplaintStep.FactFinding => "正在核实情况",
        ComplaintStep.Responsibility or ComplaintStep.Plan => "正在制定处理方案",
        ComplaintStep.Execution => "正在处理",
        ComplaintStep.Review => "处理完毕，正在总结",
        ComplaintStep.Closed => "已结案",
        _ => step.ToString(),
    };

    private static string CustomerText(ComplaintEvent e) => e.Kind switch
    {
        "created" => "投诉已受理",
        "reply-promised" => "客服已承诺回复时间",
        "reopened" => "投诉已重新处理",
        "return-visit" => "客服已回访",
        _ => e.Text.Contains("已结案", StringComparison.Ordinal) ? "投诉已结案" : "处理进度更新：" + e.Text.Split('→').Last().Trim().TrimStart('1', '2', '3', '4', '5', '6', ' '),
    };

    /// <summary>Per-address limit on public submissions (abuse protection), shared by every request of this instance.</summary>
    public sealed class SubmissionLimiter(ComplaintRules rules) : IDisposable
    {
        private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, rules.PublicSubmissionsPer10Minutes),
                Window = TimeSpan.FromMinutes(10),
                QueueLimit = 0,
            }));

        public bool TryAcquire(string? address) => TryAcquire(address, out _);

        /// <summary>Takes one submission from the address's allowance; when none is left, says how long until the window renews.</summary>
        public bool TryAcquire(string? address, out TimeSpan retryAfter)
        {
            using var lease = limiter.AttemptAcquire(address ?? "unknown");
            retryAfter = lease.IsAcquired ? TimeSpan.Zero
                : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(10);
            return lease.IsAcquired;
        }

        public void Dispose() => limiter.Dispose();
    }


}
