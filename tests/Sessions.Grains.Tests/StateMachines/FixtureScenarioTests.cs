using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Servers;
using Sessions.Canonical;
using Sessions.Grains.Clients;
using Sessions.Grains.Livestreams;
using Sessions.Grains.Sessions;
using Sessions.Testing.Webhooks;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>
/// The out-of-order and duplicate scenarios of the fixture READMEs, through the real adapters: each fixture is parsed
/// as its README says to send it, and the machines get its events in the scenario's order.
/// </summary>
public sealed class FixtureScenarioTests
{
    private static IEnumerable<CanonicalEvent> Of(EntityKind kind, params string[] ids) => ids.SelectMany(id => FromFixture(id, kind));

    [Fact]
    public void LiveSwitchLeftBeforeJoinedLeavesTheClientOutOfTheChannel()
    {
        var (_, session) = Session(Of(EntityKind.Session, "liveswitch/11-channel.client.left.json", "liveswitch/05-channel.client.joined.json"));

        var participant = Assert.Single(session.Participants!);
        Assert.Equal(("Alice", false), (participant.Name, participant.Present));
        Assert.Equal(0, session.ParticipantCount);
    }

    [Fact]
    public void LiveSwitchClosedBeforeConnectedStaysClosed()
    {
        var (_, session) = Session(Of(EntityKind.Session, "liveswitch/10-connection.closed.json", "liveswitch/07-connection.connected.json"));

        Assert.Equal(ConnectionStatus.Closed, Assert.Single(session.Connections!).State);
    }

    [Fact]
    public void LiveSwitchConnectedTwiceIsOneTransition()
    {
        var connected = FromFixture("liveswitch/07-connection.connected.json").Single();
        var (state, _) = Session(connected);

        Assert.False(SessionStateMachine.Apply(state, connected));
    }

    [Fact]
    public void LiveSwitchFleetEndsDownWithTheMediaServerDegraded()
    {
        var gateway = Server(Of(EntityKind.Server, "liveswitch/17-gateway.stopped.json", "liveswitch/01-gateway.started.json")).Snapshot;
        var media = Server(Of(EntityKind.Server, "liveswitch/16-mediaserver.unregistered.json", "liveswitch/02-mediaserver.registered.json")).Snapshot;
        var muxer = Server(Of(EntityKind.Server, "liveswitch/15-recordingmuxer.started.json")).Snapshot;

        Assert.Equal((ServerStatus.Stopped, ServerHealth.Offline, 1, "LS-GW-01"), (gateway.State, gateway.Health, gateway.Incarnation, gateway.MachineName));
        Assert.Equal((ServerStatus.Unregistered, ServerHealth.Down, 0, 16), (media.State, media.Health, media.Incarnation, media.CoreCount));
        Assert.Equal((ServerStatus.Started, ServerHealth.Degraded, "recordingmuxer"), (muxer.State, muxer.Health, muxer.Role));
    }

    [Fact]
    public void LiveSwitchChannelRecordingReadyIsLinkedToItsChannel()
    {
        var recording = Recording(Of(EntityKind.Recording, "liveswitch/14-channel.recording.ready.json")).Snapshot;
        var session = Session(Of(EntityKind.Session, "liveswitch/04-channel.activated.json", "liveswitch/14-channel.recording.ready.json")).Snapshot;

        Assert.Equal((RecordingStatus.Ready, "tracker-demo-app:room-42"), (recording.Status, recording.SessionId));
        Assert.Equal(["tracker-demo-app:room-42"], session.Recordings);
    }

    [Fact]
    public void LiveSwitchClientRegistersAndUnregistersWithItsApplication()
    {
        var registered = Client(Of(EntityKind.Client, "liveswitch/03-client.registered.json"));
        var gone = Client(Of(EntityKind.Client, "liveswitch/12-client.unregistered.json", "liveswitch/03-client.registered.json"));

        Assert.Equal((ClientStatus.Registered, "tracker-demo-app", "Alice", "us-east"),
            (registered.Snapshot.Status, registered.Snapshot.ApplicationId, registered.Snapshot.UserAlias, registered.Snapshot.Region));
        Assert.Equal(ClientStatus.Unregistered, gone.Snapshot.Status);
        Assert.NotNull(ClientStateMachine.FinishedAt(gone.State));
    }

