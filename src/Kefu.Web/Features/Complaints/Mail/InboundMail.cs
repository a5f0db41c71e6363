using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>
/// A customer's e-mail to the support mailbox. A reply about a case (its number in the subject, or answering a mail
/// we sent for it) joins that complaint's timeline; anything else becomes a new complaint on channel Email, and the
/// customer gets an acknowledgement with the case number. Each Message-Id is handled once, whoever reads it.
/// </summary>
public static class InboundMail
{
    public enum Result
    {
        Created,
        Threaded,

        /// <summary>Read and deliberately left alone: an auto-reply or bounce, our own mail, no sender.</summary>
        Ignored,

        /// <summary>This Message-Id was handled before (a re-delivery, or another instance was first).</summary>
        AlreadyProcessed,
    }

    /// <summary>What became of one message. <paramref name="AcknowledgementError"/> is set when the acknowledgement could not be sent.</summary>
    public sealed record Outcome(Result Result, string MessageId, Guid? ComplaintId = null, string? Number = null, string? AcknowledgementError = null);

    /// <summary>The settings intake works with, read once per poll.</summary>
    public sealed record Settings(MailOptions Mail, ComplaintRules Rules, AttachmentOptions Attachments);

    /// <summary>Timeline text is capped below the column's 4000 characters; the mail itself stays in the mailbox.</summary>
    private const int TimelineBody = 3500;

    /// <summary>A new complaint's summary carries the subject and the start of the body.</summary>
    private const int SummaryBody = 1000;

    public static async Task<Outcome> ProcessAsync(IServiceProvider services, KefuDbContext db, MimeMessage message, IMailSender? sender, Settings settings,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var messageId = MailText.Identify(message);
        if (await db.Set<ComplaintEmail>().AnyAsync(e => e.MessageId == messageId, cancellationToken))
        {
            return new Outcome(Result.AlreadyProcessed, messageId);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var from = message.From.Mailboxes.FirstOrDefault();
        var ignoreReason = from is null || string.IsNullOrWhiteSpace(from.Address) ? "ignored:no-sender"
            : string.Equals(from.Address, settings.Mail.FromAddress, StringComparison.OrdinalIgnoreCase) ? "ignored:own-mail"
            : MailText.IsAutomated(message) ? "ignored:automated"
            : null;
        if (ignoreReason is not null)
        {
            db.Add(Row(messageId, EmailDirection.Inbound, null, message.Subject, ignoreReason, now));
            return await SaveOnceAsync(db, messageId, new Outcome(Result.Ignored, messageId), cancellationToken);
        }

        var complaintId = await FindCaseAsync(db, message, cancellationToken);
        return complaintId is { } id
            ? await ThreadAsync(db, id, message, messageId, from!, settings, now, cancellationToken)
            : await CreateAsync(services, db, message, messageId, from!, sender, settings, clock, cancellationToken);
    }

    /// <summary>The case this mail is about: by the number in its subject, else by a Message-Id it answers.</summary>
    private static async Task<Guid?> FindCaseAsync(KefuDbContext db, MimeMessage message, CancellationToken cancellationToken)
    {
        if (MailText.CaseNumber(message.Subject) is { } number)
        {
            var byNumber = await db.Complaints.AsNoTracking().Where(c => c.Number == number).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken);
            if (byNumber is not null)
            {
                return byNumber;
            }
        }

        var referenced = MailText.ReferencedIds(message);
        if (referenced.Count == 0)
        {
            return null;
        }

        return await db.Set<ComplaintEmail>().AsNoTracking()
            .Where(e => e.ComplaintId != null && referenced.Contains(e.MessageId))
            .OrderByDescending(e => e.At).Select(e => e.ComplaintId).FirstOrDefaultAsync(cancellationToken);
    }

