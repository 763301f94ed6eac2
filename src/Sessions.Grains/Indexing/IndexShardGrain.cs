using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Utilities;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Grains.Notifications;
using Sessions.Grains.Servers;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Indexing;

/// <summary>
/// One shard of one kind's index: a thin grain around the pure <see cref="ShardIndex{TItem}"/>, which files entries and
/// answers lists and counts. Entries arrive from entity grains after each stored change, many to a message (see
/// <see cref="IndexLanes"/>); the grain adds persistence, repair and subscribers. It writes behind, a second after a
/// change (an entry refiled in place, whose event moved only its entity's last event time, within
/// <see cref="InPlaceSaveInterval"/>), and only what changed: each entry is its own row in the <see cref="IIndexStore"/>,
/// so a write costs the changes since the last one, however large the shard. It is derived data: what a crash loses is
/// repaired on the next activation, when the shard asks the entity journal which entities of its kind were written
/// since its own last write (less <see cref="RepairSlack"/> for clocks and messages in flight) and has each of them file
/// itself again. An entity also re-files when it activates and when a provider retries. For retention the shard only
/// lists who is due; it never calls an entity and waits. Time moves entries too (a server falls silent, a session or
/// client never ends): the kind's <see cref="IEntryAging{TItem}"/> is applied to each entry filed, to all of them when
/// the shard loads and, on the write-behind timer, every sweep interval; what it changes is written like any other change, and a status the
/// clock changed is told to subscribers. A change of an entry's <c>health</c> facet, by an event or by the clock, is
/// told to subscribers and stored as a <c>server.health</c> notification (health is judged here, not in the entity's
/// commit). The notification is stored before the entry that shows the new health is written, so a crash in between can
/// only announce a change twice, never lose it: the stored entries hold the health last announced, and the sweep on
/// loading announces what changed since (a server that fell silent while the service was down) as the live sweep would.
/// </summary>
/// <remarks>No <c>[GrainType]</c>: Orleans names generic grains from the class and its type argument, and a pinned
/// name on a generic class stops it from closing the type.</remarks>
public sealed partial class IndexShardGrain<TItem> : Grain, IIndexShardGrain<TItem>
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>How far before the last write the repair looks: covers clock skew between silos and the database, and
    /// updates still travelling to the shard when it wrote.</summary>
    private static readonly TimeSpan RepairSlack = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often entries refiled in place (same status, facets and position: an event that moved only its entity's last
    /// event time, most of a fleet's traffic) are written, rather than every <see cref="FlushInterval"/>: a fleet
    /// whose servers each send an event a second would otherwise rewrite every entry every second (BENCHMARKS.md §7).
    /// Memory holds them at once; storage only matters after a crash, when the repair (which looks back
    /// <see cref="RepairSlack"/>, longer than this) has their entities file again.
    /// </summary>
    private static readonly TimeSpan InPlaceSaveInterval = TimeSpan.FromSeconds(10);

    private readonly IIndexStore _store;
    private readonly Serializer _serializer;
    private readonly IEntityChangeLog _changes;
    private readonly TimeProvider _time;
    private readonly IEntryAging<TItem> _aging;
    private readonly INotificationStore _notifications;
    private readonly DispatcherWakes _wakes;
    private readonly ILogger<IndexShardGrain<TItem>> _logger;
    private readonly ObserverManager<IChangeObserver> _observers;
    private readonly ShardIndex<TItem> _index = new();

    /// <summary>Health changes noticed and not yet stored as notifications, oldest first; no entry is written before they are.</summary>
    private readonly List<OutboxEntry> _unannounced = [];

    /// <summary>When the entries were last written (taken before the write, by the silo's clock); null before the first.</summary>
    private DateTimeOffset? _savedAt;

    /// <summary>When the entries are next put through <see cref="_aging"/>.</summary>
    private DateTimeOffset _nextSweep;

    /// <summary>When entries refiled in place are next written.</summary>
    private DateTimeOffset _nextInPlaceSave;

    public IndexShardGrain(
        IIndexStore store,
        Serializer serializer,
        IEntityChangeLog changes,
        TimeProvider time,
        IEntryAging<TItem> aging,
        INotificationStore notifications,
        DispatcherWakes wakes,
        ILogger<IndexShardGrain<TItem>> logger)
    {
        _store = store;
        _serializer = serializer;
        _changes = changes;
        _time = time;
        _aging = aging;
        _notifications = notifications;
        _wakes = wakes;
        _logger = logger;
        _observers = new ObserverManager<IChangeObserver>(TimeSpan.FromMinutes(1), logger);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ReadAsync(this.GetPrimaryKeyString(), cancellationToken);
        var now = _time.GetUtcNow();
        foreach (var payload in stored.Entries)
        {
            var entry = _serializer.Deserialize<IndexEntry<TItem>>(payload)
                ?? throw new InvalidDataException($"Index shard {this.GetPrimaryKeyString()}: a stored entry reads as null");
            _index.Load(entry);
        }

        _savedAt = stored.SavedAt;
        // The shards of a kind activate together: their first in-place writes are spread over the interval, not in step.
        _nextInPlaceSave = now + (InPlaceSaveInterval * Random.Shared.NextDouble());
        Sweep(now);
        this.RegisterGrainTimer(_ => TickAsync(), FlushInterval, FlushInterval);
        await RepairAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await FlushAsync(inPlaceToo: true);

    public Task FileAsync(IReadOnlyList<IndexUpdate<TItem>> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var now = _time.GetUtcNow();
        foreach (var update in updates)
        {
            if (update.Entry is { } entry)
            {
                Upsert(entry, update.Notify, now);
            }
            else
            {
                _index.Remove(update.Key, update.Version);
            }
        }

        return Task.CompletedTask;
    }

    private void Upsert(IndexEntry<TItem> entry, bool notify, DateTimeOffset now)
    {
        var before = _index.Get(entry.Key);
        var aged = _aging.AsOf(entry, now);
        if (!_index.Upsert(aged))
        {
            return;
        }

        if (notify)
        {
            var notice = new EntityChangeNotice(aged.Kind, aged.Provider, aged.Id, aged.Status, aged.UpdatedAt);
            _observers.Notify(o => o.OnChangeAsync(notice));
        }

        // A refile after activation or a retry is quiet, but a health change is news either way.
        NotifyHealth(before, aged, aged.UpdatedAt);
    }

    public Task<IReadOnlyList<IndexEntry<TItem>>> ListAsync(IndexQuery query) => Task.FromResult(_index.List(query));

    public Task<IndexCounts> CountAsync() => Task.FromResult(_index.Counts());

    public Task<IReadOnlyList<string>> ListFinishedAsync(DateTimeOffset finishedBefore, string? afterKey, int limit) =>
        Task.FromResult(_index.Finished(finishedBefore, afterKey, limit));

    public Task SubscribeAsync(IChangeObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Asks every entity of this shard written since the last save (all of them when the shard was never saved) to file
    /// itself again. The calls are one-way: the updates queue behind this activation and arrive like any other.
    /// </summary>
    private async Task RepairAsync(CancellationToken cancellationToken)
    {
        var since = _savedAt is { } saved ? saved - RepairSlack : DateTimeOffset.MinValue;
        var kind = SnapshotKinds.Of<TItem>();
        var shard = this.GetPrimaryKeyString();
        try
        {
            var keys = await _changes.KeysChangedSinceAsync(kind, since, cancellationToken);
            var mine = keys.Where(key => IndexShards.KeyFor(kind, key) == shard).ToList();
            foreach (var key in mine)
            {
                GrainFactory.GetByKey(kind, key).RefileAsync().Ignore();
            }

            if (mine.Count > 0)
            {
                LogRepair(_logger, shard, mine.Count, since);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The shard still serves what it has; entities re-file when they next hear from their provider.
            LogRepairFailed(_logger, ex, shard);
        }
    }

    /// <summary>The write-behind timer: every sweep interval, first put every entry through the clock.</summary>
    private async Task TickAsync()
    {
        if (_aging.SweepInterval is not null && _time.GetUtcNow() >= _nextSweep)
        {
            Sweep(_time.GetUtcNow());
        }

        await FlushAsync(inPlaceToo: _time.GetUtcNow() >= _nextInPlaceSave);
    }

    /// <summary>Puts every entry through the clock as of <paramref name="now"/>, announcing each status and health change it makes.</summary>
    private void Sweep(DateTimeOffset now)
    {
        _nextSweep = now + (_aging.SweepInterval ?? TimeSpan.Zero);
        foreach (var (before, after) in _index.Reclassify(entry => _aging.AsOf(entry, now)))
        {
            NotifyStatus(before, after, now);
            NotifyHealth(before, after, now);
        }
    }

    /// <summary>The clock ended an entity (a session or client silent for hours): the live stream hears of it like any change.</summary>
    private void NotifyStatus(IndexEntry<TItem> before, IndexEntry<TItem> after, DateTimeOffset at)
    {
        if (after.Status != before.Status)
        {
            var notice = new EntityChangeNotice(after.Kind, after.Provider, after.Id, after.Status, at);
            _observers.Notify(o => o.OnChangeAsync(notice));
        }
    }

    /// <summary>
    /// Tells subscribers when the <c>health</c> facet or its reason differs between <paramref name="before"/> (null: not
    /// filed yet, so nothing to compare) and <paramref name="after"/>; <paramref name="at"/> is the event's time, or the
    /// sweep's when the clock made the change.
    /// </summary>
    private void NotifyHealth(IndexEntry<TItem>? before, IndexEntry<TItem> after, DateTimeOffset at)
    {
        if (before is null || !after.Facets.TryGetValue(ServerStateMachine.HealthFacet, out var health))
        {
            return;
        }

        var previous = before.Facets.GetValueOrDefault(ServerStateMachine.HealthFacet);
        var reason = after.Facets.GetValueOrDefault(ServerStateMachine.HealthReasonFacet);
        if (health == previous && reason == before.Facets.GetValueOrDefault(ServerStateMachine.HealthReasonFacet))
        {
            return;
        }

        var notice = new HealthChangeNotice(after.Kind, after.Provider, after.Id, health, reason, previous, at);
        _observers.Notify(o => o.OnHealthChangeAsync(notice));
        _unannounced.Add(NotificationEvents.About(
            after.Kind, after.Provider, after.Id, EventTypes.ServerHealth, after.Status, after.Status, after.Item, at,
            ("health", health), ("previousHealth", previous), ("healthReason", reason)));
    }

    /// <summary>
    /// Stores the health changes noticed so far as notifications, together and in order, then wakes the dispatchers that
    /// deliver them; false when they could not be stored (they are tried again next tick).
    /// </summary>
    private async Task<bool> AnnounceAsync()
    {
        if (_unannounced.Count == 0)
        {
            return true;
        }

        OutboxEntry[] announced = [.. _unannounced];
        try
        {
            await _notifications.AppendOutboxAsync(announced);
        }
        catch (Exception ex)
        {
            LogHealthNotificationFailed(_logger, ex, this.GetPrimaryKeyString(), _unannounced.Count);
            return false;
        }

        _unannounced.RemoveRange(0, announced.Length);
        _wakes.Committed(announced);
        return true;
    }

    /// <summary>
    /// Stores the health notifications noticed, then writes what changed since the last write, entries refiled in place
    /// only when <paramref name="inPlaceToo"/> (not before the notifications: an entry written with a new health would
    /// otherwise hide, after a crash, a change never announced). Timer callbacks do not interleave with calls, so
    /// nothing changes while the writes are under way; a failed write keeps its changes for the next tick, which writes
    /// the in-place ones too if they were due.
    /// </summary>
    private async Task FlushAsync(bool inPlaceToo)
    {
        if (!await AnnounceAsync() || !_index.HasChangesToSave(inPlaceToo))
        {
            return;
        }

        var now = _time.GetUtcNow();
        var (upserted, removed) = _index.Changes(inPlaceToo);
        var upserts = upserted.Select(entry => KeyValuePair.Create(entry.Key, _serializer.SerializeToArray(entry))).ToList();
        try
        {
            await _store.WriteAsync(this.GetPrimaryKeyString(), upserts, removed, now, CancellationToken.None);
            _index.ChangesSaved(inPlaceToo);
            _savedAt = now;
            if (inPlaceToo)
            {
                _nextInPlaceSave = now + InPlaceSaveInterval;
            }
        }
        catch (Exception ex)
        {
            LogFlushFailed(_logger, ex, this.GetPrimaryKeyString(), upserts.Count + removed.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index shard {Shard}: {Count} entities written since {Since} asked to file again")]
    private static partial void LogRepair(ILogger logger, string shard, int count, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: could not read which entities changed since its last write")]
    private static partial void LogRepairFailed(ILogger logger, Exception exception, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: storing {Count} server.health notification(s) failed; will retry before writing the entries")]
    private static partial void LogHealthNotificationFailed(ILogger logger, Exception exception, string shard, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: writing {Count} changed entries failed; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string shard, int count);
}
