using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Utilities;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Indexing;

/// <summary>
/// One shard of one kind's index. Entries arrive one-way from entity grains after each stored change; lists read
/// sorted buckets per (status, provider) from the cursor on, so a page costs its own size, not the shard's.
/// The shard writes behind, a second after a change, and only what changed: each entry is its own row in the
/// <see cref="IIndexStore"/>, so a write costs the changes since the last one, however large the shard. It is derived
/// data: what a crash loses is repaired on the next activation, when the shard asks the grain storage which entities
/// of its kind were written since its own last write (less <see cref="RepairSlack"/> for clocks and messages in
/// flight) and has each of them file itself again. An entity also re-files when it activates and when a provider
/// retries.
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
    private readonly Dictionary<string, IndexEntry<TItem>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Status, string Provider), SortedSet<IndexPosition>> _buckets = [];
    private readonly Dictionary<string, int> _byStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byFacet = new(StringComparer.Ordinal);

    /// <summary>Positions per facet value, so a facet filter walks its own candidates rather than whole buckets.</summary>
    private readonly Dictionary<(string Facet, string Value), SortedSet<IndexPosition>> _byFacetValue = new(FacetValueComparer.Instance);

    /// <summary>Keys filed or refiled since the last write.</summary>
    private readonly HashSet<string> _upserted = new(StringComparer.Ordinal);

    /// <summary>Keys removed since the last write.</summary>
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

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
            _entries[entry.Key] = entry;
            File(entry, +1);
        }

        _savedAt = stored.SavedAt;
        this.RegisterGrainTimer(_ => FlushAsync(), FlushInterval, FlushInterval);
        await RepairAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await FlushAsync();

    public Task UpsertAsync(IndexEntry<TItem> entry, bool notify)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = entry.Key;
        if (_entries.TryGetValue(key, out var held))
        {
            if (held.Version >= entry.Version)
            {
                return Task.CompletedTask;
            }

            File(held, -1);
        }

        _entries[key] = entry;
        File(entry, +1);
        _upserted.Add(key);
        _removed.Remove(key);
        if (notify)
        {
            var notice = new EntityChangeNotice(entry.Kind, entry.Provider, entry.Id, entry.Status, entry.UpdatedAt);
            _observers.Notify(o => o.OnChangeAsync(notice));
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string key, long version)
    {
        if (_entries.TryGetValue(key, out var held) && held.Version <= version)
        {
            File(held, -1);
            _entries.Remove(key);
            _upserted.Remove(key);
            _removed.Add(key);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IndexEntry<TItem>>> ListAsync(IndexQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Facets is { Count: > 0 } facets)
        {
            return Task.FromResult(ListByFacets(query, facets));
        }

        var page = new List<IndexEntry<TItem>>();
        foreach (var ((status, provider), positions) in _buckets)
        {
            if ((query.Status is not null && status != query.Status) || (query.Provider is not null && provider != query.Provider))
            {
                continue;
            }

            page.AddRange(After(positions, query.After).Take(query.Limit).Select(position => _entries[position.Key]));
        }

        page.Sort((a, b) => a.Position.CompareTo(b.Position));
        return Task.FromResult<IReadOnlyList<IndexEntry<TItem>>>(page.Count > query.Limit ? page[..query.Limit] : page);
    }

    public Task<IndexCounts> CountAsync() =>
        Task.FromResult(new IndexCounts(
            _entries.Count,
            NonZero(_byStatus),
            _byFacet.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, int>)NonZero(f.Value), StringComparer.Ordinal)));

    public async Task<int> SweepAsync(DateTimeOffset finishedBefore)
    {
        var due = _entries.Values.Where(e => e.FinishedAt < finishedBefore).ToList();
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

    private static bool Matches(IndexEntry<TItem> entry, IndexQuery query, IReadOnlyDictionary<string, string> facets) =>
        (query.Status is null || entry.Status == query.Status)
        && (query.Provider is null || entry.Provider == query.Provider)
        && facets.All(f => entry.Facets.TryGetValue(f.Key, out var value) && string.Equals(value, f.Value, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Walks the positions of the rarest facet value asked for, in list order, and checks the rest of the filter on each:
    /// the fleet's few down servers are found without passing the many healthy ones.
    /// </summary>
    private IReadOnlyList<IndexEntry<TItem>> ListByFacets(IndexQuery query, IReadOnlyDictionary<string, string> facets)
    {
        SortedSet<IndexPosition>? candidates = null;
        foreach (var (facet, value) in facets)
        {
            if (!_byFacetValue.TryGetValue((facet, value), out var positions))
            {
                return [];
            }

            if (candidates is null || positions.Count < candidates.Count)
            {
                candidates = positions;
            }
        }

        return
        [
            .. After(candidates!, query.After)
                .Select(position => _entries[position.Key])
                .Where(entry => Matches(entry, query, facets))
                .Take(query.Limit),
        ];
    }

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
            if (!_byFacetValue.TryGetValue((facet, value), out var positions))
            {
                positions = _byFacetValue[(facet, value)] = [];
            }

            if (delta > 0)
            {
                positions.Add(entry.Position);
            }
            else
            {
                positions.Remove(entry.Position);
            }
        }
    }

    /// <summary>Facet names exactly, values without case: list filters match facet values without case.</summary>
    private sealed class FacetValueComparer : IEqualityComparer<(string Facet, string Value)>
    {
        public static readonly FacetValueComparer Instance = new();

        public bool Equals((string Facet, string Value) x, (string Facet, string Value) y) =>
            string.Equals(x.Facet, y.Facet, StringComparison.Ordinal) && string.Equals(x.Value, y.Value, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Facet, string Value) obj) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.Facet), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Value));
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
        if (_upserted.Count == 0 && _removed.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var upserts = _upserted.Select(key => KeyValuePair.Create(key, _serializer.SerializeToArray(_entries[key]))).ToList();
        try
        {
            await _store.WriteAsync(this.GetPrimaryKeyString(), upserts, _removed, now, CancellationToken.None);
            _upserted.Clear();
            _removed.Clear();
            _savedAt = now;
        }
        catch (Exception ex)
        {
            LogFlushFailed(_logger, ex, this.GetPrimaryKeyString(), upserts.Count + _removed.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index shard {Shard}: {Count} entities written since {Since} asked to file again")]
    private static partial void LogRepair(ILogger logger, string shard, int count, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: could not read which entities changed since its last write")]
    private static partial void LogRepairFailed(ILogger logger, Exception exception, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: writing {Count} changed entries failed; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string shard, int count);
}
