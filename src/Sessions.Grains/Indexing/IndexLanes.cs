using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sessions.Abstractions.Hosting;
using Sessions.Abstractions.Indexing;
using Sessions.Canonical;

namespace Sessions.Grains.Indexing;

/// <summary>
/// The index updates of this silo's entities on their way to their shards. An update waits up to <see cref="Gather"/>
/// for others to the same shard, then all go, in the order posted, in one one-way message: one shard turn for many
/// events instead of a message and a turn per event (BENCHMARKS.md §7). A shard shows an event that much later in
/// lists and counts, and its subscribers hear of it that much later; it stores its entries a second later anyway.
/// </summary>
/// <remarks>
/// The index is derived data. An update lost with its silo (a crash within the window) or its message is repaired as
/// before: the shard's next activation asks the journal which entities changed since it last stored and has them file
/// again, and every entity files again when it activates or hears a retry.
/// </remarks>
public sealed partial class IndexLanes : IDisposable
{
    /// <summary>How long an update waits for others to the same shard.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private readonly IGrainFactory _grains;
    private readonly ConcurrentDictionary<string, ILane> _lanes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private readonly ILogger<IndexLanes> _logger;
    private bool _disposed;

    /// <summary>The lanes holding updates, in the order they got their first; the timer is armed while there are any.</summary>
    private readonly List<ILane> _waiting = [];

    public IndexLanes(IGrainFactory grains, TimeProvider time, ILogger<IndexLanes> logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        _grains = grains;
        _logger = logger;
        _timer = time.CreateTimer(_ => Send(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Files or refiles <paramref name="entry"/> in its shard (with <paramref name="notify"/>, subscribers hear of it).</summary>
    public void Upsert<TItem>(IndexEntry<TItem> entry, bool notify)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Post(entry.Kind, new IndexUpdate<TItem>(entry.Key, entry.Version, entry, notify));
    }

    /// <summary>Has the shard forget the entity <paramref name="key"/>, whose state was removed at <paramref name="version"/>.</summary>
    public void Remove<TItem>(EntityKind kind, string key, long version) =>
        Post(kind, new IndexUpdate<TItem>(key, version, Entry: null, Notify: false));

    /// <summary>Stops sending: the silo is going, and its services with it (what is still held is lost, and repaired).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _waiting.Clear();
        }

        _timer.Dispose();
    }

    private void Post<TItem>(EntityKind kind, IndexUpdate<TItem> update)
    {
        var lane = (Lane<TItem>)_lanes.GetOrAdd(
            IndexShards.KeyFor(kind, update.Key),
            static (shardKey, grains) => new Lane<TItem>(grains.Reference<IIndexShardGrain<TItem>>(shardKey)),
            _grains);
        lock (_lock)
        {
            if (!_disposed && lane.Add(update))
            {
                _waiting.Add(lane);
                if (_waiting.Count == 1)
                {
                    _timer.Change(Gather, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>The timer: every waiting lane sends what it holds.</summary>
    private void Send()
    {
        Action[] sends;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            sends = [.. _waiting.Select(lane => lane.Take())];
            _waiting.Clear();
        }

        foreach (var send in sends)
        {
            try
            {
                send();
            }
            catch (Exception ex)
            {
                // On the timer's thread nothing else would catch it (a silo shutting down throws here): the process must not go.
                LogSendFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index updates could not be sent to a shard; they are repaired when the entities file again or the shard next activates")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    private interface ILane
    {
        /// <summary>Empties the lane (under the owner's lock), returning what sends its updates.</summary>
        Action Take();
    }

    private sealed class Lane<TItem>(IIndexShardGrain<TItem> shard) : ILane
    {
        private readonly List<IndexUpdate<TItem>> _pending = [];

        /// <summary>Holds <paramref name="update"/> (under the owner's lock); true when it is the first since the last send.</summary>
        public bool Add(IndexUpdate<TItem> update)
        {
            _pending.Add(update);
            return _pending.Count == 1;
        }

        public Action Take()
        {
            IndexUpdate<TItem>[] updates = [.. _pending];
            _pending.Clear();
            return () => shard.FileAsync(updates).Ignore();
        }
    }
}
