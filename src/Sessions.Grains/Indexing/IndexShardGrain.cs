using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Indexing;

/// <summary>Persisted state of an index shard: the entries it files, by entity key.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Indexing.IndexShardState`1")]
public sealed class IndexShardState<TItem>
{
    [Id(0)] public Dictionary<string, IndexEntry<TItem>> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the entries were last written (taken before the write, by the silo's clock); null before the first.</summary>
    [Id(1)] public DateTimeOffset? SavedAt { get; set; }
}

/// <summary>
/// One shard of one kind's index. Entries arrive one-way from entity grains after each stored change; lists read
/// sorted buckets per (status, provider) from the cursor on, so a page costs its own size, not the shard's.
/// The shard's state is written behind, a second after a change or later for a large shard (see
/// <see cref="MaxSaveInterval"/>): it is derived data. What a crash loses is
/// repaired on the next activation: the shard asks the grain storage which entities of its kind were written since its
/// own last write (less <see cref="RepairSlack"/> for clocks and messages in flight) and has each of them file itself
/// again. An entity also re-files when it activates and when a provider retries.
/// </summary>
/// <remarks>No <c>[GrainType]</c>: Orleans names generic grains from the class and its type argument, and a pinned
/// name on a generic class stops it from closing the type.</remarks>
public sealed partial class IndexShardGrain<TItem> : Grain, IIndexShardGrain<TItem>
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A write serializes the whole shard, so a large shard writes less often: a millisecond per entry, at least
    /// <see cref="FlushInterval"/> and at most five minutes (62,500 entries, a million entities over 16 shards: a
    /// minute). What a crash loses in between is repaired from storage on activation, however long it was.
    /// </summary>
    private static readonly TimeSpan MaxSaveInterval = TimeSpan.FromMinutes(5);

    /// <summary>How far before the last write the repair looks: covers clock skew between silos and the database, and
    /// updates still travelling to the shard when it wrote.</summary>
    private static readonly TimeSpan RepairSlack = TimeSpan.FromMinutes(1);

    private readonly IPersistentState<IndexShardState<TItem>> _state;
    private readonly IEntityChangeLog _changes;
    private readonly TimeProvider _time;
    private readonly ILogger<IndexShardGrain<TItem>> _logger;
    private readonly ObserverManager<IChangeObserver> _observers;
    private readonly Dictionary<(string Status, string Provider), SortedSet<IndexPosition>> _buckets = [];
    private readonly Dictionary<string, int> _byStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byFacet = new(StringComparer.Ordinal);
    private bool _dirty;

    public IndexShardGrain(
        [PersistentState("index", StorageNames.Entities)] IPersistentState<IndexShardState<TItem>> state,
        IEntityChangeLog changes,
        TimeProvider time,
        ILogger<IndexShardGrain<TItem>> logger)
    {
        _state = state;
        _changes = changes;
        _time = time;
        _logger = logger;
        _observers = new ObserverManager<IChangeObserver>(TimeSpan.FromMinutes(1), logger);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _state.State.Entries.Values)
        {
            File(entry, +1);
        }

        this.RegisterGrainTimer(_ => FlushAsync(force: false), FlushInterval, FlushInterval);
        await RepairAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await FlushAsync(force: true);

    public Task UpsertAsync(IndexEntry<TItem> entry, bool notify)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = entry.Key;
        if (_state.State.Entries.TryGetValue(key, out var held))
        {
            if (held.Version >= entry.Version)
            {
                return Task.CompletedTask;
            }

            File(held, -1);
        }

