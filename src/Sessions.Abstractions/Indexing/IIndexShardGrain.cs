using Orleans.Concurrency;
using Sessions.Canonical;

namespace Sessions.Abstractions.Indexing;

/// <summary>Told of every entity change by the index shards it subscribed to.</summary>
[Alias("Sessions.Abstractions.Indexing.IChangeObserver")]
public interface IChangeObserver : IGrainObserver
{
    [Alias("OnChange"), OneWay]
    Task OnChangeAsync(EntityChangeNotice notice);

    /// <summary>An entity's <c>health</c> facet changed, by an event or by the tracker's clock (a server fell silent).</summary>
    [Alias("OnHealthChange"), OneWay]
    Task OnHealthChangeAsync(HealthChangeNotice notice);
}

/// <summary>
/// One shard of the index of one entity kind. Key: <c>{kind}/{shard}</c> (see <see cref="IndexShards.Key"/>); the
/// entity grains file themselves by a stable hash of their key, so no single grain sees every change.
/// </summary>
/// <remarks>
/// The kind is in the key, not only in the type argument: Orleans' ADO.NET storage files the state of a generic grain
/// under the class name without its type argument, so shards of different kinds with the same key would share a row.
/// </remarks>
[Alias("Sessions.Abstractions.Indexing.IIndexShardGrain`1")]
public interface IIndexShardGrain<TItem> : IGrainWithStringKey
{
    /// <summary>
    /// Applies <paramref name="updates"/> in order. An entry older (by version) than the one held is ignored, and so is
    /// a removal older than it; an upsert with <see cref="IndexUpdate{TItem}.Notify"/> is told to subscribers (a re-file
    /// after activation or a retry stays quiet). Entities send them through their silo's <c>IndexLanes</c>, which gathers
    /// a shard's updates for a few milliseconds and sends them together.
    /// </summary>
    [Alias("File"), OneWay]
    Task FileAsync(IReadOnlyList<IndexUpdate<TItem>> updates);

    /// <summary>Up to <see cref="IndexQuery.Limit"/> entries matching the query, after its cursor, in list order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<IndexEntry<TItem>>> ListAsync(IndexQuery query);

    /// <summary>The shard's counts.</summary>
    [Alias("Count")]
    Task<IndexCounts> CountAsync();

    /// <summary>
    /// Up to <paramref name="limit"/> keys of entities finished before <paramref name="finishedBefore"/>, in ordinal key
    /// order after <paramref name="afterKey"/> (from the first when null): what retention is due to expire. The shard
    /// only answers from memory; the caller asks the entities to expire, and they tell the shard to forget them.
    /// </summary>
    [Alias("ListFinished")]
    Task<IReadOnlyList<string>> ListFinishedAsync(DateTimeOffset finishedBefore, string? afterKey, int limit);

    /// <summary>Subscribes (or renews) an observer for this shard's changes; subscriptions lapse after a minute unless renewed.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IChangeObserver observer);
}

/// <summary>How entities are spread over index shards.</summary>
public static class IndexShards
{
    /// <summary>Shards per entity kind.</summary>
    public const int Count = 16;

    /// <summary>The grain key of shard <paramref name="shard"/> of <paramref name="kind"/>.</summary>
    public static string Key(EntityKind kind, int shard) => $"{StatusWords.Of(kind)}/{shard}";

    /// <summary>The grain key of the shard an entity key belongs to.</summary>
    public static string KeyFor(EntityKind kind, string entityKey) => Key(kind, Of(entityKey));

    /// <summary>The shard an entity key belongs to: FNV-1a over the key's characters, the same on every silo and across restarts.</summary>
    public static int Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Count);
    }
}
