using Sessions.Canonical;
using Sessions.Grains.Livestreams;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>Recordings a stream started and its provider never ends (FastPix) end with the broadcast, in any arrival order.</summary>
public sealed class StreamRecordingsTests
{
    private static readonly LivestreamSettings Window60 = new(ReconnectWindowSeconds: 60);

    private static CanonicalEvent Status(LivestreamStatus status, double seconds, string word) =>
        At(seconds, new LivestreamStatusChanged(status, word, Settings: Window60));

    private static CanonicalEvent RecordingStarted(double seconds) =>
        At(seconds, new LivestreamStatusChanged(LivestreamStatus.Live, "recording", Settings: Window60) { StartedRecordingId = "rec-1" });

    [Theory]
    [InlineData(LivestreamStatus.Idle, "idle")]
    [InlineData(LivestreamStatus.Deleted, "deleted")]
    [InlineData(LivestreamStatus.Disabled, "disabled")]
    public void ARecordingEndsWhenItsStreamEndsItsBroadcast(LivestreamStatus end, string word)
    {
        var stop = Assert.Single(FollowUps(RecordingStarted(0), Status(end, 600, word)));

        Assert.Equal((EntityKind.Recording, "rec-1", T0.AddSeconds(600), $"livestream.{word}"), (stop.Kind, stop.EntityId, stop.OccurredAt, stop.Type));
        var change = Assert.IsType<RecordingStatusChanged>(stop.Change);
        Assert.Equal((RecordingStatus.Stopped, word, T0.AddSeconds(600)), (change.Status, change.ProviderStatus, change.Details?.StoppedAt));
    }

    [Fact]
    public void ADisconnectEndsTheRecordingOnlyWhenTheStreamStaysAwayPastItsReconnectWindow()
    {
        // Back within the window: still recording, whatever comes later.
        Assert.Empty(FollowUps(RecordingStarted(0), Status(LivestreamStatus.Disconnected, 100, "disconnected"), Status(LivestreamStatus.Live, 130, "active"), Status(LivestreamStatus.Live, 900, "active")));

        // Window not over yet (no later event): undecided.
        Assert.Empty(FollowUps(RecordingStarted(0), Status(LivestreamStatus.Disconnected, 100, "disconnected")));

        // Away for good: it ended when the stream disconnected, proven by an event past the window.
        var stop = Assert.Single(FollowUps(RecordingStarted(0), Status(LivestreamStatus.Disconnected, 100, "disconnected"), Status(LivestreamStatus.Idle, 160.05, "idle")));
        Assert.Equal((T0.AddSeconds(100), "livestream.disconnected"), (stop.OccurredAt, stop.Type));
    }

    [Fact]
    public void TheEndIsTheSameInEveryArrivalOrderAndAnEndBeforeTheStartEndsNothing()
    {
        CanonicalEvent[] events =
        [
            RecordingStarted(0), Status(LivestreamStatus.Disconnected, 100, "disconnected"), Status(LivestreamStatus.Live, 120, "active"),
            Status(LivestreamStatus.Disconnected, 500, "disconnected"), Status(LivestreamStatus.Idle, 561, "idle"), Status(LivestreamStatus.Deleted, 900, "deleted"),
        ];
        foreach (var order in new[] { events, [.. events.Reverse()], [events[4], events[0], events[5], events[2], events[1], events[3]] })
        {
            var stops = FollowUps(order);
            Assert.Equal([("rec-1", T0.AddSeconds(500))], stops.Select(s => (s.EntityId, s.OccurredAt)));
        }

        Assert.Empty(FollowUps(Status(LivestreamStatus.Idle, -10, "idle"), RecordingStarted(0)));
    }

    [Fact]
    public void ARunningRecordingHearsItsStreamsNewestWordWithTheWindowsEndWhileDisconnected()
    {
        var away = Assert.Single(StreamWords(RecordingStarted(0), Status(LivestreamStatus.Disconnected, 100, "disconnected")));
        Assert.Equal(("rec-1", T0.AddSeconds(100), "stream.disconnected"), (away.EntityId, away.OccurredAt, away.Type));
        Assert.Equal(new RecordingStreamStatus(LivestreamStatus.Disconnected, T0.AddSeconds(160)), away.Change);

        // Back within the window: the recording hears it, with no window to wait for.
        var back = Assert.Single(StreamWords(RecordingStarted(0), Status(LivestreamStatus.Disconnected, 100, "disconnected"), Status(LivestreamStatus.Live, 130, "active")));
        Assert.Equal(new RecordingStreamStatus(LivestreamStatus.Live), back.Change);

        // Once its end is known it hears only the stop.
        Assert.Empty(StreamWords(RecordingStarted(0), Status(LivestreamStatus.Idle, 600, "idle")));
    }

    /// <summary>The recordings' stops after the last event, with all of <paramref name="events"/> folded in.</summary>
    private static IReadOnlyList<CanonicalEvent> FollowUps(params CanonicalEvent[] events) =>
        [.. AllFollowUps(events).Where(e => e.Change is RecordingStatusChanged)];

    /// <summary>The stream words told to running recordings after the last event.</summary>
    private static IReadOnlyList<CanonicalEvent> StreamWords(params CanonicalEvent[] events) =>
        [.. AllFollowUps(events).Where(e => e.Change is RecordingStreamStatus)];

    private static IReadOnlyList<CanonicalEvent> AllFollowUps(CanonicalEvent[] events)
    {
        var (state, _) = Livestream(events);
        return LivestreamStateMachine.FollowUps(state, events[^1]);
    }
}
