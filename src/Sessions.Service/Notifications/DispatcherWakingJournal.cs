using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;

namespace Sessions.Service.Notifications;

/// <summary>
/// The entity journal of any storage mode, which wakes the dispatchers of an append's notifications as soon as its
/// commit holds them, so a change reaches its receivers without waiting for a poll.
/// </summary>
internal sealed class DispatcherWakingJournal(IEntityJournal journal, DispatcherWakes wakes) : IEntityJournal
{
    public Task<IReadOnlyList<JournalEntry>> ReadAsync(EntityKind kind, string key, long afterVersion, CancellationToken cancellationToken) =>
        journal.ReadAsync(kind, key, afterVersion, cancellationToken);

    public Task AppendAsync(EntityKind kind, string key, JournalEntry entry, RawWebhook? request, IReadOnlyList<OutboxEntry>? notifications = null) =>
        notifications is not { Count: > 0 }
            ? journal.AppendAsync(kind, key, entry, request, notifications)   // most events change no status: nothing to wake
            : AppendAndWakeAsync(kind, key, entry, request, notifications);

    private async Task AppendAndWakeAsync(EntityKind kind, string key, JournalEntry entry, RawWebhook? request, IReadOnlyList<OutboxEntry> notifications)
    {
        await journal.AppendAsync(kind, key, entry, request, notifications);
        wakes.Committed(notifications);
    }

    public Task TrimAsync(EntityKind kind, string key, long beforeVersion) => journal.TrimAsync(kind, key, beforeVersion);
}