    [Fact]
    public void DyteUploadedBeforeUploadingEndsUploadedWithItsLink()
    {
        var (_, recording) = Recording(Of(EntityKind.Recording, "dyte/09-recording.statusUpdate.UPLOADED.json", "dyte/08-recording.statusUpdate.UPLOADING.json"));

        Assert.Equal((RecordingStatus.Ready, "UPLOADED"), (recording.Status, recording.ProviderStatus));
        Assert.StartsWith("https://recordings.example.invalid/", recording.DownloadUrl, StringComparison.Ordinal);
        Assert.Equal((2_875_000L, 734_003_200L), (recording.DurationMs, recording.SizeBytes));
        Assert.NotNull(recording.DownloadUrlExpiresAt);
    }

    [Fact]
    public void DyteEndedBeforeParticipantLeftStaysEndedWithTheLeave()
    {
        var (_, session) = Session(Of(
            EntityKind.Session, "dyte/01-meeting.started.json", "dyte/02-meeting.participantJoined.json", "dyte/12-meeting.ended.json", "dyte/07-meeting.participantLeft.json"));

        Assert.Equal((SessionStatus.Ended, "Weekly sync", "Tracker Demo Org", "ALL_PARTICIPANTS_LEFT"), (session.Status, session.Title, session.Organizer, session.EndReason));
        var participant = Assert.Single(session.Participants!);
        Assert.Equal(("Alice Example", false, 1), (participant.Name, participant.Present, session.PeakParticipants));
        Assert.NotNull(participant.LeftAt);
    }

    [Fact]
    public void DyteParticipantJoinedTwiceIsOneJoin()
    {
        var joined = FromFixture("dyte/02-meeting.participantJoined.json").Single();
        var (state, session) = Session(joined, joined);

        Assert.Equal(1, session.ParticipantCount);
        Assert.False(SessionStateMachine.Apply(state, joined));
    }

    [Fact]
    public void DyteArtefactsAndLinksCollectOnTheSession()
    {
        var (_, session) = Session(Of(
            EntityKind.Session, "dyte/13-meeting.chatSynced.json", "dyte/14-meeting.transcript.json", "dyte/15-meeting.summary.json",
            "dyte/09-recording.statusUpdate.UPLOADED.json", "dyte/10-recording.statusUpdate.ERRORED.json"));

        Assert.Equal(["chat", "summary", "transcript"], session.Artefacts.Select(a => a.Kind));
        Assert.Equal(2, session.Recordings.Count);
    }

    [Fact]
    public void DyteErroredRecordingFails()
    {
        var (_, recording) = Recording(Of(EntityKind.Recording, "dyte/10-recording.statusUpdate.ERRORED.json"));

        Assert.Equal((RecordingStatus.Failed, "ERRORED"), (recording.Status, recording.ProviderStatus));
    }

    [Fact]
    public void FastPixRecordingBeforeActiveLeavesStreamLiveAndRecordingRunning()
    {
        var stream = Livestream(Of(EntityKind.Livestream, "fastpix/06-video.live_stream.recording.json", "fastpix/05-video.live_stream.active.json")).Snapshot;
        var recording = Recording(Of(EntityKind.Recording, "fastpix/06-video.live_stream.recording.json")).Snapshot;

        Assert.Equal((LivestreamStatus.Live, "recording"), (stream.Status, stream.ProviderStatus));
        Assert.Equal(RecordingStatus.Recording, recording.Status);
    }

    [Fact]
    public void FastPixIdleBeforeFinalDisconnectStaysIdle()
    {
        var (_, stream) = Livestream(Of(EntityKind.Livestream, "fastpix/12-video.live_stream.idle.json", "fastpix/11-video.live_stream.disconnected.final.json"));

        Assert.Equal((LivestreamStatus.Idle, "idle"), (stream.Status, stream.ProviderStatus));
    }

    [Fact]
    public void FastPixReconnectWithinTheWindowIsLiveAgainWhateverTheOrder()
    {
        var (_, stream) = Livestream(Of(
            EntityKind.Livestream, "fastpix/10-video.live_stream.active.after-reconnect.json", "fastpix/09-video.live_stream.disconnected.json", "fastpix/05-video.live_stream.active.json"));

        Assert.Equal((LivestreamStatus.Live, "active"), (stream.Status, stream.ProviderStatus));
    }

