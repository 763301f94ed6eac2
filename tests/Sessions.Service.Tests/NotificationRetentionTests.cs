using System.Globalization;
using System.Text;
using Sessions.Grains.Notifications;
using Sessions.Service.Notifications;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>
/// Notification retention in every storage mode: finished deliveries created before the cutoff go with their records,
/// and outbox rows every subscription has read past; pending deliveries, recent ones and rows a dispatcher has not read
/// yet stay, and the deliveries still list and read as before.
/// </summary>
public sealed class NotificationRetentionTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset Old = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset Recent = Old.AddDays(9);
    private static readonly DateTimeOffset Cutoff = Old.AddDays(3);

    [Fact]
    public async Task MemoryPrunesOldFinishedDeliveriesAndPassedOutboxRows()
    {
        var clock = new Clock();
        await AssertPrunesAsync(new InMemoryNotificationStore(clock), clock);
    }

    [Fact]
    public async Task SqlitePrunesOldFinishedDeliveriesAndPassedOutboxRows()
    {
        using var folder = new TempDirectory("retention");
        await AssertPrunesAsync("sqlite", folder.SqliteConnectionString);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresPrunesOldFinishedDeliveriesAndPassedOutboxRows() =>
        await AssertPrunesAsync("postgres", await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken));

    private static async Task AssertPrunesAsync(string mode, string connectionString)
    {
        await using var storage = await MigratedStorage.OpenAsync(mode, connectionString);
        var clock = new Clock();
        await AssertPrunesAsync(new AdoNetNotificationStore(storage.DataSource, storage.Settings, storage.Gate, clock), clock);
    }

    private static async Task AssertPrunesAsync(INotificationStore store, Clock clock)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var subscription = new Subscription("sub_1", "n", "https://example.com/h", "session", [], null, false, false, null, "whsec_AAAA", null, null, Old.AddHours(-1));
        await store.SaveSubscriptionAsync(subscription);

        // Four entities in four shards: delivered (a), failed (b), still pending (c), all old; and a recent one (d).
        var ids = Enumerable.Range(0, 100).Select(n => $"s-{n}").DistinctBy(id => OutboxEntry.ShardOf(Key(id))).Take(4).ToList();
        clock.Now = Old;
        var (a, finishedA) = await DeliverAsync(store, subscription, ids[0], DeliveryStatus.Succeeded, passed: true);
        var (b, finishedB) = await DeliverAsync(store, subscription, ids[1], DeliveryStatus.Failed, passed: false);
        var (c, pending) = await DeliverAsync(store, subscription, ids[2], DeliveryStatus.Pending, passed: true);
        clock.Now = Recent;
        var (d, recent) = await DeliverAsync(store, subscription, ids[3], DeliveryStatus.Succeeded, passed: true);

        // A subscription created after the old rows were stored never reads them, so it does not keep them.
        await store.SaveSubscriptionAsync(subscription with { Id = "sub_2", CreatedAt = Old.AddDays(1) });

        // At most one delivery and one outbox row per batch, as the janitor goes, until nothing is left to remove.
        var removed = 0;
        while (await store.PruneAsync(Cutoff, 1, cancellationToken) is > 0 and var batch)
        {
            Assert.InRange(batch, 1, 2);
            removed += batch;
        }

        Assert.Equal(4, removed);
        var listed = await store.ListDeliveriesAsync("sub_1", null, null, 10, cancellationToken);
        Assert.Equal([recent.Id, pending.Id], listed.Select(x => x.Id));
        Assert.Null(await store.GetDeliveryAsync("sub_1", finishedA.Id, cancellationToken));
        Assert.Null(await store.GetDeliveryAsync("sub_1", finishedB.Id, cancellationToken));
        Assert.Equal(pending.Body, (await store.GetDeliveryAsync("sub_1", pending.Id, cancellationToken))?.Body);
        Assert.Equal(pending.Id, Assert.Single(await store.ListPendingAsync("sub_1", pending.Shard, 10, cancellationToken)).Id);
        Assert.Equal(1, (await store.BacklogAsync(cancellationToken))["sub_1"]);

        // The outbox keeps the row its dispatcher has not passed and the recent one; the delivered records go with their deliveries.
        var outbox = new List<long>();
        for (var shard = 0; shard < OutboxEntry.Shards; shard++)
        {
            outbox.AddRange((await store.ReadOutboxAsync(shard, 0, DateTimeOffset.UnixEpoch, 100, cancellationToken)).Select(r => r.Seq));
        }

        Assert.Equal([b.Seq, d.Seq], outbox.Order());
        Assert.Equal([c.Seq, d.Seq], (await store.DeliveredSeqsAsync("sub_1", [a.Seq, b.Seq, c.Seq, d.Seq], cancellationToken)).Order());
    }

    /// <summary>Stores a change of <paramref name="id"/> now and its delivery with <paramref name="status"/>; the cursor passes it when <paramref name="passed"/>.</summary>
    private static async Task<(OutboxRow Row, Delivery Delivery)> DeliverAsync(
        INotificationStore store, Subscription subscription, string id, DeliveryStatus status, bool passed)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var entry = new OutboxEntry(Key(id), "session.active", "acme", Old, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"));
        await store.AppendOutboxAsync([entry]);
        var row = (await store.ReadOutboxAsync(entry.Shard, 0, DateTimeOffset.UnixEpoch, 100, cancellationToken)).Single(r => r.Entry.EntityKey == entry.EntityKey);
        var delivery = Deliveries.For(subscription, entry.Shard, [row], 100, row.RecordedAt).Single();
        await store.AddDeliveriesAsync(subscription.Id, entry.Shard, passed ? row.Seq : null, [delivery]);
        if (status is not DeliveryStatus.Pending)
        {
            await store.UpdateDeliveryAsync(delivery with { Status = status, Attempts = [new DeliveryAttempt(row.RecordedAt, 200, 3, null)] });
        }

        return (row, delivery);
    }

    private static string Key(string id) => $"session/acme/{id}";

    /// <summary>A clock the test sets.</summary>
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
