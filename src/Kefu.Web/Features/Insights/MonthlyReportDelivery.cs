using Kefu.Web.Data;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Complaints.Mail;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kefu.Web.Features.Insights;

/// <summary>Who gets the monthly service report by e-mail, and when (<c>Kefu:Reports:*</c>).</summary>
public sealed class ReportOptions
{
    public const string Section = "Kefu:Reports";

    /// <summary>E-mail addresses of the monthly report; empty: the report is not mailed.</summary>
    public List<string> MonthlyRecipients { get; set; } = [];

    /// <summary>Day of the month (China time) from which last month's report goes out.</summary>
    public int MonthlySendDay { get; set; } = 1;

    /// <summary>Hour of that day (China time).</summary>
    public int MonthlySendHour { get; set; } = 8;
}

/// <summary>One scheduled report sent (or being sent): the row makes it once across instances.</summary>
public sealed class ReportDelivery : INotAudited
{
    /// <summary>e.g. "monthly:2026-10".</summary>
    public required string Key { get; set; }

    public DateTime ClaimedAt { get; set; }
    public required string ClaimedBy { get; set; }
    public DateTime? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public string? Recipients { get; set; }
}

internal sealed class ReportDeliveryConfiguration : IEntityTypeConfiguration<ReportDelivery>
{
    public void Configure(EntityTypeBuilder<ReportDelivery> builder)
    {
        builder.ToTable("ReportDeliveries");
        builder.HasKey(d => d.Key);
        builder.Property(d => d.Key).HasMaxLength(40);
        builder.Property(d => d.ClaimedBy).HasMaxLength(100);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.Property(d => d.Recipients).HasMaxLength(2000);
    }
}

/// <summary>
/// Mails last month's service report (PDF and Excel) to the configured recipients once the send time has come. The delivery
/// row is claimed first (insert, or take over a claim older than the lease when a sender died), so with several instances
/// exactly one sends; a failed send is retried on the next run.
/// </summary>
public static class MonthlyReportDelivery
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    public static async Task<bool> SendDueAsync(IServiceProvider services, string instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var options = provider.GetRequiredService<IOptions<ReportOptions>>().Value;
        var mail = provider.GetService<IMailSender>();
        var mailOptions = provider.GetRequiredService<IOptions<MailOptions>>().Value;
        if (options.MonthlyRecipients.Count == 0 || mail is null || !mailOptions.CanSend)
        {
            return false;
        }

        var clock = provider.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow().UtcDateTime;
        var china = ComplaintTime.ToChina(now);
        var sendFrom = new DateTime(china.Year, china.Month, Math.Clamp(options.MonthlySendDay, 1, 28), Math.Clamp(options.MonthlySendHour, 0, 23), 0, 0, DateTimeKind.Unspecified);
        if (china < sendFrom)
        {
            return false;
        }

        var month = china.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var key = "monthly:" + month;
        var db = provider.GetRequiredService<KefuDbContext>();
        if (!await ClaimAsync(db, key, instance, now, cancellationToken))
        {
            return false;
        }

        try
        {
            var report = await MonthlyReport.BuildAsync(db, month, clock, provider.GetRequiredService<IOptions<CallTargets>>().Value,
                provider.GetRequiredService<IOptions<KpiOptions>>().Value, provider.GetRequiredService<IOptions<SurveyOptions>>().Value, cancellationToken);
            var message = new MimeMessage { Subject = $"客服中心月度服务报告（{month}）" };
            message.From.Add(new MailboxAddress(mailOptions.FromName, mailOptions.FromAddress!)); // CanSend checked it
            foreach (var recipient in options.MonthlyRecipients)
            {
                message.To.Add(MailboxAddress.Parse(recipient));
            }

            var body = new BodyBuilder
            {
                TextBody = $"附件为 {month} 的客服中心月度服务报告（PDF 与 Excel）：来电 {report.Calls.Counts.Offered} 通，接通 {report.Calls.Counts.Answered} 通；"
                    + $"新增投诉 {report.Complaints.Measures.Created} 件，结案 {report.Complaints.Measures.Closed} 件。",
            };
#pragma warning disable CA1849 // the bytes are in memory already: adding them does no I/O
            body.Attachments.Add($"kefu-monthly-{month}.pdf", MonthlyReport.RenderPdf(report), new ContentType("application", "pdf"));
            body.Attachments.Add($"kefu-monthly-{month}.xlsx", await MonthlyReport.RenderXlsxAsync(report, cancellationToken),
                new ContentType("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
#pragma warning restore CA1849
            message.Body = body.ToMessageBody();
            await mail.SendAsync(message, cancellationToken);
            await db.Set<ReportDelivery>().Where(d => d.Key == key && d.ClaimedBy == instance)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.SentAt, now).SetProperty(d => d.LastError, (string?)null)
                    .SetProperty(d => d.Recipients, string.Join(", ", options.MonthlyRecipients)), cancellationToken);
            return true;
        }
        catch (Exception e) when (e is MailDeliveryException or InvalidOperationException or FormatException or ParseException)
        {
            // Give the claim back at once so the next run (here or elsewhere) retries.
            var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            await db.Set<ReportDelivery>().Where(d => d.Key == key && d.ClaimedBy == instance)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastError, error).SetProperty(d => d.ClaimedAt, DateTime.UnixEpoch), cancellationToken);
            throw;
        }
    }

    /// <summary>Takes the delivery: a new row, or an unsent row whose claim is older than the lease. Only one caller wins.</summary>
    private static async Task<bool> ClaimAsync(KefuDbContext db, string key, string instance, DateTime now, CancellationToken cancellationToken)
    {
        var existing = await db.Set<ReportDelivery>().AsNoTracking().SingleOrDefaultAsync(d => d.Key == key, cancellationToken);
        if (existing is null)
        {
            db.Add(new ReportDelivery { Key = key, ClaimedBy = instance, ClaimedAt = now, Attempts = 1 });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return false; // another instance inserted it first
            }
        }

        if (existing.SentAt is not null)
        {
            return false;
        }

        var staleBefore = now - Lease;
        var taken = await db.Set<ReportDelivery>().Where(d => d.Key == key && d.SentAt == null && d.ClaimedAt < staleBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedBy, instance).SetProperty(d => d.ClaimedAt, now).SetProperty(d => d.Attempts, d => d.Attempts + 1),
                cancellationToken);
        return taken == 1;
    }
}
