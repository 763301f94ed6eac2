using Sessions.Abstractions.Entities;
using Sessions.Grains.Entities;
using Sessions.Webhooks.Events;

namespace Sessions.Grains.Tests;

public sealed class EntityLogTests
{
    [Fact]
    public void SameDedupeKeyIsADuplicateAndLeavesTheTimelineAlone()
    {
        var state = new EntityLogState();
        var started = Events.Server("gw-1", ServerState.Started, 0);

        Assert.Equal(TransitionOutcome.Applied, EntityLog.Apply(state, started));
        Assert.Equal(TransitionOutcome.Duplicate, EntityLog.Apply(state, started with { OccurredAt = Events.T0.AddHours(1) }));

        Assert.Single(state.Timeline);
    }

    [Fact]
    public void TimelineIsOrderedByEventTimeWhateverTheArrivalOrder()
    {
        var state = new EntityLogState();
        EntityLog.Apply(state, Events.Server("gw-1", ServerState.Stopped, 30));
        EntityLog.Apply(state, Events.Server("gw-1", ServerState.Started, 0));
        EntityLog.Apply(state, Events.Server("gw-1", ServerState.Registered, 10));

        Assert.Equal(["gateway.started", "gateway.registered", "gateway.stopped"], state.Timeline.Select(e => e.Type));
        Assert.Equal(Events.T0, state.FirstEventAt);
        Assert.Equal(Events.T0.AddSeconds(30), state.LastEventAt);
    }

    [Fact]
    public void DedupeMemoryAndTimelineStayBounded()
    {
        var state = new EntityLogState();
        for (var i = 0; i < EntityLogState.MaxSeenKeys + 50; i++)
        {
            EntityLog.Apply(state, Events.Server("gw-1", ServerState.Registered, i));
        }

        Assert.Equal(EntityLogState.MaxSeenKeys, state.SeenKeys.Count);
        Assert.Equal(EntityLogState.MaxTimeline, state.Timeline.Count);
        Assert.Equal(Events.T0.AddSeconds(EntityLogState.MaxSeenKeys + 49), state.Timeline[^1].At);
    }
}
