using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>An agent writes to the customer about a case: the mail carries the case number so that the answer threads back.</summary>
public static class OutboundMail
{
    /// <summary>Subject defaults to "关于您的投诉"; "[TS-…]" is put in front unless the subject already has the number.</summary>
    public sealed record Request(string? Subject, string? Body);

    public static async Task<Complaint> SendAsync(KefuDbContext db, Guid id, Request input, Actor actor, IMailSender? sender, MailOptions mail,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("subject", input.Subject, 200).Required("body", input.Body, 10000);
        errors.ThrowIfAny();
        if (sender is null || !mail.CanSend)
        {
            throw new ServiceUnavailableException("E-mail is not enabled on this server: set Kefu:Mail:Enabled, Kefu:Mail:FromAddress and Kefu:Mail:Smtp:Host.");
        }

        var complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
        complaint.EnsureOpen();
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == complaint.CustomerId, cancellationToken);
        if (string.IsNullOrWhiteSpace(customer.Email))
        {
            throw FieldValidationException.For("email", "the customer has no e-mail address: add one to the customer first");
        }

        if (!MailboxAddress.TryParse(customer.Email.Trim(), out var address) || string.IsNullOrWhiteSpace(address.Address) || !address.Address.Contains('@', StringComparison.Ordinal))
        {
            throw FieldValidationException.For("email", "the customer's e-mail address is not a valid address: correct it on the customer first");
        }

        // Answer the customer's latest mail, so their mail program shows one conversation.
        var lastInbound = await db.Set<ComplaintEmail>().AsNoTracking()
            .Where(e => e.ComplaintId == id && e.Direction == EmailDirection.Inbound && !e.MessageId.StartsWith("sha256:"))
            .OrderByDescending(e => e.At).Select(e => e.MessageId).FirstOrDefaultAsync(cancellationToken);
        var subject = MailText.Subject(complaint.Number, input.Subject);
        var message = MailText.Compose(mail, new MailboxAddress(customer.Name, address.Address), subject, input.Body!.Trim(), clock.GetUtcNow(), lastInbound);

        // Sent before it is recorded: a timeline must never claim a mail the server refused.
        try
        {
            await sender.SendAsync(message, cancellationToken);
        }
        catch (MailDeliveryException e)
        {
            throw new ServiceUnavailableException(e.Message);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var text = MailText.Cut($"发送邮件给客户：{subject}\n{PiiDetector.Mask(input.Body.Trim())}", 3500);
        try
        {
            await RecordAsync(db, complaint, message, text, actor, now, cancellationToken);
        }
        catch (StaleVersionException)
        {
            // The mail is out: record it on the current version rather than lose it because a colleague saved meanwhile.
            db.ChangeTracker.Clear();
            complaint = await ComplaintStore.LoadForWriteAsync(db, id, null, cancellationToken);
            await RecordAsync(db, complaint, message, text, actor, now, cancellationToken);
        }

        return complaint;
    }

    private static async Task RecordAsync(KefuDbContext db, Complaint complaint, MimeMessage message, string text, Actor actor, DateTime now, CancellationToken cancellationToken)
    {
        complaint.Record("email-out", text, actor, now);
        db.Add(InboundMail.Row(MailText.Identify(message), EmailDirection.Outbound, complaint.Id, message.Subject, "sent", now));
        db.ContactRecords.Add(InboundMail.Contact(complaint, ContactDirection.Outbound, $"发送邮件：{PiiDetector.Mask(message.Subject)}", now, actor));
        await ComplaintStore.SaveAsync(db, complaint, cancellationToken);
    }

    /// <summary>One mail of a complaint, as the API lists it.</summary>
    public sealed record EmailView(Guid Id, EmailDirection Direction, DateTime At, string? Subject, string Outcome, string MessageId);

    public static async Task<List<EmailView>> ListAsync(KefuDbContext db, Guid id, CancellationToken cancellationToken)
    {
        if (!await db.Complaints.AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException("Complaint", id);
        }

        var rows = await db.Set<ComplaintEmail>().AsNoTracking().Where(e => e.ComplaintId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        return rows.Select(e => new EmailView(e.Id, e.Direction, e.At, e.Subject, e.Outcome, e.MessageId)).ToList();
    }
}