    private static async Task<Outcome> ThreadAsync(KefuDbContext db, Guid complaintId, MimeMessage message, string messageId, MailboxAddress from,
        Settings settings, DateTime now, CancellationToken cancellationToken)
    {
        var complaint = await ComplaintStore.LoadAsync(db, complaintId, cancellationToken);
        var customerEmail = await db.Customers.AsNoTracking().Where(c => c.Id == complaint.CustomerId).Select(c => c.Email).SingleAsync(cancellationToken);
        var actor = CustomerActor(from);

        // Anyone who knows a case number can write about it; the owner should see when the sender is not the customer on file.
        var stranger = !string.Equals(customerEmail?.Trim(), from.Address, StringComparison.OrdinalIgnoreCase)
            ? $"（发件人 {from.Address} 不是客户登记的邮箱）" : "";
        complaint.Record("email-in", Cut($"客户来信{stranger}：{message.Subject}\n{PiiDetector.Mask(MailText.Body(message))}", TimelineBody), actor, now);

        var existing = await db.Set<ComplaintAttachment>().CountAsync(a => a.ComplaintId == complaint.Id, cancellationToken);
        await AddAttachmentsAsync(db, complaint, message, existing, actor, settings.Attachments, now, cancellationToken);

        var closed = complaint.Step == ComplaintStep.Closed ? "（已结案，如需处理请重新打开）" : "";
        db.Add(new Notification { Id = Ids.New(), UserId = complaint.OwnerId, At = now, Text = $"投诉 {complaint.Number} 收到客户来信{closed}", Link = $"/complaints/{complaint.Id}" });
        db.ContactRecords.Add(Contact(complaint, ContactDirection.Inbound, $"客户来信补充投诉 {complaint.Number}", now));
        db.Add(Row(messageId, EmailDirection.Inbound, complaint.Id, message.Subject, "threaded", now));
        try
        {
            await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (await WasProcessedAsync(db, messageId, cancellationToken))
            {
                return new Outcome(Result.AlreadyProcessed, messageId);
            }

            throw;
        }

        return new Outcome(Result.Threaded, messageId, complaint.Id, complaint.Number);
    }

    private static async Task<Outcome> CreateAsync(IServiceProvider services, KefuDbContext db, MimeMessage message, string messageId, MailboxAddress from,
        IMailSender? sender, Settings settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        var category = await CreateComplaint.ResolveCategoryAsync(db, settings.Mail.IntakeCategory, cancellationToken)
            ?? throw new ConflictException($"Kefu:Mail:IntakeCategory '{settings.Mail.IntakeCategory}' names no active complaint category.");
        var owner = await PublicIntake.IntakeOwnerAsync(services, db, settings.Rules, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var customer = await FindOrAddCustomerAsync(db, from, cancellationToken);
        var actor = CustomerActor(from);

        var subject = string.IsNullOrWhiteSpace(message.Subject) ? "（无主题）" : message.Subject.Trim();
        var body = PiiDetector.Mask(MailText.Body(message));
        var errors = new FieldErrors();
        var complaint = new Complaint
        {
            Id = Ids.New(),
            Number = CreateComplaint.NewNumber(now),
            CustomerId = customer.Id,
            Channel = ComplaintChannel.Email,
            CategoryId = category.Id,
            Severity = ComplaintSeverity.Medium,
            Urgency = ComplaintUrgency.Normal,
            Summary = ComplaintStore.Text(errors, "summary", Cut($"{subject}\n{Cut(body, SummaryBody)}", 4000))!,
            OwnerId = owner.Id,
            OwnerDepartmentId = owner.DepartmentId,
        };
        complaint.Record("created", "经邮件受理投诉：" + complaint.Summary, actor, now);
        complaint.Record("email-in", Cut($"客户来信：{subject}\n{body}", TimelineBody), actor, now);
        await CreateComplaint.FlagRepeatAsync(db, complaint, settings.Rules, actor, now, cancellationToken);
        db.Complaints.Add(complaint);
        await AddAttachmentsAsync(db, complaint, message, 0, actor, settings.Attachments, now, cancellationToken);
        db.ContactRecords.Add(Contact(complaint, ContactDirection.Inbound, $"客户来信投诉，登记为 {complaint.Number}", now));
        db.Add(Row(messageId, EmailDirection.Inbound, complaint.Id, message.Subject, "created", now));

        // The acknowledgement's Message-Id is stored with the complaint, so a reply to it threads even if sending is retried later.
        var acknowledgement = settings.Mail.CanSend && sender is not null ? Acknowledgement(settings.Mail, complaint, customer, from, message, clock.GetUtcNow()) : null;
        if (acknowledgement is not null)
        {
            db.Add(Row(MailText.Identify(acknowledgement), EmailDirection.Outbound, complaint.Id, acknowledgement.Subject, "acknowledgement", now));
        }

        var saved = await SaveOnceAsync(db, messageId, new Outcome(Result.Created, messageId, complaint.Id, complaint.Number), cancellationToken);
        if (saved.Result != Result.Created || acknowledgement is null)
        {
            return saved;
        }

        var error = await AcknowledgeAsync(db, complaint, sender!, acknowledgement, clock, cancellationToken);
        return saved with { AcknowledgementError = error };
    }

    /// <summary>Sends the acknowledgement and notes it in the timeline; a failure is noted too, so the owner knows to reach the customer.</summary>
    private static async Task<string?> AcknowledgeAsync(KefuDbContext db, Complaint complaint, IMailSender sender, MimeMessage acknowledgement, TimeProvider clock, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            await sender.SendAsync(acknowledgement, cancellationToken);
            complaint.Record("email-out", $"已发送受理回执邮件：{acknowledgement.Subject}", Actor.System, clock.GetUtcNow().UtcDateTime);
        }
        catch (MailDeliveryException e)
        {
            error = e.Message;
            complaint.Record("email-failed", "受理回执邮件发送失败，请通过其他方式联系客户", Actor.System, clock.GetUtcNow().UtcDateTime);
        }

        try
        {
            await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
        }
        catch (StaleVersionException)
        {
            // Somebody changed the complaint in the meantime; the timeline note is the only thing lost, the mail went out (or not) regardless.
        }

        return error;
    }

