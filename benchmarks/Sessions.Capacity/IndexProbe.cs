using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;

namespace Sessions.Capacity;

/// <summary>Reads the index shards of the four loaded kinds, and the entity activations the silo holds.</summary>
internal sealed class IndexProbe(IGrainFactory grains)
{
    public static readonly EntityKind[] Kinds = [EntityKind.Server, EntityKind.Session, EntityKind.Recording, EntityKind.Livestream];

    /// <summary>Each kind's counts, summed over its shards.</summary>
    public async Task<IReadOnlyDictionary<EntityKind, IndexCounts>> CountAsync()
    {
        var kinds = await Task.WhenAll(Kinds.Select(async kind =>
            (kind, IndexCounts.Sum(await Task.WhenAll(Enumerable.Range(0, IndexShards.Count).Select(shard => Shard(kind, shard)))))));
        return kinds.ToDictionary(k => k.kind, k => k.Item2);
    }

    public async Task<int> TotalAsync() => (await CountAsync()).Values.Sum(c => c.Total);

    /// <summary>How many entity grains of the four kinds are active now.</summary>
    public async Task<int> EntityActivationsAsync()
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var active = 0;
        foreach (var kind in Kinds)
        {
            active += (await management.GetActiveGrains(GrainType.Create(kind.ToString().ToLowerInvariant()))).Count;
        }

        return active;
    }

    private Task<IndexCounts> Shard(EntityKind kind, int shard)
    {
        var key = IndexShards.Key(kind, shard);
        return kind switch
        {
            EntityKind.Server => grains.GetGrain<IIndexShardGrain<ServerSnapshot>>(key).CountAsync(),
            EntityKind.Session => grains.GetGrain<IIndexShardGrain<SessionSnapshot>>(key).CountAsync(),
            EntityKind.Recording => grains.GetGrain<IIndexShardGrain<RecordingSnapshot>>(key).CountAsync(),
            _ => grains.GetGrain<IIndexShardGrain<LivestreamSnapshot>>(key).CountAsync(),
        };
    }
}
