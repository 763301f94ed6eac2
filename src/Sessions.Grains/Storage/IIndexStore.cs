using System.Collections.Concurrent;

namespace Sessions.Grains.Storage;

/// <summary>One index shard as stored: its entries, serialized by the shard, and when it last wrote (null before its first write).</summary>
public sealed record StoredShard(IReadOnlyList<byte[]> Entries, DateTimeOffset? SavedAt);

/// <summary>
/// Where index shards keep their entries: a row per entry, so a shard's write costs what changed since its last one,
/// not the size of the shard.
/// </summary>
public interface IIndexStore
{
    /// <summary>Everything stored for <paramref name="shard"/> (the shard grain's key).</summary>
    Task<StoredShard> ReadAsync(string shard, CancellationToken cancellationToken);

    /// <summary>In one transaction: stores each entry of <paramref name="upserts"/> under its key, deletes <paramref name="removals"/>, and records <paramref name="savedAt"/>.</summary>
    Task WriteAsync(
        string shard,
        IReadOnlyList<KeyValuePair<string, byte[]>> upserts,
        IReadOnlyCollection<string> removals,
        DateTimeOffset savedAt,
        CancellationToken cancellationToken);
}

/// <summary>
/// The index kept in this process's memory, for the memory storage mode and grain tests: it outlives shard activations,
/// not the process, and each silo has its own.
/// </summary>
public sealed class InMemoryIndexStore : IIndexStore
{
    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);

    public Task<StoredShard> ReadAsync(string shard, CancellationToken cancellationToken)
    {
        var stored = _shards.GetOrAdd(shard, _ => new Shard());
        lock (stored)
        {
            return Task.FromResult(new StoredShard([.. stored.Entries.Values], stored.SavedAt));
        }
    }

    public Task WriteAsync(
        string shard,
        IReadOnlyList<KeyValuePair<string, byte[]>> upserts,
        IReadOnlyCollection<string> removals,
        DateTimeOffset savedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removals);
        var stored = _shards.GetOrAdd(shard, _ => new Shard());
        lock (stored)
        {
            foreach (var (key, payload) in upserts)
            {
                stored.Entries[key] = payload;
            }

            foreach (var key in removals)
            {
                stored.Entries.Remove(key);
            }

            stored.SavedAt = savedAt;
        }

        return Task.CompletedTask;
    }

    private sealed class Shard
    {
        public Dictionary<string, byte[]> Entries { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? SavedAt { get; set; }
    }
}
