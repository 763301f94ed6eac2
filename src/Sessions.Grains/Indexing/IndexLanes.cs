using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sessions.Abstractions.Hosting;
using Sessions.Abstractions.Indexing;
using Sessions.Canonical;

namespace Sessions.Grains.Indexing;

/// <summary>
/// The index updates of this silo's entities on their way to their shards, one lane per shard. A lane keeps one call
/// to its shard under way; updates posted meanwhile wait, in order, and all go with the next call. An idle lane sends at
/// once, so nothing waits for a timer, and the busier a shard, the more updates share a message: a one-way message per
/// event and a shard turn for each were a grain message per webhook on top of the entity's own (BENCHMARKS.md §7).
/// </summary>
/// <remarks>
/// The index is derived data. A call that fails (the shard's silo died) is logged and its updates dropped, as a lost
/// one-way message was before: the shard's next activation asks the journal which entities changed since it last
/// stored and has them file again, and every entity files again when it activates or hears a retry.
/// </remarks>
public sealed partial class IndexLanes(IGrainFactory grains, ILogger<IndexLanes> logger)
{
    /// <summary>The most updates one call carries; the rest go with the next.</summary>
    private const int MaxBatch = 512;

    private readonly ConcurrentDictionary<string, object> _lanes = new(StringComparer.Ordinal);

    /// <summary>Files or refiles <paramref name="entry"/> in its shard (with <paramref name="notify"/>, subscribers hear of it).</summary>
    public void Upsert<TItem>(IndexEntry<TItem> entry, bool notify)
    {
        ArgumentNullException.ThrowIfNull(entry);
        LaneTo<TItem>(entry.Kind, entry.Key).Post(new IndexUpdate<TItem>(entry.Key, entry.Version, entry, notify));
    }

    /// <summary>Has the shard forget the entity <paramref name="key"/>, whose state was removed at <paramref name="version"/>.</summary>
    public void Remove<TItem>(EntityKind kind, string key, long version) =>
        LaneTo<TItem>(kind, key).Post(new IndexUpdate<TItem>(key, version, Entry: null, Notify: false));

    private Lane<TItem> LaneTo<TItem>(EntityKind kind, string entityKey) =>
        (Lane<TItem>)_lanes.GetOrAdd(
            IndexShards.KeyFor(kind, entityKey),
            static (shardKey, lanes) => new Lane<TItem>(lanes.grains.Reference<IIndexShardGrain<TItem>>(shardKey), shardKey, lanes.logger),
            (grains, logger));

    private sealed class Lane<TItem>(IIndexShardGrain<TItem> shard, string shardKey, ILogger logger)
    {
        private readonly Lock _lock = new();
        private readonly List<IndexUpdate<TItem>> _pending = [];
        private bool _sending;

        public void Post(IndexUpdate<TItem> update)
        {
            lock (_lock)
            {
                _pending.Add(update);
                if (_sending)
                {
                    return;
                }

                _sending = true;
            }

            // Off the posting grain's scheduler and without its execution context (request context, trace): the lane's
            // calls belong to no one entity.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(SendAsync);
            }
        }

        private async Task SendAsync()
        {
            while (Next() is { } batch)
            {
                try
                {
                    await shard.FileAsync(batch);
                }
                catch (Exception ex)
                {
                    LogSendFailed(logger, ex, shardKey, batch.Length);
                }
            }
        }

        /// <summary>The updates to send next, oldest first; null (and the lane idle) when there are none.</summary>
        private IndexUpdate<TItem>[]? Next()
        {
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _sending = false;
                    return null;
                }

                if (_pending.Count <= MaxBatch)
                {
                    IndexUpdate<TItem>[] all = [.. _pending];
                    _pending.Clear();
                    return all;
                }

                var batch = _pending.GetRange(0, MaxBatch).ToArray();
                _pending.RemoveRange(0, MaxBatch);
                return batch;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index shard {Shard}: {Count} update(s) not delivered; repaired when the entities file again or the shard next activates")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string shard, int count);
}