    [Fact]
    public void FastPixConnectedAfterIdleStartsANewBroadcast()
    {
        var idle = Of(EntityKind.Livestream, "fastpix/12-video.live_stream.idle.json").Single();
        var connected = Of(EntityKind.Livestream, "fastpix/04-video.live_stream.connected.json").Single();
        var nextBroadcast = connected with { OccurredAt = idle.OccurredAt.AddHours(1), DedupeKey = "fastpix:next-broadcast" };

        var (_, stream) = Livestream(nextBroadcast, idle, connected);

        Assert.Equal(LivestreamStatus.Connected, stream.Status);
    }

    [Fact]
    public void FastPixWholeLifecycleEndsDeletedWithTheTargetDeleted()
    {
        var ids = FixtureIds("fastpix/");
        var (state, stream) = Livestream(ids.Reverse().SelectMany(id => FromFixture(id, EntityKind.Livestream)));

        Assert.Equal((LivestreamStatus.Deleted, "deleted"), (stream.Status, stream.ProviderStatus));
        Assert.Equal(SimulcastTargetStatus.Deleted, Assert.Single(stream.SimulcastTargets).Status);
        Assert.Equal("rtmp://live.example.invalid/app/", stream.SimulcastTargets[0].Url);
        // 16 (updated) sets the reconnect window to 300, but 17 (deleted, later) restates 60: the newest statement wins.
        Assert.Equal(new LivestreamSettingsView("1080p", 60, true), stream.Settings);
        Assert.NotNull(LivestreamStateMachine.FinishedAt(state));
    }

    [Fact]
    public void EyesonFinishedBeforeStoppedStaysFinishedWithItsLink()
    {
        var (_, recording) = Recording(Of(EntityKind.Recording, "eyeson/rest/05-recording_update.finished.json", "eyeson/rest/04-recording_update.stopped.json"));

        Assert.Equal((RecordingStatus.Ready, "finished", 754_000L), (recording.Status, recording.ProviderStatus, recording.DurationMs));
        Assert.NotNull(recording.DownloadUrl);
    }

    [Fact]
    public void EyesonShutdownBeforeReadyStaysShutDownAndKeepsItsSnapshot()
    {
        var (_, session) = Session(Of(
            EntityKind.Session, "eyeson/rest/07-room_update.shutdown.json", "eyeson/rest/06-snapshot_update.json", "eyeson/rest/02-room_update.ready.json",
            "eyeson/rest/01-room_update.created.json", "eyeson/rest/07-room_update.shutdown.json"));

        Assert.Equal((SessionStatus.Ended, "Support call 42"), (session.Status, session.Title));
        Assert.Equal("snapshot", Assert.Single(session.Artefacts).Kind);
        Assert.NotNull(session.StartedAt);
    }

    [Fact]
    public void StreamRecUploadsAndSessionsFinish()
    {
        var ready = Recording(Of(EntityKind.Recording, "eyeson/streamrec/08-upload_ready.json")).Snapshot;
        var failed = Recording(Of(EntityKind.Recording, "eyeson/streamrec/09-upload_failed.json")).Snapshot;
        var agent = Session(Of(EntityKind.Session, "eyeson/streamrec/11-supervisor_session_finished.json", "eyeson/streamrec/10-session_finished.json"))
            .Snapshot;

        Assert.Equal((RecordingStatus.Ready, 899_522L, 187_640_217L), (ready.Status, ready.DurationMs, ready.SizeBytes));
        Assert.Equal((RecordingStatus.Failed, "upload answered HTTP 403"), (failed.Status, failed.FailureReason));
        Assert.Equal(SessionStatus.Ended, agent.Status);
        Assert.Equal(["5061fd09-834c-1efa-be18-4a08eb54996f"], agent.LinkedSessions);
    }

    /// <summary>Fixture ids under <paramref name="prefix"/>, in file order.</summary>
    internal static IReadOnlyList<string> FixtureIds(string prefix) =>
        [.. FixtureFiles.All.Select(f => f.Id).Where(id => id.StartsWith(prefix, StringComparison.Ordinal))];
}
