using Microsoft.Extensions.Logging;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Canonical;

namespace Sessions.Grains.Entities;

/// <summary>
/// The thin grain around a kind's pure state machine: dedupe and fold (in <see cref="EntityLog"/>), persist before
/// answering, then file the entity in its index shard. Non-reentrant, so each event is applied atomically. If a write
/// fails, memory is ahead of storage: the exception propagates (the webhook gets 503) and the activation is dropped
/// so the next call reloads what storage really holds.
/// </summary>
public abstract partial class EntityGrain<TState, TSnapshot, TMachine>(
    IPersistentState<EntityRecord<TState>> record,
    TimeProvider time,
    ILogger logger) : Grain, IEntityGrain<TSnapshot>
    where TState : class, new()
    where TSnapshot : class
    where TMachine : IEntityStateMachine<TState, TSnapshot>
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Re-file on activation: an index shard that lost recent updates (a silo crash) is repaired by the entities' return.
        if (record.RecordExists)
        {
            Publish(notify: false);
        }

        return Task.CompletedTask;
    }

    public async Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var outcome = EntityLog.Apply<TState, TSnapshot, TMachine>(record.State, evt);
        var finished = TMachine.FinishedAt(record.State.State) is not null;
        var justFinished = finished && !record.State.FinishedObservedAt.HasValue;
        if (finished != record.State.FinishedObservedAt.HasValue)
        {
            record.State.FinishedObservedAt = finished ? time.GetUtcNow() : null;
        }

        if (outcome is TransitionOutcome.Duplicate)
        {
            // A provider retry: the first delivery may have been stored while its answer (or index update) was lost.
            Publish(notify: false);
            await FollowUpAsync(evt);
            return outcome;
        }

        try
        {
            await record.WriteStateAsync();
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, TMachine.Kind, this.GetPrimaryKeyString());
            DeactivateOnIdle();
            throw;
        }

        Publish(notify: outcome is TransitionOutcome.Applied);
        await FollowUpAsync(evt);
        if (justFinished)
        {
            // A finished entity rarely hears more; free its memory once this call is done (a late event reactivates it).
            DeactivateOnIdle();
        }

        return outcome;
    }

    public Task<TSnapshot?> GetAsync()
    {
        var header = EntityLog.Header(record.State, this.GetPrimaryKeyString());
        return Task.FromResult(header is null ? null : TMachine.Snapshot(record.State.State, header, [.. record.State.Timeline]));
    }

    public Task RefileAsync()
    {
        Publish(notify: false);
        return Task.CompletedTask;
    }

    public async Task<bool> ExpireAsync(DateTimeOffset finishedBefore)
    {
        if (!record.RecordExists || record.State.FinishedObservedAt is not { } finished || finished >= finishedBefore)
        {
            return false;
        }

        var version = record.State.Version;
        await record.ClearStateAsync();
        record.State = new EntityRecord<TState>();
        Shard().RemoveAsync(this.GetPrimaryKeyString(), version).Ignore();
        LogExpired(logger, TMachine.Kind, this.GetPrimaryKeyString(), finished);
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

    private IIndexShardGrain<TSnapshot> Shard() =>
        GrainFactory.GetGrain<IIndexShardGrain<TSnapshot>>(IndexShards.KeyFor(TMachine.Kind, this.GetPrimaryKeyString()));

    private void Publish(bool notify)
    {
        var header = EntityLog.Header(record.State, this.GetPrimaryKeyString());
        if (header is null)
        {
            return;
        }

        var state = record.State.State;
        var entry = new IndexEntry<TSnapshot>(
            TMachine.Kind,
            header.Provider,
            header.Id,
            TMachine.Status(state),
            TMachine.Facets(state),
            header.FirstEventAt,
            record.State.FinishedObservedAt,
            record.State.Version,
            header.LastEventAt,
            TMachine.ListItem(state, header));
        Shard().UpsertAsync(entry, notify).Ignore();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} {Key}: state write failed; deactivating so the next call reloads")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, EntityKind kind, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Key}: finished (seen at {FinishedAt}), past retention; state removed")]
    private static partial void LogExpired(ILogger logger, EntityKind kind, string key, DateTimeOffset finishedAt);
}
