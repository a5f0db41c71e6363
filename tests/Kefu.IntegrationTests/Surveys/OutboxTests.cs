using System.Collections.Concurrent;
using Kefu.IntegrationTests.Calls;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.IntegrationTests.Surveys;

/// <summary>Records every send and fails the first attempt of the messages it is told to.</summary>
public sealed class RecordingSender : INotificationSender
{
    public static readonly ConcurrentDictionary<Guid, int> Sent = new();
    public static readonly ConcurrentDictionary<Guid, bool> FailFirst = new();

    public string Channel => NotificationChannels.App;

    public Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (FailFirst.TryRemove(message.Id, out _))
        {
            throw new HttpRequestException("push service unavailable (test)");
        }

        Sent.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>An app (fake clock, jobs off) whose app-push channel is the <see cref="RecordingSender"/>.</summary>
public class OutboxApp : KefuAppFactory
{
    public OutboxApp()
    {
        Clock = new FakeTimeProvider(CallCenterApp.Start);
    }

    internal OutboxApp(TestStore store, DateTimeOffset now)
        : base(store, ownsStore: false)
    {
        Clock = new FakeTimeProvider(now);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddScoped<INotificationSender, RecordingSender>());
    }

    public OutboxDispatcher Dispatcher => Services.GetRequiredService<OutboxDispatcher>();

    public async Task<Guid> EnqueueAsync(bool failFirst = false)
    {
        var message = OutboxMessage.Create(NotificationChannels.App, Guid.NewGuid().ToString(), "测试", "测试推送", "test", Clock!.GetUtcNow().UtcDateTime);
        if (failFirst)
        {
            RecordingSender.FailFirst[message.Id] = true;
        }

        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        db.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    public async Task<OutboxMessage> MessageAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KefuDbContext>().Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id);
    }
}

/// <summary>The outbox: retries with backoff, nothing lost or doubled across a restart, and racing instances.</summary>
public sealed class OutboxTests(OutboxApp app) : IClassFixture<OutboxApp>
{
    [Fact]
    public async Task AFailedSend_IsRetriedAfterTheBackoff_AndThenSentOnce()
    {
        var id = await app.EnqueueAsync(failFirst: true);
        var start = app.Clock!.GetUtcNow().UtcDateTime;

        await app.Dispatcher.SendDueAsync(CancellationToken.None);
        var failed = await app.MessageAsync(id);
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("unavailable", failed.LastError, StringComparison.Ordinal);
        // 30 s base delay with ±20 % jitter.
        Assert.InRange(failed.NextAttemptAt, start.AddSeconds(24), start.AddSeconds(36));

        await app.Dispatcher.SendDueAsync(CancellationToken.None);
        Assert.False(RecordingSender.Sent.ContainsKey(id)); // not due yet

        app.Clock.Advance(TimeSpan.FromSeconds(40));
        await app.Dispatcher.SendDueAsync(CancellationToken.None);
        await app.Dispatcher.SendDueAsync(CancellationToken.None);
        Assert.Equal(1, RecordingSender.Sent[id]);
        var sent = await app.MessageAsync(id);
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.LeaseOwner);
    }

    [Fact]
    public async Task AfterARestart_ASecondAppOnTheSameStore_SendsPendingAndAbandonedMessagesExactlyOnce()
    {
        var retrying = await app.EnqueueAsync(failFirst: true);
        await app.Dispatcher.SendDueAsync(CancellationToken.None); // first attempt fails: pending with a backoff
        var abandoned = await app.EnqueueAsync();
        var now = app.Clock!.GetUtcNow().UtcDateTime;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // An instance claimed this one and died before it could send it.
            await scope.ServiceProvider.GetRequiredService<KefuDbContext>().Set<OutboxMessage>().Where(m => m.Id == abandoned)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, "crashed-instance").SetProperty(m => m.LeaseExpiresAt, now.AddMinutes(5)));
        }

        await using var restarted = new OutboxApp(app.Store, app.Clock.GetUtcNow());
        await restarted.Dispatcher.SendDueAsync(CancellationToken.None);
        Assert.False(RecordingSender.Sent.ContainsKey(retrying));
        Assert.False(RecordingSender.Sent.ContainsKey(abandoned)); // its lease still holds

        restarted.Clock!.Advance(TimeSpan.FromMinutes(6));
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        await restarted.Dispatcher.SendDueAsync(CancellationToken.None);
        await restarted.Dispatcher.SendDueAsync(CancellationToken.None);
        await app.Dispatcher.SendDueAsync(CancellationToken.None);
        Assert.Equal(1, RecordingSender.Sent[retrying]);
        Assert.Equal(1, RecordingSender.Sent[abandoned]);
        Assert.Equal(OutboxStatus.Sent, (await restarted.MessageAsync(abandoned)).Status);
    }

    [Fact]
    public async Task TwoSenderLoopsRacingOnOneStore_SendEachMessageOnce()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await app.EnqueueAsync());
        }

        await using var other = new OutboxApp(app.Store, app.Clock!.GetUtcNow());
        async Task Loop(OutboxDispatcher dispatcher)
        {
            for (var round = 0; round < 10; round++)
            {
                await dispatcher.SendDueAsync(CancellationToken.None);
            }
        }

        await Task.WhenAll(Loop(app.Dispatcher), Loop(other.Dispatcher), Loop(app.Dispatcher), Loop(other.Dispatcher));
        Assert.All(ids, id => Assert.Equal(1, RecordingSender.Sent.GetValueOrDefault(id)));
        foreach (var id in ids)
        {
            Assert.Equal(OutboxStatus.Sent, (await app.MessageAsync(id)).Status);
        }
    }

    [Fact]
    public async Task AMessageThatKeepsFailing_EndsFailed_AndAnAdminRetrySendsIt()
    {
        var id = await app.EnqueueAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KefuDbContext>().Set<OutboxMessage>().Where(m => m.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Failed).SetProperty(m => m.Attempts, 6).SetProperty(m => m.LastError, "gave up"));
        }

        var admin = await app.ClientForAsync("admin");
        var failed = await (await admin.GetAsync("/api/v1/outbox?status=Failed&pageSize=200")).JsonAsync();
        Assert.Contains(failed.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/outbox/{id}/retry", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/outbox/{id}/retry", null)).StatusCode);
        await app.Dispatcher.SendDueAsync(CancellationToken.None);
        Assert.Equal(1, RecordingSender.Sent[id]);
    }

    [Fact]
    public void TheRetryDelay_DoublesPerAttempt_WithinTheJitterAndTheCap()
    {
        var options = new NotificationOptions { RetryBaseSeconds = 30, RetryMaxSeconds = 600 };
        Assert.Equal(TimeSpan.FromSeconds(24), OutboxDispatcher.RetryDelay(1, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(60), OutboxDispatcher.RetryDelay(2, options, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(144), OutboxDispatcher.RetryDelay(3, options, 1));
        Assert.Equal(TimeSpan.FromSeconds(600), OutboxDispatcher.RetryDelay(10, options, 0.5));
    }
}
