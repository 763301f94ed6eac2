using System.Text.Json;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Servers;
using Sessions.Grains.Entities;
using Sessions.Grains.Storage;
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

        Assert.Equal(ServerRecord.MaxSeenKeys, record.SeenHashes.Count);
        Assert.Equal(ServerRecord.MaxTimeline, record.Timeline.Count);
        Assert.Equal(Events.T0.AddSeconds(ServerRecord.MaxSeenKeys + 49), record.Timeline[^1].At);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReplayingTheJournalAfterAnySnapshotRebuildsTheSameRecord(int seed)
    {
        // Events in a random order, with retries, as providers deliver them; the journal keeps every non-duplicate.
        var random = new Random(seed);
        var states = new[] { ServerStatus.Started, ServerStatus.Registered, ServerStatus.Unregistered, ServerStatus.Stopped };
        var events = Enumerable.Range(0, 60).Select(i => Events.Server("gw-1", states[i % 4], i)).ToList();
        var delivered = events.Concat(events.Take(15)).OrderBy(_ => random.Next()).ToList();
        var live = new ServerRecord();
        var journal = new List<JournalEntry>();
        foreach (var (evt, n) in delivered.Select((e, n) => (e, n)))
        {
            var receivedAt = Events.T0.AddMinutes(n);
            if (Apply(live, evt, receivedAt) is not TransitionOutcome.Duplicate)
            {
                journal.Add(new JournalEntry(live.Version, receivedAt, evt));
            }
        }

        foreach (var snapshotAt in new[] { 0, 1, 17, journal.Count - 1, journal.Count })
        {
            var snapshot = Replay(new ServerRecord(), journal.Take(snapshotAt));
            var rebuilt = Replay(snapshot, journal);

            Assert.Equal(JsonSerializer.Serialize(live), JsonSerializer.Serialize(rebuilt));
        }
    }

    [Fact]
    public void ATombstoneStartsTheEntityAfreshAtItsVersion()
    {
        var journal = new[]
        {
            new JournalEntry(1, Events.T0, Events.Server("gw-1", ServerStatus.Started, 0)),
            new JournalEntry(2, Events.T0, Events.Server("gw-1", ServerStatus.Stopped, 5)),
            new JournalEntry(3, Events.T0.AddDays(8), Event: null),
            new JournalEntry(4, Events.T0.AddDays(9), Events.Server("gw-1", ServerStatus.Registered, 99)),
        };

        var record = Replay(new ServerRecord(), journal);

        Assert.Equal(4, record.Version);
        Assert.Equal(["gateway.registered"], record.Timeline.Select(e => e.Type));
        Assert.Equal(Events.T0.AddSeconds(99), record.FirstEventAt);
    }

    [Fact]
    public void RetentionCountsFromTheReceiveTimeOfTheFinishingEventAndAReopenedEntityIsNotFinished()
    {
        var record = new ServerRecord();
        Apply(record, Events.Server("gw-1", ServerStatus.Started, 0), Events.T0.AddDays(1));
        Assert.Null(record.FinishedObservedAt);

        Apply(record, Events.Server("gw-1", ServerStatus.Stopped, 10), Events.T0.AddDays(2));
        Assert.Equal(Events.T0.AddDays(2), record.FinishedObservedAt);

        Apply(record, Events.Server("gw-1", ServerStatus.Started, 20), Events.T0.AddDays(3));
        Assert.Null(record.FinishedObservedAt);
    }

    [Fact]
    public void KeysRememberedByAnEarlierVersionStillMakeDuplicatesAndAreHashedOnTheNextEvent()
    {
        var started = Events.Server("gw-1", ServerStatus.Started, 0);
        var record = new ServerRecord { SeenKeys = [started.DedupeKey, "liveswitch:gw-1:older"] };

        Assert.Equal(TransitionOutcome.Duplicate, Apply(record, started));
        Assert.Empty(record.SeenKeys);
        Assert.Equal(TransitionOutcome.Applied, Apply(record, Events.Server("gw-1", ServerStatus.Registered, 5)));
        Assert.Equal(3, record.SeenHashes.Count);
    }

    private static TransitionOutcome Apply(ServerRecord record, CanonicalEvent evt) => Apply(record, evt, Events.T0);

    private static TransitionOutcome Apply(ServerRecord record, CanonicalEvent evt, DateTimeOffset receivedAt) =>
        EntityLog.Apply<ServerMachineState, ServerSnapshot, ServerMachine>(record, evt, receivedAt);

    private static ServerRecord Replay(ServerRecord record, IEnumerable<JournalEntry> entries) =>
        EntityLog.Replay<ServerMachineState, ServerSnapshot, ServerMachine>(record, entries);
}
