using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;
using Sessions.Service.Notifications;
using Sessions.Service.Storage;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>
/// The outbox and the notification store in the real databases: notifications are stored with their journal entry and
/// only with it, a dispatcher's deliveries and cursor move together, and an outbox row is delivered once per subscription.
/// </summary>
public sealed class NotificationStoreTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-30T12:00:00.123Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task SqliteStoresNotificationsWithTheirChangeOnly()
    {
        using var folder = new TempDirectory("outbox");
        await AssertStoreAsync("sqlite", folder.SqliteConnectionString);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresStoresNotificationsWithTheirChangeOnly() =>
        await AssertStoreAsync("postgres", await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken));

    private static async Task AssertStoreAsync(string mode, string connectionString)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var settings = StorageSettings.Of(mode, connectionString);
        await using var dataSource = StorageDataSource.Create(settings.Value.Storage.StorageMode, settings.Value.Storage.EffectiveConnectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        var gate = new StorageWriteGate(settings, new StorageWriteHealth(settings, TimeProvider.System));
        await using var commits = new GroupCommit(dataSource, gate, settings);
        var journal = new AdoNetEntityJournal(dataSource, commits, settings);
        var store = new AdoNetNotificationStore(dataSource, settings, gate, TimeProvider.System);

        // Appends with notifications, with and without their request row, share commits; a taken version stores none.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(n => journal.AppendAsync(
            EntityKind.Session, $"acme/s-{n}", Entry(1, $"s-{n}"), n % 2 == 0 ? Request($"s-{n}") : null,
            [Notification($"s-{n}", "session.active"), Notification($"s-{n}", "session.participantJoined")])));
        var taken = journal.AppendAsync(EntityKind.Session, "acme/s-0", Entry(1, "s-0"), Request("loser"), [Notification("s-0", "session.ended")]);
        await Assert.ThrowsAsync<JournalConflictException>(() => taken);
        await journal.AppendAsync(EntityKind.Session, "acme/s-0", Entry(2, "s-0"), request: null);

        var rows = new List<OutboxRow>();
        for (var shard = 0; shard < OutboxEntry.Shards; shard++)
        {
            var mine = await store.ReadOutboxAsync(shard, 0, DateTimeOffset.UnixEpoch, 1000, cancellationToken);
            Assert.All(mine, r => Assert.Equal(shard, r.Entry.Shard));
            rows.AddRange(mine);
        }

        Assert.Equal(40, rows.Count);
        Assert.DoesNotContain(rows, r => r.Entry.Type == "session.ended");
        Assert.Equal(rows.Count, rows.Select(r => r.Seq).Distinct().Count());
        var s3 = rows.Where(r => r.Entry.EntityKey == "session/acme/s-3").OrderBy(r => r.Seq).ToList();
        Assert.Equal(["session.active", "session.participantJoined"], s3.Select(r => r.Entry.Type));
        Assert.Equal("{\"id\":\"s-3\"}", Encoding.UTF8.GetString(s3[0].Entry.Payload));
        Assert.Equal(40, (await store.ReadOutboxSinceAsync(At, 1000, cancellationToken)).Count);
        Assert.Empty(await store.ReadOutboxSinceAsync(At.AddSeconds(1), 1000, cancellationToken));

        // Subscriptions keep their settings and their health apart.
        var subscription = new Subscription("sub_1", "n", "https://example.com/h", "session", [], ["acme"], false, false, null, "whsec_AAAA", null, null, At);
        await store.SaveSubscriptionAsync(subscription);
        await store.RecordOutcomeAsync("sub_1", succeeded: false, At);
        await store.RecordOutcomeAsync("sub_1", succeeded: false, At.AddMinutes(1));
        await store.SaveSubscriptionAsync(subscription with { Name = "renamed" });
        var stored = Assert.Single(await store.ListSubscriptionsAsync(cancellationToken));
        Assert.Equal(("renamed", At, (DateTimeOffset?)null), (stored.Name, stored.FailingSince!.Value, stored.LastSuccessAt));
        Assert.Equal(["acme"], stored.Providers);

        // Deliveries and the cursor move together; a row already delivered fails the whole transaction.
        var shard0 = rows.Where(r => r.Entry.Shard == s3[0].Entry.Shard).OrderBy(r => r.Seq).ToList();
        var first = Deliveries.Of("sub_1", shard0[0].Entry.Shard, [shard0[0]], batch: false, At);
        await store.AddDeliveriesAsync("sub_1", first.Shard, shard0[0].Seq, [first]);
        var again = Deliveries.Of("sub_1", first.Shard, [shard0[0]], batch: false, At);
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddDeliveriesAsync("sub_1", first.Shard, shard0[^1].Seq, [again]));
        Assert.Equal(shard0[0].Seq, await store.ReadCursorAsync("sub_1", first.Shard, cancellationToken));
        Assert.Equal([shard0[0].Seq], await store.DeliveredSeqsAsync("sub_1", [.. shard0.Select(r => r.Seq)], cancellationToken));

        var pending = Assert.Single(await store.ListPendingAsync("sub_1", first.Shard, 10, cancellationToken));
        Assert.Equal(first.Id, pending.Id);
        Assert.Equal(shard0[0].Entry.Payload, pending.Body);
        var attempt = new DeliveryAttempt(At, 503, 12, "the receiver answered 503");
        await store.UpdateDeliveryAsync(pending with { Status = DeliveryStatus.Failed, Attempts = [attempt], NextAttemptAt = null });
        Assert.Empty(await store.ListPendingAsync("sub_1", first.Shard, 10, cancellationToken));
        var failed = Assert.Single(await store.ListDeliveriesAsync("sub_1", DeliveryStatus.Failed, null, 10, cancellationToken));
        Assert.Equal([attempt], failed.Attempts);
        Assert.Empty(await store.ListDeliveriesAsync("sub_1", DeliveryStatus.Succeeded, null, 10, cancellationToken));
        Assert.Empty(await store.ListDeliveriesAsync("sub_1", null, failed.Seq, 10, cancellationToken));
        Assert.Equal(failed.Id, (await store.GetDeliveryAsync("sub_1", first.Id, cancellationToken))?.Id);
        Assert.Empty(await store.BacklogAsync(cancellationToken));

        Assert.True(await store.DeleteSubscriptionAsync("sub_1"));
        Assert.False(await store.DeleteSubscriptionAsync("sub_1"));
        Assert.Empty(await store.ListDeliveriesAsync("sub_1", null, null, 10, cancellationToken));
        Assert.Null(await store.ReadCursorAsync("sub_1", first.Shard, cancellationToken));
    }

    private static OutboxEntry Notification(string id, string type) =>
        new($"session/acme/{id}", type, "acme", At, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"));

    private static JournalEntry Entry(long version, string id) => new(version, At, new CanonicalEvent
    {
        Type = "session.started",
        Provider = "acme",
        Kind = EntityKind.Session,
        EntityId = id,
        OccurredAt = At,
        DedupeKey = $"{id}:{version}",
        Change = new SessionStatusChanged(SessionStatus.Active),
    });

    private static RawWebhook Request(string body) => new(
        0, "standard", "standard", At, new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body), [new EventOutcome("session.started", "session/acme/s", "applied")]);
}
