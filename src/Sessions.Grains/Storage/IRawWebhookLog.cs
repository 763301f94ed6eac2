using System.Collections.Concurrent;
using Sessions.Abstractions.Webhooks;

namespace Sessions.Grains.Storage;

/// <summary>The raw webhook log: accepted bodies kept for audit and rebuild, bounded by retention.</summary>
public interface IRawWebhookLog
{
    /// <summary>Durably appends one accepted request (its <see cref="RawWebhook.Id"/> is assigned by the log).</summary>
    Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally for one source, before an id (for paging).</summary>
    Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>Removes entries received before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>The raw log kept in memory, for the memory storage mode used by tests.</summary>
public sealed class InMemoryRawWebhookLog : IRawWebhookLog
{
    private readonly ConcurrentDictionary<long, RawWebhook> _entries = new();
    private long _nextId;

    public Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        _entries[id] = entry with { Id = id, Body = entry.Body.ToArray() };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RawWebhook>>(
        [
            .. _entries.Values
                .Where(e => (source is null || e.Source == source) && e.Id < (beforeId ?? long.MaxValue))
                .OrderByDescending(e => e.Id)
                .Take(limit),
        ]);

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var entry in _entries.Values.Where(e => e.ReceivedAt < cutoff))
        {
            removed += _entries.TryRemove(entry.Id, out _) ? 1 : 0;
        }

        return Task.FromResult(removed);
    }
}
