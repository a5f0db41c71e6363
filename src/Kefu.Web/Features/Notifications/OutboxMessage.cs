using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Notifications;

/// <summary>The channels a message to a customer can go out on.</summary>
public static class NotificationChannels
{
    public const string Sms = "sms";
    public const string App = "app";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [Sms, App, Email];
}

/// <summary>Where an outbox message is.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting for its next attempt (<see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending = 1,
    Sent = 2,

    /// <summary>Gave up after the maximum number of attempts; an Admin may retry it.</summary>
    Failed = 3,
}

/// <summary>
/// One message to a customer (an SMS, an app push, an e-mail), written in the same transaction as the change that
/// caused it and sent later by <see cref="Jobs.OutboxSender"/>. The row is the truth: a restart loses nothing, and the
/// lease (<see cref="LeaseOwner"/> until <see cref="LeaseExpiresAt"/>) keeps two instances from sending it both.
/// </summary>
public sealed class OutboxMessage : INotAudited
{
    public Guid Id { get; set; }

    /// <summary>sms, app or email (<see cref="NotificationChannels"/>).</summary>
    public required string Channel { get; set; }

    /// <summary>A phone number (sms), a customer id (app) or an e-mail address (email).</summary>
    public required string Recipient { get; set; }

    public string? Subject { get; set; }
    public required string Body { get; set; }

    /// <summary>What the message is about, e.g. "survey:GUID" — for finding it, never for sending.</summary>
    public string? Reference { get; set; }

    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>The sender instance that claimed the message for an attempt.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>Until when the claim holds; after it another instance may claim the message (the owner died).</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>A new pending message, due now.</summary>
    public static OutboxMessage Create(string channel, string recipient, string? subject, string body, string? reference, DateTime now)
    {
        if (!NotificationChannels.All.Contains(channel, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "must be sms, app or email");
        }

        return new OutboxMessage
        {
            Id = Ids.New(), Channel = channel, Recipient = recipient, Subject = subject, Body = body, Reference = reference,
            CreatedAt = now, NextAttemptAt = now,
        };
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Channel).HasMaxLength(16);
        builder.Property(m => m.Recipient).HasMaxLength(254);
        builder.Property(m => m.Subject).HasMaxLength(200);
        builder.Property(m => m.Body).HasMaxLength(4000);
        builder.Property(m => m.Reference).HasMaxLength(100);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.Property(m => m.LeaseOwner).HasMaxLength(100);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => m.Reference);
    }
}

/// <summary>A text message the development SMS sink received instead of a real provider (shown at /dev/sms).</summary>
public sealed class DevSmsMessage : INotAudited
{
    public Guid Id { get; set; }
    public Guid OutboxMessageId { get; set; }
    public required string To { get; set; }
    public required string Text { get; set; }
    public DateTime At { get; set; }
}

internal sealed class DevSmsMessageConfiguration : IEntityTypeConfiguration<DevSmsMessage>
{
    public void Configure(EntityTypeBuilder<DevSmsMessage> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.To).HasMaxLength(32);
        builder.Property(m => m.Text).HasMaxLength(4000);
        builder.HasIndex(m => m.At);
        builder.HasIndex(m => m.To);
    }
}
