using System.Collections.Concurrent;
using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;
using Sessions.Grains.Notifications;

namespace Sessions.Grains.Storage;

/// <summary>
/// One stored step of an entity: the event that took it to <paramref name="Version"/>, received at
/// <paramref name="RecordedAt"/>; a null <paramref name="Event"/> is a tombstone (retention removed the entity there).
/// </summary>
public sealed record JournalEntry(long Version, DateTimeOffset RecordedAt, CanonicalEvent? Event);

/// <summary>
/// The entity journal: every event an entity stored, keyed by entity and version, appended before the webhook is
/// answered. A snapshot (Orleans grain state) is written behind it now and then; an activation loads the snapshot and
/// replays the entries after its version.
/// </summary>
public interface IEntityJournal
{
    /// <summary>The entries of one entity with a version above <paramref name="afterVersion"/>, in version order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(EntityKind kind, string key, long afterVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Durably stores <paramref name="entry"/> and, in the same commit, the raw log row of <paramref name="request"/>
    /// when given, and the <paramref name="notifications"/> it makes into the outbox (only if the entry is stored). Throws <see cref="JournalConflictException"/> when the version is already stored (another activation
    /// of the entity got there first), and then stores nothing.
    /// </summary>
    Task AppendAsync(EntityKind kind, string key, JournalEntry entry, RawWebhook? request, IReadOnlyList<OutboxEntry>? notifications = null);

    /// <summary>Removes the entries of one entity below <paramref name="beforeVersion"/> (a snapshot holds them).</summary>
    Task TrimAsync(EntityKind kind, string key, long beforeVersion);
}

/// <summary>An append found its version already stored: this activation's view of the entity is behind storage.</summary>
public sealed class JournalConflictException(string message) : Exception(message);

/// <summary>The journal in this process's memory, for the memory storage mode and grain tests.</summary>
/// <param name="requests">Where the raw rows of appends go (the memory mode's raw log); none in grain tests.</param>
/// <param name="outbox">Where the notifications of appends go (the memory mode's outbox); none in grain tests.</param>
public sealed class InMemoryEntityJournal(IRawWebhookLog? requests = null, InMemoryNotificationStore? outbox = null) : IEntityJournal
{
    private readonly ConcurrentDictionary<(EntityKind Kind, string Key), SortedList<long, JournalEntry>> _entities = new();

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(EntityKind kind, string key, long afterVersion, CancellationToken cancellationToken)
    {
        var entries = Entries(kind, key);
        lock (entries)
        {
            return Task.FromResult<IReadOnlyList<JournalEntry>>([.. entries.Values.Where(e => e.Version > afterVersion)]);
        }
    }

    public async Task AppendAsync(EntityKind kind, string key, JournalEntry entry, RawWebhook? request, IReadOnlyList<OutboxEntry>? notifications = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entries = Entries(kind, key);
        lock (entries)
        {
            if (!entries.TryAdd(entry.Version, entry))
            {
                throw new JournalConflictException($"{kind} {key}: version {entry.Version} is already stored");
            }

            foreach (var notification in notifications ?? [])
            {
                outbox?.Append(notification);
            }
        }

        if (request is not null && requests is not null)
        {
            await requests.AppendAsync(request, CancellationToken.None);
        }
    }

    public Task TrimAsync(EntityKind kind, string key, long beforeVersion)
    {
        var entries = Entries(kind, key);
        lock (entries)
        {
            while (entries.Count > 0 && entries.Keys[0] < beforeVersion)
            {
                entries.RemoveAt(0);
            }
        }

        return Task.CompletedTask;
    }

    private SortedList<long, JournalEntry> Entries(EntityKind kind, string key) => _entities.GetOrAdd((kind, key), _ => []);
}