    private static MimeMessage Acknowledgement(MailOptions mail, Complaint complaint, Customer customer, MailboxAddress from, MimeMessage original, DateTimeOffset now)
    {
        var tracking = string.IsNullOrWhiteSpace(mail.TrackingBaseUrl) ? ""
            : $"\n查询处理进度：{mail.TrackingBaseUrl.TrimEnd('/')}/track/{complaint.Number}?t={complaint.TrackingToken}\n";
        var body = $"""
            {customer.Name}，您好：

            我们已收到您的来信，并登记为投诉，编号 {complaint.Number}。负责的客服会尽快与您联系。
            如需补充说明或凭证（图片或 PDF），请直接回复本邮件，并保留主题中的编号。
            {tracking}
            {mail.FromName}
            """;
        var originalId = string.IsNullOrWhiteSpace(original.MessageId) ? null : original.MessageId;
        // Answers go where the customer asked for them (Reply-To), else back to the sender.
        var to = original.ReplyTo.Mailboxes.FirstOrDefault(m => !string.IsNullOrWhiteSpace(m.Address))?.Address ?? from.Address;
        var message = MailText.Compose(mail, new MailboxAddress(customer.Name, to), MailText.Subject(complaint.Number, "我们已收到您的投诉"), body, now,
            originalId, original.References);

        // RFC 3834: marks the acknowledgement as automatic, so that other robots do not answer it.
        message.Headers.Add("Auto-Submitted", "auto-replied");
        return message;
    }

    private static async Task<Customer> FindOrAddCustomerAsync(KefuDbContext db, MailboxAddress from, CancellationToken cancellationToken)
    {
        var address = from.Address.Trim();
        var lowered = address.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, MA0011 // translated to SQL lower(); the culture overloads are not translatable
        var customer = await db.Customers.Where(c => c.Email != null && c.Email.ToLower() == lowered)
#pragma warning restore CA1304, CA1311, MA0011
            .OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (customer is not null)
        {
            return customer;
        }

        // The display name is free text from a stranger: masked like any free text before it is stored.
        customer = new Customer { Id = Ids.New(), Name = Cut(PiiDetector.Mask(MailText.SenderName(from)), 100), Email = address.Length > 254 ? address[..254] : address };
        db.Customers.Add(customer);
        return customer;
    }

