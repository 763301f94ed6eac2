using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Hosting;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;
using Sessions.Grains.Indexing;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Entities;

/// <summary>
/// The thin grain around a kind's pure state machine: dedupe and fold (in <see cref="EntityLog"/>), append the event to
/// the entity's journal before answering, then file the entity in its index shard (through the silo's
/// <see cref="IndexLanes"/>). The full record (the snapshot, in Orleans grain storage) is written behind, every
/// <see cref="SnapshotOptions.SnapshotEvery"/> events at points shifted by the entity's key (<see cref="SnapshotSchedule"/>);
/// an activation loads it and replays the journal after it. Deactivation writes nothing: a mass deactivation (idle
/// collection, a silo's shutdown) would otherwise cost a write per grain, where the next activation replays at most that
/// many entries (half again before the first snapshot). Non-reentrant, so each event is applied atomically. If an
/// append fails, memory is ahead of storage: the exception propagates (the webhook gets 503) and the activation is
/// dropped, without a snapshot, so the next call reloads what storage really holds.
/// </summary>
public abstract partial class EntityGrain<TState, TSnapshot, TMachine>(
    IPersistentState<EntityRecord<TState>> record,
    IEntityJournal journal,
    IOptions<SnapshotOptions> snapshots,
    TimeProvider time,
    IEntryAging<TSnapshot> aging,
    IndexLanes index,
    ILogger logger) : Grain, IEntityGrain<TSnapshot>
    where TState : class, new()
    where TSnapshot : class
    where TMachine : IEntityStateMachine<TState, TSnapshot>
{
    /// <summary>The version the stored snapshot holds.</summary>
    private long _snapshotVersion;

    /// <summary>Set once memory may hold what storage does not: nothing more is written from this activation.</summary>
    private bool _diverged;

    private IGrainTimer? _snapshotWrite;

    private string? _key;

    /// <summary>The grain's key, read once: Orleans makes a new string of it at every read.</summary>
    private string Key => _key ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);

        // Re-file on activation: an index shard that lost recent updates (a silo crash) is repaired by the entities' return.
        Publish(notify: false);
    }

    public Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt) => ApplyAsync(evt, request: null);

    public async Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt, RawWebhook? request)
    {
        ArgumentNullException.ThrowIfNull(evt);
        try
        {
            try
            {
                return await ApplyOnceAsync(evt, request);
            }
            catch (JournalConflictException ex)
            {
                // Another activation of this entity (a membership change) stored this version first: read what storage
                // holds now and apply the event once more on top of it.
                LogConflict(logger, ex, TMachine.Kind, Key);
                await record.ReadStateAsync();
                await LoadAsync(CancellationToken.None);
                return await ApplyOnceAsync(evt, request);
            }
        }
        catch (Exception ex)
        {
            _diverged = true;
            LogWriteFailed(logger, ex, TMachine.Kind, Key);
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<TSnapshot?> GetAsync()
    {
        var header = EntityLog.Header(record.State, Key);
        return Task.FromResult(header is null ? null : TMachine.Snapshot(record.State.State, header, [.. record.State.Timeline]));
    }

    public Task RefileAsync()
    {
        Publish(notify: false);
        return Task.CompletedTask;
    }

    public async Task<bool> ExpireAsync(DateTimeOffset finishedBefore)
    {
        var version = record.State.Version;
        if (EntityLog.Header(record.State, Key) is null)
        {
            // Already removed (or never stored): make sure the shard forgets it too, in case it missed the removal.
            index.Remove<TSnapshot>(TMachine.Kind, Key, version);
            return false;
        }

        // Finished as the index judges it: by its provider, or by the tracker's clock (a session silent for hours).
        var finishedAt = record.State.FinishedObservedAt ?? (Entry() is { } entry ? aging.AsOf(entry, time.GetUtcNow()).FinishedAt : null);
        if (finishedAt is not { } finished || finished >= finishedBefore)
        {
            return false;
        }

        // The tombstone is the removal's commit point: an activation replaying past it starts from nothing.
        var tombstone = new JournalEntry(version + 1, time.GetUtcNow(), Event: null);
        await journal.AppendAsync(TMachine.Kind, Key, tombstone, request: null);
        await record.ClearStateAsync();
        record.State.Version = tombstone.Version;
        _snapshotVersion = 0;
        await journal.TrimAsync(TMachine.Kind, Key, tombstone.Version);
        index.Remove<TSnapshot>(TMachine.Kind, Key, tombstone.Version);
        LogExpired(logger, TMachine.Kind, Key, finished);
        DeactivateOnIdle();
        return true;
    }

    /// <summary>Applies what the event implies for other entities (<see cref="IEntityStateMachine{TState, TSnapshot}.FollowUps"/>).</summary>
    private async Task FollowUpAsync(CanonicalEvent evt)
    {
        foreach (var next in TMachine.FollowUps(record.State.State, evt))
        {
            await GrainFactory.Get(next.Kind, next.Provider, next.EntityId).ApplyAsync(next);
        }
    }

    private async Task<TransitionOutcome> ApplyOnceAsync(CanonicalEvent evt, RawWebhook? request)
    {
        var receivedAt = TruncateToMilliseconds(time.GetUtcNow());
        var wasFinished = record.State.FinishedObservedAt.HasValue;
        var previousStatus = EntityLog.Header(record.State, Key) is null ? null : TMachine.Status(record.State.State);
        var outcome = EntityLog.Apply<TState, TSnapshot, TMachine>(record.State, evt, receivedAt);
        if (outcome is TransitionOutcome.Duplicate)
        {
            // A provider retry: the first delivery may have been stored while its answer (or index update) was lost.
            Publish(notify: false);
            await FollowUpAsync(evt);
            return outcome;
        }

        var logged = request is null ? null : request with { Outcomes = [request.Outcomes[0] with { Outcome = StatusWords.Of(outcome) }] };
        var notifications = outcome is TransitionOutcome.Applied ? Notifications(evt, previousStatus) : null;
        await journal.AppendAsync(TMachine.Kind, Key, new JournalEntry(record.State.Version, receivedAt, evt), logged, notifications);
        Publish(notify: outcome is TransitionOutcome.Applied);
        await FollowUpAsync(evt);
        if (!wasFinished && record.State.FinishedObservedAt.HasValue)
        {
            // A finished entity rarely hears more; free its memory once this call is done (a late event reactivates it).
            DeactivateOnIdle();
        }
        else if (SnapshotDue())
        {
            // Behind the answer: a timer callback is a turn of its own, after this one.
            _snapshotWrite ??= this.RegisterGrainTimer(WriteSnapshotAsync, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return outcome;
    }

    /// <summary>
    /// The notification events an applied <paramref name="evt"/> makes (none for most: stats and activity change no
    /// status): <c>{kind}.{status}</c> when the status moved from <paramref name="previousStatus"/>, and a kind's extra
    /// events (participants, simulcast targets). They go into the outbox in the same commit as the event.
    /// </summary>
    private List<OutboxEntry>? Notifications(CanonicalEvent evt, string? previousStatus)
    {
        var status = TMachine.Status(record.State.State);
        List<(string Type, (string, JsonNode?)[] Extra)> types = [];
        if (status != previousStatus)
        {
            types.Add((EventTypes.StatusChange(TMachine.Kind, status), []));
        }

        switch (evt.Change)
        {
            case ParticipantChanged participant:
                types.Add((participant.Present ? EventTypes.ParticipantJoined : EventTypes.ParticipantLeft,
                    [("participantId", participant.ParticipantId), ("participantName", participant.Name)]));
                break;
            case SimulcastTargetChanged target:
                types.Add((EventTypes.SimulcastTarget, [("targetId", target.TargetId), ("targetStatus", StatusWords.Of(target.Status))]));
                break;
        }

        if (types.Count == 0 || EntityLog.Header(record.State, Key) is not { } header)
        {
            return null;
        }

        var item = TMachine.ListItem(record.State.State, header);
        return
        [
            .. types.Select(t => NotificationEvents.About(
                TMachine.Kind, header.Provider, header.Id, t.Type, status, previousStatus, item, evt.OccurredAt, t.Extra)),
        ];
    }

    private bool SnapshotDue()
    {
        var every = snapshots.Value.SnapshotEvery;
        return SnapshotSchedule.Due(_snapshotVersion, record.State.Version, SnapshotSchedule.Phase(Key, every), every);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        _snapshotVersion = record.State.Version;
        var entries = await journal.ReadAsync(TMachine.Kind, Key, _snapshotVersion, cancellationToken);
        record.State = EntityLog.Replay<TState, TSnapshot, TMachine>(record.State, entries);
    }

    private async Task WriteSnapshotAsync()
    {
        _snapshotWrite?.Dispose();
        _snapshotWrite = null;
        if (_diverged)
        {
            return;
        }

        var version = record.State.Version;
        try
        {
            await record.WriteStateAsync();
            _snapshotVersion = version;

            // The entry at the snapshot's version stays: the latest change of every entity is in the journal, which is
            // where index shards look for what changed since they last stored.
            await journal.TrimAsync(TMachine.Kind, Key, version);
        }
        catch (Exception ex)
        {
            // Nothing is lost (the journal holds every event), but another activation may have written: start afresh.
            LogSnapshotFailed(logger, ex, TMachine.Kind, Key);
            _diverged = true;
            DeactivateOnIdle();
        }
    }

    /// <summary>Receive times are stored in milliseconds: memory keeps the same, so a replay rebuilds exactly what was answered.</summary>
    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    private void Publish(bool notify)
    {
        if (Entry() is { } entry)
        {
            index.Upsert(entry, notify);
        }
    }

    /// <summary>What the index files of this entity, as its events leave it; null while nothing is stored.</summary>
    private IndexEntry<TSnapshot>? Entry()
    {
        var header = EntityLog.Header(record.State, Key);
        if (header is null)
        {
            return null;
        }

        var state = record.State.State;
        return new IndexEntry<TSnapshot>(
            TMachine.Kind,
            header.Provider,
            header.Id,
            TMachine.Status(state),
            TMachine.Facets(state),
            header.FirstEventAt,
            record.State.FinishedObservedAt,
            record.State.Version,
            header.LastEventAt,
            TMachine.ListItem(state, header),
            TMachine.SearchTerms(state));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} {Key}: journal append failed; deactivating so the next call reloads")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, EntityKind kind, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Key}: version already stored by another activation; reloading")]
    private static partial void LogConflict(ILogger logger, Exception exception, EntityKind kind, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Key}: snapshot write failed (the journal keeps every event); deactivating")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, EntityKind kind, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Key}: finished (seen at {FinishedAt}), past retention; state removed")]
    private static partial void LogExpired(ILogger logger, EntityKind kind, string key, DateTimeOffset finishedAt);
}
