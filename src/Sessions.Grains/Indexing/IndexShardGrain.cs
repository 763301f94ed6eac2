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
}

/// <summary>
/// One shard of one kind's index. Entries arrive one-way from entity grains after each stored change; lists read
/// sorted buckets per (status, provider) from the cursor on, so a page costs its own size, not the shard's.
/// The shard's state is written behind, at most a second after a change: it is derived data, and every entity re-files
/// itself when it activates and when a provider retries, which repairs what a crash lost.
/// </summary>
/// <remarks>No <c>[GrainType]</c>: Orleans names generic grains from the class and its type argument, and a pinned
/// name on a generic class stops it from closing the type.</remarks>
public sealed partial class IndexShardGrain<TItem> : Grain, IIndexShardGrain<TItem>
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly IPersistentState<IndexShardState<TItem>> _state;
    private readonly ILogger<IndexShardGrain<TItem>> _logger;
    private readonly ObserverManager<IChangeObserver> _observers;
    private readonly Dictionary<(string Status, string Provider), SortedSet<IndexPosition>> _buckets = [];
    private readonly Dictionary<string, int> _byStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byFacet = new(StringComparer.Ordinal);
    private bool _dirty;

    public IndexShardGrain(
        [PersistentState("index", StorageNames.Entities)] IPersistentState<IndexShardState<TItem>> state,
        ILogger<IndexShardGrain<TItem>> logger)
    {
        _state = state;
        _logger = logger;
        _observers = new ObserverManager<IChangeObserver>(TimeSpan.FromMinutes(1), logger);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _state.State.Entries.Values)
        {
            File(entry, +1);
        }

        this.RegisterGrainTimer(FlushAsync, FlushInterval, FlushInterval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await FlushAsync(cancellationToken);

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

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        try
        {
            await _state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            _dirty = true;
            LogFlushFailed(_logger, ex, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: write failed; will retry in a second")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string shard);
}
