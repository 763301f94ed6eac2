using Microsoft.Extensions.DependencyInjection;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Servers;
using Sessions.Canonical;
using Sessions.Grains.Entities;
using Sessions.Grains.Indexing;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EntityGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task UnknownEntityHasNoSnapshot()
    {
        var grain = fixture.Grains.GetGrain<IServerGrain>(EntityKey.Of("liveswitch", $"gw-{Guid.NewGuid():N}"));

        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task AppliedEventsComeBackInTheSnapshotAndARetryIsADuplicate()
    {
        var id = $"gw-{Guid.NewGuid():N}";
        var grain = fixture.Grains.GetGrain<IServerGrain>(EntityKey.Of("liveswitch", id));
        var started = Events.Server(id, ServerStatus.Started, 0);

        Assert.Equal(TransitionOutcome.Applied, await grain.ApplyAsync(started));
        Assert.Equal(TransitionOutcome.Applied, await grain.ApplyAsync(Events.Server(id, ServerStatus.Registered, 5)));
        Assert.Equal(TransitionOutcome.Duplicate, await grain.ApplyAsync(started));

        var snapshot = await grain.GetAsync();
        Assert.NotNull(snapshot);
        Assert.Equal(("liveswitch", id, ServerStatus.Registered), (snapshot.Provider, snapshot.Id, snapshot.State));
        Assert.Equal(["gateway.started", "gateway.registered"], snapshot.Timeline!.Select(e => e.Type));
    }

    [Fact]
    public async Task EntityFilesItselfInItsIndexShard()
    {
        var (_, _, found) = await FileServerAsync(ServerStatus.Stopped);

        Assert.Equal("stopped", found.Status);
        Assert.Equal(("offline", "stopped"), (found.Facets["health"], found.Facets["healthReason"]));
        Assert.Null(found.Item.Timeline);
    }

    [Fact]
    public async Task ServerLastHeardFromLongAgoIsFiledDownAndSilentByTheShardsClock()
    {
        var (key, _, found) = await FileServerAsync(ServerStatus.Registered);

        // Registered in 2024 and silent since: the event says healthy, the tracker's clock says down.
        Assert.Equal("registered", found.Status);
        Assert.Equal(("down", "silent"), (found.Facets["health"], found.Facets["healthReason"]));
        Assert.Equal((ServerHealth.Down, "silent"), (found.Item.Health, found.Item.HealthReason));
        Assert.Equal((ServerHealth.Healthy, null), ((await fixture.Grains.GetGrain<IServerGrain>(key).GetAsync())!.Health, (string?)null));
    }

    [Fact]
    public async Task FinishedEntityPastRetentionIsRemovedFromStorageAndIndex()
    {
        var testStarted = DateTimeOffset.UtcNow;
        var id = $"gw-{Guid.NewGuid():N}";
        var key = EntityKey.Of("liveswitch", id);
        var grain = fixture.Grains.GetGrain<IServerGrain>(key);
        await grain.ApplyAsync(Events.Server(id, ServerStatus.Started, 0));
        Assert.False(await grain.ExpireAsync(DateTimeOffset.UtcNow.AddDays(1)));
        await grain.ApplyAsync(Events.Server(id, ServerStatus.Stopped, 10));
        var shard = fixture.Grains.GetGrain<IIndexShardGrain<ServerSnapshot>>(IndexShards.KeyFor(EntityKind.Server, key));
        await WaitForAsync(async () => (await shard.ListAsync(new IndexQuery("stopped", "liveswitch", null, null, 1000))).SingleOrDefault(e => e.Id == id));

        // Retention counts from when the tracker saw the entity finish, not from the events' own (older) times.
        Assert.DoesNotContain(key, await shard.ListFinishedAsync(testStarted, null, 1000));
        var cutoff = DateTimeOffset.UtcNow.AddSeconds(1);
        Assert.Contains(key, await shard.ListFinishedAsync(cutoff, null, 1000));

        Assert.True(await grain.ExpireAsync(cutoff));

        Assert.Null(await grain.GetAsync());
        await WaitForAsync(async () =>
            (await shard.ListAsync(new IndexQuery(null, "liveswitch", null, null, 1000))).Any(e => e.Id == id) ? null : (bool?)true);
        Assert.DoesNotContain(key, await shard.ListFinishedAsync(cutoff, null, 1000));
    }

    [Fact]
    public async Task AnEntityComesBackWholeFromItsSnapshotAndTheJournalAfterIt()
    {
        // An entity whose snapshot points are versions 3 and 6 (SnapshotSchedule: no shift), so its last snapshot is
        // two events before the end, and the entries after it are replayed.
        var id = Enumerable.Range(0, 1000).Select(_ => $"gw-{Guid.NewGuid():N}")
            .First(candidate => SnapshotSchedule.Phase(EntityKey.Of("liveswitch", candidate), ClusterFixture.SnapshotEvery) == 0);
        var key = EntityKey.Of("liveswitch", id);
        var grain = fixture.Grains.GetGrain<IServerGrain>(key);
        for (var i = 0; i < 8; i++)
        {
            await grain.ApplyAsync(Events.Server(id, i % 2 == 0 ? ServerStatus.Registered : ServerStatus.Unregistered, i));
        }

        var before = await grain.GetAsync();
        await DeactivateAllAsync();

        var after = await grain.GetAsync();
        Assert.NotNull(after);
        Assert.Equal(before!.Timeline!.Select(e => (e.At, e.Type)), after.Timeline!.Select(e => (e.At, e.Type)));
        Assert.Equal(ServerStatus.Unregistered, after.State);

        // Snapshots written behind every few events let the older entries go; the newer ones were replayed.
        var journal = await fixture.Journal.ReadAsync(EntityKind.Server, key, 0, TestContext.Current.CancellationToken);
        Assert.InRange(journal.Count, 2, ClusterFixture.SnapshotEvery);
        Assert.Equal(8, journal[^1].Version);
    }

    [Fact]
    public async Task AVersionAnotherActivationStoredFirstIsReadAndTheEventAppliedOnTopOfIt()
    {
        var id = $"gw-{Guid.NewGuid():N}";
        var key = EntityKey.Of("liveswitch", id);
        var grain = fixture.Grains.GetGrain<IServerGrain>(key);
        await grain.ApplyAsync(Events.Server(id, ServerStatus.Started, 0));

        // As if a second activation (a membership change) had stored version 2 behind this one's back.
        await fixture.Journal.AppendAsync(EntityKind.Server, key,
            new JournalEntry(2, DateTimeOffset.UtcNow, Events.Server(id, ServerStatus.Registered, 5)), request: null);

        Assert.Equal(TransitionOutcome.Applied, await grain.ApplyAsync(Events.Server(id, ServerStatus.Unregistered, 9)));

        var snapshot = await grain.GetAsync();
        Assert.Equal(["gateway.started", "gateway.registered", "gateway.unregistered"], snapshot!.Timeline!.Select(e => e.Type));
        var journal = await fixture.Journal.ReadAsync(EntityKind.Server, key, 0, TestContext.Current.CancellationToken);
        Assert.Equal(3, journal[^1].Version);
    }

    [Fact]
    public async Task ARemovedEntityStaysRemovedAcrossActivationsAndALateEventStartsItAfresh()
    {
        var id = $"gw-{Guid.NewGuid():N}";
        var key = EntityKey.Of("liveswitch", id);
        var grain = fixture.Grains.GetGrain<IServerGrain>(key);
        await grain.ApplyAsync(Events.Server(id, ServerStatus.Started, 0));
        await grain.ApplyAsync(Events.Server(id, ServerStatus.Stopped, 10));
        Assert.True(await grain.ExpireAsync(DateTimeOffset.UtcNow.AddSeconds(1)));
        await DeactivateAllAsync();

        Assert.Null(await grain.GetAsync());
        Assert.False(await grain.ExpireAsync(DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(TransitionOutcome.Applied, await grain.ApplyAsync(Events.Server(id, ServerStatus.Registered, 99)));
        var snapshot = await grain.GetAsync();
        Assert.Equal(["gateway.registered"], snapshot!.Timeline!.Select(e => e.Type));
        var shard = fixture.Grains.GetGrain<IIndexShardGrain<ServerSnapshot>>(IndexShards.KeyFor(EntityKind.Server, key));
        await WaitForAsync(async () => (await shard.ListAsync(new IndexQuery("registered", "liveswitch", null, null, 1000))).SingleOrDefault(e => e.Id == id));
    }

    [Fact]
    public async Task IndexUpdatesPostedOnASiloReachTheirShardInTheOrderPosted()
    {
        var (key, shard, filed) = await FileServerAsync(ServerStatus.Registered);
        var lanes = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IndexLanes>();

        // A newer version filed, then removed: in this order the shard forgets the entity; the other way round, the
        // removal would find nothing newer to remove and the upsert would leave the entity listed.
        lanes.Upsert(filed with { Version = filed.Version + 1, Status = "unregistered" }, notify: false);
        lanes.Remove<ServerSnapshot>(EntityKind.Server, key, filed.Version + 1);

        await WaitForAsync(async () =>
            (await shard.ListAsync(new IndexQuery(null, "liveswitch", null, null, 1000))).Any(e => e.Id == filed.Id) ? null : (bool?)true);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(await shard.ListAsync(new IndexQuery(null, "liveswitch", null, null, 1000)), e => e.Id == filed.Id);
    }

    /// <summary>A new server hears one event with <paramref name="status"/>; returns it once its shard lists it.</summary>
    private async Task<(string Key, IIndexShardGrain<ServerSnapshot> Shard, IndexEntry<ServerSnapshot> Entry)> FileServerAsync(ServerStatus status)
    {
        var id = $"gw-{Guid.NewGuid():N}";
        var key = EntityKey.Of("liveswitch", id);
        await fixture.Grains.GetGrain<IServerGrain>(key).ApplyAsync(Events.Server(id, status, 0));
        var shard = fixture.Grains.GetGrain<IIndexShardGrain<ServerSnapshot>>(IndexShards.KeyFor(EntityKind.Server, key));
        var entry = await WaitForAsync(async () =>
            (await shard.ListAsync(new IndexQuery(null, "liveswitch", null, null, 1000))).SingleOrDefault(e => e.Id == id));
        return (key, shard, entry);
    }

    /// <summary>Every idle activation of the cluster goes; the next call activates from storage.</summary>
    private async Task DeactivateAllAsync() =>
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>Index updates travel behind the entity's answer: poll briefly until the shard has caught up.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("the index shard did not catch up within 5 s");
    }
}
