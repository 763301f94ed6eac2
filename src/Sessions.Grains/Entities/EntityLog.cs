using Sessions.Abstractions.Entities;
using Sessions.Canonical;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Entities;

/// <summary>The pure part every entity shares: dedupe, delegate to the kind's machine, keep times and the timeline.</summary>
internal static class EntityLog
{
    /// <summary>
    /// Folds <paramref name="evt"/>, received at <paramref name="receivedAt"/>, into <paramref name="record"/>; every
    /// outcome but <see cref="TransitionOutcome.Duplicate"/> is a new version to store.
    /// </summary>
    public static TransitionOutcome Apply<TState, TSnapshot, TMachine>(EntityRecord<TState> record, CanonicalEvent evt, DateTimeOffset receivedAt)
        where TState : class, new()
        where TMachine : IEntityStateMachine<TState, TSnapshot>
    {
        if (record.SeenKeys.Count > 0)
        {
            record.SeenHashes.InsertRange(0, record.SeenKeys.Select(DedupeHash));
            record.SeenKeys.Clear();
        }

        var hash = DedupeHash(evt.DedupeKey);
        if (record.SeenHashes.Contains(hash))
        {
            return TransitionOutcome.Duplicate;
        }

        record.SeenHashes.Add(hash);
        if (record.SeenHashes.Count > EntityRecord<TState>.MaxSeenKeys)
        {
            record.SeenHashes.RemoveRange(0, record.SeenHashes.Count - EntityRecord<TState>.MaxSeenKeys);
        }

        var changed = TMachine.Apply(record.State, evt);
        if (record.FirstEventAt is not { } first || evt.OccurredAt < first)
        {
            record.FirstEventAt = evt.OccurredAt;
            changed = true;
        }

        if (record.LastEventAt is not { } last || evt.OccurredAt > last)
        {
            record.LastEventAt = evt.OccurredAt;
            changed = true;
        }

        var outcome = changed ? TransitionOutcome.Applied : TransitionOutcome.Stale;
        var index = record.Timeline.FindLastIndex(e => e.At <= evt.OccurredAt) + 1;
        record.Timeline.Insert(index, new TimelineEntry(evt.OccurredAt, evt.Type, outcome, TimelineSubjects.Of(evt.Change)));
        if (record.Timeline.Count > EntityRecord<TState>.MaxTimeline)
        {
            record.Timeline.RemoveAt(0);
        }

        record.Version++;

        // Retention counts from when this tracker saw the entity finish (receive time), and a reopened entity is not finished.
        var finished = TMachine.FinishedAt(record.State) is not null;
        if (finished != record.FinishedObservedAt.HasValue)
        {
            record.FinishedObservedAt = finished ? receivedAt : null;
        }

        return outcome;
    }

    /// <summary>
    /// <paramref name="record"/> (a snapshot) brought up to date with the journal <paramref name="entries"/> after it:
    /// each event folded at the version and receive time it was stored with; a tombstone starts the entity afresh.
    /// </summary>
    public static EntityRecord<TState> Replay<TState, TSnapshot, TMachine>(EntityRecord<TState> record, IEnumerable<JournalEntry> entries)
        where TState : class, new()
        where TMachine : IEntityStateMachine<TState, TSnapshot>
    {
        foreach (var entry in entries.Where(e => e.Version > record.Version))
        {
            if (entry.Event is { } evt)
            {
                Apply<TState, TSnapshot, TMachine>(record, evt, entry.RecordedAt);
            }
            else
            {
                record = new EntityRecord<TState>();
            }

            record.Version = entry.Version;
        }

        return record;
    }

    /// <summary>
    /// How an entity remembers a dedupe key: its <see cref="KeyHash"/>. Two of one entity's last 256 keys
    /// share a hash with odds of about 2⁻⁴⁸; a stored hash never changes, so it must never change either.
    /// </summary>
    public static long DedupeHash(string dedupeKey) => unchecked((long)KeyHash.Of(dedupeKey));

    /// <summary>Who the entity is and when it was first and last heard of; null before any event.</summary>
    public static EntityHeader? Header<TState>(EntityRecord<TState> record, string key)
        where TState : class, new()
    {
        if (record.FirstEventAt is not { } first || record.LastEventAt is not { } last)
        {
            return null;
        }

        var (provider, id) = EntityKey.Split(key);
        return new EntityHeader(provider, id, first, last);
    }
}