        _state.State.Entries[key] = entry;
        File(entry, +1);
        _dirty = true;
        if (notify)
        {
            var notice = new EntityChangeNotice(entry.Kind, entry.Provider, entry.Id, entry.Status, entry.UpdatedAt);
            _observers.Notify(o => o.OnChangeAsync(notice));
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string key, long version)
    {
        if (_state.State.Entries.TryGetValue(key, out var held) && held.Version <= version)
        {
            File(held, -1);
            _state.State.Entries.Remove(key);
            _dirty = true;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IndexEntry<TItem>>> ListAsync(IndexQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = new List<IndexEntry<TItem>>();
        foreach (var ((status, provider), positions) in _buckets)
        {
            if ((query.Status is not null && status != query.Status) || (query.Provider is not null && provider != query.Provider))
            {
                continue;
            }

            var taken = 0;
            foreach (var position in After(positions, query.After))
            {
                var entry = _state.State.Entries[position.Key];
                if (Matches(entry, query.Facets))
                {
                    page.Add(entry);
                    if (++taken == query.Limit)
                    {
                        break;
                    }
                }
            }
        }

        page.Sort((a, b) => a.Position.CompareTo(b.Position));
        return Task.FromResult<IReadOnlyList<IndexEntry<TItem>>>(page.Count > query.Limit ? page[..query.Limit] : page);
    }

    public Task<IndexCounts> CountAsync() =>
        Task.FromResult(new IndexCounts(
            _state.State.Entries.Count,
            NonZero(_byStatus),
            _byFacet.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, int>)NonZero(f.Value), StringComparer.Ordinal)));

    public async Task<int> SweepAsync(DateTimeOffset finishedBefore)
    {
        var due = _state.State.Entries.Values.Where(e => e.FinishedAt < finishedBefore).ToList();
        var removed = 0;
        foreach (var entry in due)
        {
            if (await GrainFactory.Get(entry.Kind, entry.Provider, entry.Id).ExpireAsync(finishedBefore))
            {
                await RemoveAsync(entry.Key, long.MaxValue);
                removed++;
            }
        }

        return removed;
    }

    public Task SubscribeAsync(IChangeObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    private static IEnumerable<IndexPosition> After(SortedSet<IndexPosition> positions, IndexPosition? after)
    {
        if (after is not { } cursor)
        {
            return positions;
        }

        return positions.Count == 0 || cursor >= positions.Max
            ? []
            : positions.GetViewBetween(cursor, positions.Max).Where(p => p != cursor);
    }

    private static Dictionary<string, int> NonZero(Dictionary<string, int> counts) =>
        counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

    private static bool Matches(IndexEntry<TItem> entry, IReadOnlyDictionary<string, string>? facets) =>
        facets is null || facets.All(f => entry.Facets.TryGetValue(f.Key, out var value) && string.Equals(value, f.Value, StringComparison.OrdinalIgnoreCase));

    private void File(IndexEntry<TItem> entry, int delta)
    {
        var bucketKey = (entry.Status, entry.Provider);
        if (!_buckets.TryGetValue(bucketKey, out var bucket))
        {
            bucket = _buckets[bucketKey] = [];
        }

        if (delta > 0)
        {
            bucket.Add(entry.Position);
        }
        else
        {
            bucket.Remove(entry.Position);
        }

        _byStatus[entry.Status] = _byStatus.GetValueOrDefault(entry.Status) + delta;
        foreach (var (facet, value) in entry.Facets)
        {
            var values = _byFacet.TryGetValue(facet, out var existing) ? existing : _byFacet[facet] = new(StringComparer.Ordinal);
            values[value] = values.GetValueOrDefault(value) + delta;
        }
    }

    /// <summary>
    /// Asks every entity of this shard written since the last save (all of them when the shard was never saved) to file
    /// itself again. The calls are one-way: the updates queue behind this activation and arrive like any other.
    /// </summary>
    private async Task RepairAsync(CancellationToken cancellationToken)
    {
        var since = _state.State.SavedAt is { } saved ? saved - RepairSlack : DateTimeOffset.MinValue;
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

    private async Task FlushAsync(bool force)
    {
        var now = _time.GetUtcNow();
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(_state.State.Entries.Count, FlushInterval.TotalMilliseconds, MaxSaveInterval.TotalMilliseconds));
        if (!_dirty || (!force && _state.State.SavedAt is { } saved && now - saved < interval))
        {
            return;
        }

        _dirty = false;
        _state.State.SavedAt = now;
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _dirty = true;
            LogFlushFailed(_logger, ex, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index shard {Shard}: {Count} entities written since {Since} asked to file again")]
    private static partial void LogRepair(ILogger logger, string shard, int count, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: could not read which entities changed since its last write")]
    private static partial void LogRepairFailed(ILogger logger, Exception exception, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: write failed; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string shard);
}
