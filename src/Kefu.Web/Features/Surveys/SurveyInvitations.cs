using System.Globalization;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Complaints.Mail;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Notifications;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Surveys;

/// <summary>
/// Creates the survey invitation (and the outbox message carrying its link) for what was just saved: a call that ended
/// with the caller's consent, a complaint that reached Closed, a recorded return visit. One per source: a second trigger
/// (a reopened and re-closed complaint, a consent set twice) finds the first invitation and adds nothing.
/// </summary>
public static class SurveyInvitations
{
    /// <summary>What a survey is about and who can be reached.</summary>
    public sealed record Source(string Kind, string Key, string About, string? CallId = null, Guid? ComplaintId = null, Guid? ReturnVisitId = null,
        Guid? CustomerId = null, string? Agent = null, string? Queue = null, string? Phone = null);

    /// <summary>Adds the invitation and its message to <paramref name="db"/> (saved by the caller); null when one exists or nobody can be reached.</summary>
    public static async Task<SurveyInvitation?> InviteAsync(DbContext db, Source source, SurveyOptions options, string baseUrl, string senderName, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (db.ChangeTracker.Entries<SurveyInvitation>().Any(e => e.Entity.SourceKey == source.Key)
            || await db.Set<SurveyInvitation>().AsNoTracking().AnyAsync(i => i.SourceKey == source.Key, cancellationToken))
        {
            return null;
        }

        var customer = source.CustomerId is { } customerId
            ? await db.Set<Customer>().AsNoTracking().Include(c => c.Phones).SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken)
            : null;
        var phone = source.Phone is { Length: > 0 } p && PhoneNumbers.IsValid(p) ? p : customer?.PrimaryPhone;
        if (ChooseChannel(options.Channel, phone, customer?.Email, customer?.Id) is not { } route)
        {
            return null;
        }

