using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Servers;
using Sessions.Grains.Entities;
using Sessions.Canonical;
using ServerRecord = Sessions.Grains.Entities.EntityRecord<Sessions.Grains.Servers.ServerState>;
using ServerMachine = Sessions.Grains.Servers.ServerStateMachine;
using ServerMachineState = Sessions.Grains.Servers.ServerState;

namespace Sessions.Grains.Tests;

public sealed class EntityLogTests
{
    [Fact]
    public void SameDedupeKeyIsADuplicateAndLeavesTheRecordAlone()
    {
        var record = new ServerRecord();
        var started = Events.Server("gw-1", ServerStatus.Started, 0);

        Assert.Equal(TransitionOutcome.Applied, Apply(record, started));
        var version = record.Version;
        Assert.Equal(TransitionOutcome.Duplicate, Apply(record, started with { OccurredAt = Events.T0.AddHours(1) }));

        Assert.Single(record.Timeline);
        Assert.Equal(version, record.Version);
    }

    [Fact]
    public void OlderEventThatChangesNothingIsStaleButStillOnTheTimeline()
    {
        var record = new ServerRecord();
        Apply(record, Events.Server("gw-1", ServerStatus.Stopped, 30));
        Apply(record, Events.Server("gw-1", ServerStatus.Started, 0));

        var outcome = Apply(record, Events.Server("gw-1", ServerStatus.Registered, 10));

        Assert.Equal(TransitionOutcome.Stale, outcome);
        Assert.Equal([TransitionOutcome.Applied, TransitionOutcome.Stale, TransitionOutcome.Applied], record.Timeline.Select(e => e.Outcome));
    }

    [Fact]
    public void TimelineIsOrderedByEventTimeWhateverTheArrivalOrder()
    {
        var record = new ServerRecord();
        Apply(record, Events.Server("gw-1", ServerStatus.Stopped, 30));
        Apply(record, Events.Server("gw-1", ServerStatus.Started, 0));
        Apply(record, Events.Server("gw-1", ServerStatus.Registered, 10));

        Assert.Equal(["gateway.started", "gateway.registered", "gateway.stopped"], record.Timeline.Select(e => e.Type));
        Assert.Equal(Events.T0, record.FirstEventAt);
        Assert.Equal(Events.T0.AddSeconds(30), record.LastEventAt);
    }

    [Fact]
    public void DedupeMemoryAndTimelineStayBounded()
    {
        var record = new ServerRecord();
        for (var i = 0; i < ServerRecord.MaxSeenKeys + 50; i++)
        {
            Apply(record, Events.Server("gw-1", ServerStatus.Registered, i));
        }

        Assert.Equal(ServerRecord.MaxSeenKeys, record.SeenKeys.Count);
        Assert.Equal(ServerRecord.MaxTimeline, record.Timeline.Count);
        Assert.Equal(Events.T0.AddSeconds(ServerRecord.MaxSeenKeys + 49), record.Timeline[^1].At);
    }

    private static TransitionOutcome Apply(ServerRecord record, CanonicalEvent evt) =>
        EntityLog.Apply<ServerMachineState, ServerSnapshot, ServerMachine>(record, evt);
}