    /// <summary>
    /// Reads the mail's files: accepted ones (images, PDF, judged by content) are stored as evidence with source Email;
    /// the others are named in the timeline so that the owner can ask for them in another form.
    /// </summary>
    private static async Task AddAttachmentsAsync(KefuDbContext db, Complaint complaint, MimeMessage message, int existing, Actor actor,
        AttachmentOptions options, DateTime now, CancellationToken cancellationToken)
    {
        var accepted = new List<Attachments.Upload>();
        var skipped = new List<string>();
        foreach (var entity in message.BodyParts)
        {
            if (entity is MessagePart)
            {
                skipped.Add("转发的邮件（不作为凭证保存）");
                continue;
            }

            if (entity is not MimePart part || (part is TextPart && !part.IsAttachment))
            {
                continue;
            }

            var name = Attachments.SafeName(part.FileName ?? part.ContentType.Name ?? "attachment");
            using var buffer = new MemoryStream();
            if (part.Content is not null)
            {
                await part.Content.DecodeToAsync(buffer, cancellationToken);
            }

            var bytes = buffer.ToArray();
            if (bytes.Length == 0 || bytes.LongLength > options.MaxBytes)
            {
                skipped.Add($"{name}（超过 {options.MaxBytes / 1024 / 1024} MB 或为空）");
            }
            else if (Attachments.Sniff(bytes) is null)
            {
                skipped.Add($"{name}（只接受图片或 PDF）");
            }
            else if (existing + accepted.Count >= options.MaxFilesPerComplaint)
            {
                skipped.Add($"{name}（已达每个投诉 {options.MaxFilesPerComplaint} 个文件的上限）");
            }
            else
            {
                accepted.Add(new Attachments.Upload(name, bytes.LongLength, () => new MemoryStream(bytes)));
            }
        }

        var stored = new List<string>();
        foreach (var chunk in accepted.Chunk(Math.Max(1, options.MaxFilesPerUpload)))
        {
            var rows = await Attachments.ReadAsync(chunk, complaint.Id, existing + stored.Count, "Email", actor.DisplayName, options, now, cancellationToken);
            foreach (var (row, content) in rows)
            {
                db.Add(row);
                db.Add(content);
                stored.Add(row.FileName);
            }
        }

        if (stored.Count > 0)
        {
            complaint.Record("evidence", "客户邮件附带凭证：" + string.Join("、", stored), actor, now);
        }

        if (skipped.Count > 0)
        {
            complaint.Record("evidence-skipped", "邮件附件未保存：" + string.Join("、", skipped), actor, now);
        }
    }

    /// <summary>Saves; a unique-index violation on the Message-Id means another reader stored this message first.</summary>
    private static async Task<Outcome> SaveOnceAsync(KefuDbContext db, string messageId, Outcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return outcome;
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            if (await WasProcessedAsync(db, messageId, cancellationToken))
            {
                return new Outcome(Result.AlreadyProcessed, messageId);
            }

            throw;
        }
    }

    private static async Task<bool> WasProcessedAsync(KefuDbContext db, string messageId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        return await db.Set<ComplaintEmail>().AsNoTracking().AnyAsync(e => e.MessageId == messageId, cancellationToken);
    }

    internal static ComplaintEmail Row(string messageId, EmailDirection direction, Guid? complaintId, string? subject, string outcome, DateTime at) => new()
    {
        Id = Ids.New(),
        MessageId = messageId,
        Direction = direction,
        ComplaintId = complaintId,
        At = at,
        Subject = string.IsNullOrWhiteSpace(subject) ? null : Cut(PiiDetector.Mask(subject.Trim()), 500),
        Outcome = outcome,
    };

    internal static ContactRecord Contact(Complaint complaint, ContactDirection direction, string summary, DateTime at, Actor? agent = null) => new()
    {
        Id = Ids.New(),
        CustomerId = complaint.CustomerId,
        At = at,
        Channel = ContactChannel.Email,
        Direction = direction,
        Summary = summary,
        AgentId = agent?.Id,
        AgentName = agent?.DisplayName ?? agent?.Name,
        Reference = "complaint:" + complaint.Number,
    };

    private static Actor CustomerActor(MailboxAddress from) => new(null, "email", Cut(PiiDetector.Mask(MailText.SenderName(from)), 58) + "（客户）");

    private static string Cut(string text, int maxLength) => MailText.Cut(text, maxLength);
}