        var token = SurveyInvitation.NewToken();
        var invitation = new SurveyInvitation
        {
            Id = Ids.New(),
            Kind = source.Kind,
            SourceKey = source.Key,
            CallId = source.CallId,
            ComplaintId = source.ComplaintId,
            ReturnVisitId = source.ReturnVisitId,
            CustomerId = customer?.Id ?? source.CustomerId,
            Agent = source.Agent,
            Queue = source.Queue,
            Channel = route.Channel,
            CreatedAt = now,
            ExpiresAt = now.AddDays(Math.Max(1, options.ValidDays)),
            TokenHash = SurveyInvitation.HashToken(token),
        };
        var link = LinkFor(baseUrl, token);
        var days = Math.Max(1, options.ValidDays).ToString(CultureInfo.InvariantCulture);
        var text = route.Channel == NotificationChannels.Email
            ? $"您好：\n\n感谢您联系{senderName}。请花一分钟为{source.About}评分，帮助我们改进服务：\n\n{link}\n\n链接 {days} 天内有效，只能提交一次。\n\n{senderName}"
            : $"【{senderName}】感谢您的信任，请为{source.About}评分（1分钟）：{link} {days}天内有效。";
        var message = OutboxMessage.Create(route.Channel, route.Recipient, $"请为{source.About}评分", text, "survey:" + invitation.Id.ToString("N"), now);
        invitation.OutboxMessageId = message.Id;
        db.Add(invitation);
        db.Add(message);
        return invitation;
    }

    /// <summary>The public link of a token: BASE/s/TOKEN.</summary>
    public static string LinkFor(string baseUrl, string token) => (baseUrl ?? "").TrimEnd('/') + "/s/" + token;

    /// <summary>The preferred channel when its address is known, else SMS, else e-mail; null when the customer cannot be reached.</summary>
    public static (string Channel, string Recipient)? ChooseChannel(string preferred, string? phone, string? email, Guid? customerId)
    {
        (string, string)? For(string channel) => channel switch
        {
            NotificationChannels.Sms when !string.IsNullOrWhiteSpace(phone) => (channel, phone),
            NotificationChannels.Email when !string.IsNullOrWhiteSpace(email) => (channel, email),
            NotificationChannels.App when customerId is { } id => (channel, id.ToString()),
            _ => null,
        };

        return For(preferred) ?? For(NotificationChannels.Sms) ?? For(NotificationChannels.Email);
    }

    /// <summary>The sources among the entities about to be saved.</summary>
    internal static async Task<List<Source>> SourcesAsync(DbContext db, SurveyOptions options, CancellationToken cancellationToken)
    {
        var sources = new List<Source>();
        if (options.AfterCalls)
        {
            foreach (var call in db.ChangeTracker.Entries<CallRecord>().Where(e => e.State is EntityState.Added or EntityState.Modified).Select(e => e.Entity))
            {
                if (call.SurveyConsent == true && call.EndedAt is not null && call.AnsweredAt is not null)
                {
                    sources.Add(new Source(SurveyKinds.Call, "call:" + call.Id, "本次通话服务", CallId: call.Id, ComplaintId: call.ComplaintId,
                        CustomerId: call.CustomerId, Agent: call.Agent, Queue: call.Queue, Phone: call.From));
                }
            }
        }

        if (options.AfterComplaints)
        {
            foreach (var entry in db.ChangeTracker.Entries<Complaint>().Where(e => e.State == EntityState.Modified).ToList())
            {
                if (entry.Entity.Step == ComplaintStep.Closed && entry.Property(c => c.Step).OriginalValue != ComplaintStep.Closed)
                {
                    var complaint = entry.Entity;
                    sources.Add(new Source(SurveyKinds.Complaint, "complaint:" + complaint.Id.ToString("N"), $"投诉 {complaint.Number} 的处理",
                        ComplaintId: complaint.Id, CustomerId: complaint.CustomerId, Agent: await UserNameAsync(db, complaint.OwnerId, cancellationToken)));
                }
            }
        }

        if (options.AfterReturnVisits)
        {
            foreach (var visit in db.ChangeTracker.Entries<ReturnVisit>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList())
            {
                var complaint = db.ChangeTracker.Entries<Complaint>().Select(e => e.Entity).FirstOrDefault(c => c.Id == visit.ComplaintId)
                    ?? await db.Set<Complaint>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == visit.ComplaintId, cancellationToken);
                sources.Add(new Source(SurveyKinds.ReturnVisit, "return-visit:" + visit.Id.ToString("N"), complaint is null ? "本次回访" : $"投诉 {complaint.Number} 的回访",
                    ComplaintId: visit.ComplaintId, ReturnVisitId: visit.Id, CustomerId: complaint?.CustomerId,
                    Agent: visit.ById is { } by ? await UserNameAsync(db, by, cancellationToken) : null));
            }
        }

        return sources;
    }

    private static Task<string?> UserNameAsync(DbContext db, Guid userId, CancellationToken cancellationToken) =>
        db.Set<KefuUser>().AsNoTracking().Where(u => u.Id == userId).Select(u => u.UserName).SingleOrDefaultAsync(cancellationToken);
}

/// <summary>Adds survey invitations in the same transaction as the call, complaint or return visit that asks for one.</summary>
internal sealed class SurveyInterceptor(IOptions<SurveyOptions> options, IOptions<MailOptions> mail, TimeProvider clock, OutboxSignal signal) : SaveChangesInterceptor
{
    private bool _added;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await AddAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Wake();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Wake();
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => _added = false;

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        _added = false;
        return Task.CompletedTask;
    }

    private void Wake()
    {
        if (_added)
        {
            _added = false;
            signal.Notify();
        }
    }

    private async Task AddAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null)
        {
            return;
        }

        var o = options.Value;
        var sources = await SurveyInvitations.SourcesAsync(context, o, cancellationToken);
        if (sources.Count == 0)
        {
            return;
        }

        var baseUrl = o.PublicBaseUrl ?? mail.Value.TrackingBaseUrl ?? KefuHost.DefaultUrl;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var source in sources)
        {
            _added |= await SurveyInvitations.InviteAsync(context, source, o, baseUrl, mail.Value.FromName, now, cancellationToken) is not null;
        }
    }
}
