using Kefu.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Web.Features.Calls;

internal sealed class CallRecordConfiguration : IEntityTypeConfiguration<CallRecord>
{
    public void Configure(EntityTypeBuilder<CallRecord> builder)
    {
        builder.ToTable("Calls");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(100);
        builder.Property(c => c.From).HasMaxLength(32);
        builder.Property(c => c.To).HasMaxLength(32);
        builder.Property(c => c.IvrPath).HasMaxLength(40);
        builder.Property(c => c.Queue).HasMaxLength(40);
        builder.Property(c => c.Agent).HasMaxLength(64);
        builder.Property(c => c.RingingAgent).HasMaxLength(64);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.EndedBy).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.IdentityCheck).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.IdentityCheckedWith).HasMaxLength(40);
        builder.Property(c => c.RecordingUri).HasMaxLength(500);
        builder.Property(c => c.Note).HasMaxLength(4000);
        builder.Property(c => c.DispositionBy).HasMaxLength(64);
        builder.Property(c => c.AlternativesOffered).HasMaxLength(500);
        builder.HasIndex(c => c.OfferedAt);
        builder.HasIndex(c => new { c.From, c.OfferedAt });
        builder.HasIndex(c => new { c.Agent, c.OfferedAt });
        builder.HasIndex(c => c.CustomerId);
        builder.HasIndex(c => c.ComplaintId);
        builder.HasIndex(c => c.Status);
    }
}

internal sealed class CtiEventConfiguration : IEntityTypeConfiguration<CtiEvent>
{
    public void Configure(EntityTypeBuilder<CtiEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(120);
        builder.Property(e => e.CallId).HasMaxLength(100);
        builder.Property(e => e.Type).HasMaxLength(32);
        builder.Property(e => e.From).HasMaxLength(32);
        builder.Property(e => e.To).HasMaxLength(32);
        builder.Property(e => e.Digit).HasMaxLength(4);
        builder.Property(e => e.Queue).HasMaxLength(40);
        builder.Property(e => e.Agent).HasMaxLength(64);
        builder.Property(e => e.Target).HasMaxLength(100);
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.Property(e => e.By).HasMaxLength(16);
        builder.Property(e => e.Uri).HasMaxLength(500);
        builder.HasIndex(e => e.CallId);
    }
}

internal sealed class CallTransferConfiguration : IEntityTypeConfiguration<CallTransfer>
{
    public void Configure(EntityTypeBuilder<CallTransfer> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(120);
        builder.Property(t => t.CallId).HasMaxLength(100);
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(t => t.Target).HasMaxLength(100);
        builder.Property(t => t.Reason).HasMaxLength(500);
        builder.Property(t => t.From).HasMaxLength(64);
        builder.HasIndex(t => t.CallId);
    }
}

internal sealed class TranscriptSegmentConfiguration : IEntityTypeConfiguration<TranscriptSegment>
{
    public void Configure(EntityTypeBuilder<TranscriptSegment> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(120);
        builder.Property(t => t.CallId).HasMaxLength(100);
        builder.Property(t => t.Speaker).HasConversion<string>().HasMaxLength(10);
        builder.Property(t => t.Text).HasMaxLength(4000);
        builder.HasIndex(t => new { t.CallId, t.StartSeconds });
    }
}

internal sealed class CallQueueConfiguration : IEntityTypeConfiguration<CallQueue>
{
    public void Configure(EntityTypeBuilder<CallQueue> builder)
    {
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Id).HasMaxLength(40);
        builder.Property(q => q.Name).HasMaxLength(60);
        builder.Property(q => q.Skill).HasMaxLength(40);
        builder.Property(q => q.Strategy).HasConversion<string>().HasMaxLength(16);
        builder.Property(q => q.OverflowQueueId).HasMaxLength(40);
        builder.Property(q => q.WaitPrompt).HasMaxLength(500);
    }
}

internal sealed class HotlineConfiguration : IEntityTypeConfiguration<Hotline>
{
    public void Configure(EntityTypeBuilder<Hotline> builder)
    {
        builder.HasKey(h => h.Id);
        builder.Ignore(h => h.Menu);
        builder.Property(h => h.Number).HasMaxLength(32);
        builder.HasIndex(h => h.Number).IsUnique();
        builder.Property(h => h.Name).HasMaxLength(60);
        builder.Property(h => h.Greeting).HasMaxLength(500);
        builder.Property(h => h.MenuJson).HasMaxLength(20000);
        builder.Property(h => h.OpensAt).HasMaxLength(5);
        builder.Property(h => h.ClosesAt).HasMaxLength(5);
        builder.Property(h => h.OpenDays).HasMaxLength(7);
        builder.Property(h => h.AfterHoursPrompt).HasMaxLength(500);
        builder.Property(h => h.InvalidChoicePrompt).HasMaxLength(500);
        builder.Property(h => h.AfterHoursMode).HasConversion<string>().HasMaxLength(10);
    }
}

internal sealed class AgentPresenceConfiguration : IEntityTypeConfiguration<AgentPresence>
{
    public void Configure(EntityTypeBuilder<AgentPresence> builder)
    {
        builder.HasKey(a => a.UserName);
        builder.Property(a => a.UserName).HasMaxLength(64);
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(10);
        builder.Property(a => a.Skills).HasMaxLength(1000);
        builder.Property(a => a.CurrentCallId).HasMaxLength(100);
        builder.Property(a => a.LastQueueId).HasMaxLength(40);
        builder.HasOne<KefuUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.UserId).IsUnique();
    }
}

internal sealed class CtiCommandConfiguration : IEntityTypeConfiguration<CtiCommand>
{
    public void Configure(EntityTypeBuilder<CtiCommand> builder)
    {
        builder.HasKey(c => c.Seq);
        builder.Property(c => c.Seq).ValueGeneratedOnAdd();
        builder.Property(c => c.CallId).HasMaxLength(100);
        builder.Property(c => c.Type).HasMaxLength(16);
        builder.Property(c => c.Queue).HasMaxLength(40);
        builder.Property(c => c.Agents).HasMaxLength(4000);
        builder.Property(c => c.Prompt).HasMaxLength(4000);
        builder.Property(c => c.Options).HasMaxLength(1000);
    }
}

internal sealed class CallCallbackConfiguration : IEntityTypeConfiguration<CallCallback>
{
    public void Configure(EntityTypeBuilder<CallCallback> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.CallId).HasMaxLength(100);
        builder.Property(c => c.Phone).HasMaxLength(32);
        builder.Property(c => c.Reason).HasMaxLength(1000);
        builder.Property(c => c.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.AssignedTo).HasMaxLength(64);
        builder.Property(c => c.Queue).HasMaxLength(40);
        builder.Property(c => c.DoneBy).HasMaxLength(64);
        builder.Property(c => c.Outcome).HasMaxLength(1000);
        builder.HasIndex(c => new { c.DoneAt, c.CancelledAt, c.DueAt });
        builder.HasIndex(c => c.CallId);
        builder.HasIndex(c => c.FaultNoticeId);
    }
}
