using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Utilities;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Indexing;

/// <summary>
/// One shard of one kind's index: a thin grain around the pure <see cref="ShardIndex{TItem}"/>, which files entries and
/// answers lists and counts. Entries arrive one-way from entity grains after each stored change; the grain adds
/// persistence, repair and subscribers. It writes behind, a second after a change, and only what changed: each entry is
/// its own row in the <see cref="IIndexStore"/>, so a write costs the changes since the last one, however large the
/// shard. It is derived data: what a crash loses is repaired on the next activation, when the shard asks the grain
/// storage which entities of its kind were written since its own last write (less <see cref="RepairSlack"/> for clocks
/// and messages in flight) and has each of them file itself again. An entity also re-files when it activates and when
/// a provider retries. For retention the shard only lists who is due; it never calls an entity and waits.
/// </summary>
/// <remarks>No <c>[GrainType]</c>: Orleans names generic grains from the class and its type argument, and a pinned
/// name on a generic class stops it from closing the type.</remarks>
public sealed partial class IndexShardGrain<TItem> : Grain, IIndexShardGrain<TItem>
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>How far before the last write the repair looks: covers clock skew between silos and the database, and
    /// updates still travelling to the shard when it wrote.</summary>
    private static readonly TimeSpan RepairSlack = TimeSpan.FromMinutes(1);

    private readonly IIndexStore _store;
    private readonly Serializer _serializer;
    private readonly IEntityChangeLog _changes;
    private readonly TimeProvider _time;
    private readonly ILogger<IndexShardGrain<TItem>> _logger;
    private readonly ObserverManager<IChangeObserver> _observers;
    private readonly ShardIndex<TItem> _index = new();

    /// <summary>When the entries were last written (taken before the write, by the silo's clock); null before the first.</summary>
    private DateTimeOffset? _savedAt;

    public IndexShardGrain(
        IIndexStore store,
        Serializer serializer,
        IEntityChangeLog changes,
        TimeProvider time,
        ILogger<IndexShardGrain<TItem>> logger)
    {
        _store = store;
        _serializer = serializer;
        _changes = changes;
        _time = time;
        _logger = logger;
        _observers = new ObserverManager<IChangeObserver>(TimeSpan.FromMinutes(1), logger);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ReadAsync(this.GetPrimaryKeyString(), cancellationToken);
        foreach (var payload in stored.Entries)
        {
            var entry = _serializer.Deserialize<IndexEntry<TItem>>(payload)
                ?? throw new InvalidDataException($"Index shard {this.GetPrimaryKeyString()}: a stored entry reads as null");
            _index.Load(entry);
        }

        _savedAt = stored.SavedAt;
        this.RegisterGrainTimer(_ => FlushAsync(), FlushInterval, FlushInterval);
        await RepairAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await FlushAsync();

    public Task UpsertAsync(IndexEntry<TItem> entry, bool notify)
    {
        if (_index.Upsert(entry) && notify)
        {
            var notice = new EntityChangeNotice(entry.Kind, entry.Provider, entry.Id, entry.Status, entry.UpdatedAt);
            _observers.Notify(o => o.OnChangeAsync(notice));
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string key, long version)
    {
        _index.Remove(key, version);
        return Task.CompletedTask;
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

    /// <summary>
    /// Writes what changed since the last write. Timer callbacks do not interleave with calls, so nothing changes while
    /// the write is under way; a failed write keeps its changes for the next tick.
    /// </summary>
    private async Task FlushAsync()
    {
        if (!_index.HasChanges)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var (upserted, removed) = _index.Changes();
        var upserts = upserted.Select(entry => KeyValuePair.Create(entry.Key, _serializer.SerializeToArray(entry))).ToList();
        try
        {
            await _store.WriteAsync(this.GetPrimaryKeyString(), upserts, removed, now, CancellationToken.None);
            _index.ChangesSaved();
            _savedAt = now;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: writing {Count} changed entries failed; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string shard, int count);
}
