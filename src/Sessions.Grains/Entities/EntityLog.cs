using Sessions.Abstractions.Entities;
using Sessions.Webhooks.Events;

namespace Sessions.Grains.Entities;

/// <summary>Pure fold of canonical events into an <see cref="EntityLogState"/>: dedupe, then record on the timeline.</summary>
internal static class EntityLog
{
    public static TransitionOutcome Apply(EntityLogState state, CanonicalEvent evt)
    {
        if (state.SeenKeys.Contains(evt.DedupeKey))
        {
            return TransitionOutcome.Duplicate;
        }

        state.SeenKeys.Add(evt.DedupeKey);
        if (state.SeenKeys.Count > EntityLogState.MaxSeenKeys)
        {
            state.SeenKeys.RemoveAt(0);
        }

        var entry = new TimelineEntry(evt.OccurredAt, evt.Type, TransitionOutcome.Applied);
        var index = state.Timeline.FindLastIndex(e => e.At <= evt.OccurredAt) + 1;
        state.Timeline.Insert(index, entry);
        if (state.Timeline.Count > EntityLogState.MaxTimeline)
        {
            state.Timeline.RemoveAt(0);
        }

        state.FirstEventAt = state.FirstEventAt is { } first && first <= evt.OccurredAt ? first : evt.OccurredAt;
        state.LastEventAt = state.LastEventAt is { } last && last >= evt.OccurredAt ? last : evt.OccurredAt;
        return TransitionOutcome.Applied;
    }
}
