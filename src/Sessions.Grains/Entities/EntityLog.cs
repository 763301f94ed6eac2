using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Entities;

/// <summary>The pure part every entity shares: dedupe, delegate to the kind's machine, keep times and the timeline.</summary>
internal static class EntityLog
{
    public static TransitionOutcome Apply<TState, TSnapshot, TMachine>(EntityRecord<TState> record, CanonicalEvent evt)
        where TState : class, new()
        where TMachine : IEntityStateMachine<TState, TSnapshot>
    {
        if (record.SeenKeys.Contains(evt.DedupeKey))
        {
            return TransitionOutcome.Duplicate;
        }

        record.SeenKeys.Add(evt.DedupeKey);
        if (record.SeenKeys.Count > EntityRecord<TState>.MaxSeenKeys)
        {
            record.SeenKeys.RemoveAt(0);
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
        record.Timeline.Insert(index, new TimelineEntry(evt.OccurredAt, evt.Type, outcome));
        if (record.Timeline.Count > EntityRecord<TState>.MaxTimeline)
        {
            record.Timeline.RemoveAt(0);
        }

        record.Version++;
        return outcome;
    }

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
