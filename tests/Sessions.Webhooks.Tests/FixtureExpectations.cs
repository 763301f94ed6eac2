using Sessions.Canonical;

namespace Sessions.Webhooks.Tests;

/// <summary>What each fixture must map to, row by row from design/providers.md.</summary>
internal static class FixtureExpectations
{
    /// <summary>The fixtures' channel as the tracker keys it: by the application that signed it, then the channel id.</summary>
    private const string Channel = "tracker-demo-app:room-42";
    private const string AliceClient = "c1a7f0e2d3b44c5a9e8f7a6b5c4d3e2f";
    private const string AliceConnection = "e3c9f2a4b5d6470e8a1b2c3d4e5f6a7b";
    private const string BobClient = "d2b8e1f3c4a54d6b0f9e8b7c6d5e4f30";
    private const string BobConnection = "a9d8c7b6e5f44a3b2c1d0e9f8a7b6c5d";
    private const string Gateway = "3b2f6a10-5c7e-4d21-9f0a-6c1d2e3f4a5b";
    private const string MediaServer = "8d4e2c71-0a9b-4f6e-b3c2-1a7e5d9f0c24";
    private const string Version = "1.17.4.26271";

    private const string DyteSession = "a7e3d2c1-b0a9-4f8e-8d7c-6b5a4e3d2c1b";
    private const string DyteRecording = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    private const string DyteFailedRecording = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";
    private const string DyteStream = "d4c3b2a1-0f9e-4d8c-b7a6-958473625140";
    private const string Peer = "e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b";

    private const string Stream = "7d2e9c4b1a0f48e6b3c5d8a9f1e2c3b4";
    private const string Target = "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7";
    private const string TargetUrl = "rtmp://live.example.invalid/app/";

    private const string Room = "66670a1b2c3d4e5f60718293";
    private const string RoomName = "Support call 42";
    private const string EyesonRecording = "66670b2c3d4e5f6071829301";
    private const string ClientSession = "6760fea3-589c-4253-b1c6-3d87123be956";
    private const string SupervisorSession = "5061fd09-834c-1efa-be18-4a08eb54996f";

    private static readonly ServerInfo GatewayInfo = new("LS-GW-01", Version, 8, "linux", "Ubuntu 22.04");
    private static readonly ServerInfo MediaServerInfo = new("LS-MS-01", Version, 16, "linux", "Ubuntu 22.04");
    private static readonly ClientInfo Alice = new(
        "alice", "Alice", "0b9e4c1a-77aa-4f0e-9c2d-5e6f7a8b9c0d", "alice-laptop", "presenter", "us-east", ["host"], "websocket", Version, "windows");
    private static readonly LivestreamSettings Settings60 = new("1080p", 60, true);
    private static readonly DateTimeOffset DyteRecordingStart = At("2024-06-10T06:14:05.118342Z");
    private static readonly DateTimeOffset DyteRecordingStop = At("2024-06-10T07:02:00.771205Z");
    private static readonly DateTimeOffset EyesonRecordingStart = DateTimeOffset.FromUnixTimeSeconds(1718000100);

    /// <summary>One expected item: a canonical event's entity and change, or an unmapped type (kind null) with its hint.</summary>
    public sealed record Row(EntityKind? Kind, string? EntityId, EntityChange? Change)
    {
        public static Row Of(WebhookItem item) => item switch
        {
            CanonicalEvent e => new Row(e.Kind, e.EntityId, e.Change),
            UnmappedEvent u => new Row(null, u.EntityHint, null),
            _ => throw new ArgumentOutOfRangeException(nameof(item)),
        };
    }

    public static readonly IReadOnlyDictionary<string, Row[]> Expected = new Dictionary<string, Row[]>
    {
        ["liveswitch/01-gateway.started.json"] = [new(EntityKind.Server, Gateway, new ServerStateChanged("gateway", ServerStatus.Started, GatewayInfo))],
        ["liveswitch/02-mediaserver.registered.json"] = [new(EntityKind.Server, MediaServer, new ServerStateChanged("mediaserver", ServerStatus.Registered, MediaServerInfo))],
        ["liveswitch/03-client.registered.json"] = [new(EntityKind.Client, AliceClient, new ClientRegistrationChanged("tracker-demo-app", true, Alice))],
        ["liveswitch/04-channel.activated.json"] = [new(EntityKind.Session, Channel, new SessionStatusChanged(SessionStatus.Active))],
        ["liveswitch/05-channel.client.joined.json"] = [new(EntityKind.Session, Channel, new ParticipantChanged(AliceClient, true, "Alice"))],
        ["liveswitch/06-batch.connection.initializing+connecting.json"] =
        [
            new(EntityKind.Session, Channel, new ConnectionChanged(AliceConnection, ConnectionStatus.Initializing, AliceClient)),
            new(EntityKind.Session, Channel, new ConnectionChanged(AliceConnection, ConnectionStatus.Connecting, AliceClient)),
        ],
        ["liveswitch/07-connection.connected.json"] = [new(EntityKind.Session, Channel, new ConnectionChanged(AliceConnection, ConnectionStatus.Connected, AliceClient))],
        ["liveswitch/08-batch.connection.failing+failed.json"] =
        [
            new(EntityKind.Session, Channel, new ConnectionChanged(BobConnection, ConnectionStatus.Failing, BobClient)),
            new(EntityKind.Session, Channel, new ConnectionChanged(BobConnection, ConnectionStatus.Failed, BobClient)),
        ],
        ["liveswitch/09-connection.closing.json"] = [new(EntityKind.Session, Channel, new ConnectionChanged(AliceConnection, ConnectionStatus.Closing, AliceClient))],
        ["liveswitch/10-connection.closed.json"] = [new(EntityKind.Session, Channel, new ConnectionChanged(AliceConnection, ConnectionStatus.Closed, AliceClient))],
        ["liveswitch/11-channel.client.left.json"] = [new(EntityKind.Session, Channel, new ParticipantChanged(AliceClient, false, "Alice"))],
        ["liveswitch/12-client.unregistered.json"] = [new(EntityKind.Client, AliceClient, new ClientRegistrationChanged("tracker-demo-app", false, Alice))],
        ["liveswitch/13-channel.deactivated.json"] = [new(EntityKind.Session, Channel, new SessionStatusChanged(SessionStatus.Ended))],
        ["liveswitch/14-channel.recording.ready.json"] =
        [
            new(EntityKind.Recording, Channel, new RecordingStatusChanged(RecordingStatus.Ready, "channel.recording.ready", Channel)),
            new(EntityKind.Session, Channel, new SessionLinked(EntityKind.Recording, Channel)),
        ],
        ["liveswitch/15-recordingmuxer.started.json"] =
            [new(EntityKind.Server, "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b", new ServerStateChanged("recordingmuxer", ServerStatus.Started, new ServerInfo("LS-MUX-01", Version, 4, "linux")))],
        ["liveswitch/16-mediaserver.unregistered.json"] = [new(EntityKind.Server, MediaServer, new ServerStateChanged("mediaserver", ServerStatus.Unregistered, MediaServerInfo))],
        ["liveswitch/17-gateway.stopped.json"] = [new(EntityKind.Server, Gateway, new ServerStateChanged("gateway", ServerStatus.Stopped, GatewayInfo))],

        ["dyte/01-meeting.started.json"] =
            [new(EntityKind.Session, DyteSession, new SessionStatusChanged(SessionStatus.Active, "Weekly sync") { Organizer = "Tracker Demo Org" })],
        ["dyte/02-meeting.participantJoined.json"] = [new(EntityKind.Session, DyteSession, new ParticipantChanged(Peer, true, "Alice Example"))],
        ["dyte/03-livestreaming.statusUpdate.IDLE.json"] = [new(EntityKind.Livestream, DyteStream, new LivestreamStatusChanged(LivestreamStatus.Idle, "IDLE"))],
        ["dyte/04-livestreaming.statusUpdate.LIVE.json"] = [new(EntityKind.Livestream, DyteStream, new LivestreamStatusChanged(LivestreamStatus.Live, "LIVE"))],
        ["dyte/05-recording.statusUpdate.INVOKED.json"] = DyteRecordingRows(DyteRecording, RecordingStatus.Pending, "INVOKED", new RecordingDetails()),
        ["dyte/06-recording.statusUpdate.RECORDING.json"] =
            DyteRecordingRows(DyteRecording, RecordingStatus.Recording, "RECORDING", new RecordingDetails(StartedAt: DyteRecordingStart)),
        ["dyte/07-meeting.participantLeft.json"] = [new(EntityKind.Session, DyteSession, new ParticipantChanged(Peer, false, "Alice Example"))],
        ["dyte/08-recording.statusUpdate.UPLOADING.json"] =
            DyteRecordingRows(DyteRecording, RecordingStatus.Uploading, "UPLOADING", new RecordingDetails(DyteRecordingStart, DyteRecordingStop, SizeBytes: 734003200)),
        ["dyte/09-recording.statusUpdate.UPLOADED.json"] = DyteRecordingRows(DyteRecording, RecordingStatus.Ready, "UPLOADED", new RecordingDetails(
            DyteRecordingStart,
            DyteRecordingStop,
            DurationMs: 2_875_000,
            SizeBytes: 734003200,
            DownloadUrl: "https://recordings.example.invalid/org/rec.mp4?sig=redacted",
            DownloadUrlExpiresAt: At("2024-06-17T07:02:40.004512Z"))),
        ["dyte/10-recording.statusUpdate.ERRORED.json"] = DyteRecordingRows(DyteFailedRecording, RecordingStatus.Failed, "ERRORED",
            new RecordingDetails(At("2024-06-10T06:30:00.000001Z"), At("2024-06-10T06:30:09.512Z"))),
        ["dyte/11-livestreaming.statusUpdate.OFFLINE.json"] = [new(EntityKind.Livestream, DyteStream, new LivestreamStatusChanged(LivestreamStatus.Idle, "OFFLINE"))],
        ["dyte/12-meeting.ended.json"] =
            [new(EntityKind.Session, DyteSession, new SessionStatusChanged(SessionStatus.Ended, "Weekly sync", "ALL_PARTICIPANTS_LEFT"))],
        ["dyte/13-meeting.chatSynced.json"] =
            [new(EntityKind.Session, DyteSession, new SessionArtefactAdded("chat", "https://chat.example.invalid/dump.csv?sig=redacted"))],
        ["dyte/14-meeting.transcript.json"] =
            [new(EntityKind.Session, DyteSession, new SessionArtefactAdded("transcript", "https://transcripts.example.invalid/t.csv?sig=redacted"))],
        ["dyte/15-meeting.summary.json"] =
            [new(EntityKind.Session, DyteSession, new SessionArtefactAdded("summary", "https://summaries.example.invalid/s.txt?sig=redacted"))],

        ["fastpix/01-video.live_stream.created.json"] = [StreamStatus(LivestreamStatus.Idle, "created")],
        ["fastpix/02-video.live_stream.simulcast_target.created.json"] = [TargetStatus(SimulcastTargetStatus.Idle)],
        ["fastpix/03-video.live_stream.preparing.json"] = [StreamStatus(LivestreamStatus.Preparing, "preparing")],
        ["fastpix/04-video.live_stream.connected.json"] = [StreamStatus(LivestreamStatus.Connected, "connected")],
        ["fastpix/05-video.live_stream.active.json"] = [StreamStatus(LivestreamStatus.Live, "active")],
        ["fastpix/06-video.live_stream.recording.json"] =
        [
            new(EntityKind.Livestream, Stream, new LivestreamStatusChanged(LivestreamStatus.Live, "recording", Settings: Settings60)
            {
                StartedRecordingId = $"{Stream}-20240610T062003950Z",
            }),
            new(EntityKind.Recording, $"{Stream}-20240610T062003950Z",
                new RecordingStatusChanged(RecordingStatus.Recording, "recording", Details: new RecordingDetails(StartedAt: At("2024-06-10T06:20:03.950Z")))),
        ],
        ["fastpix/07-video.live_stream.simulcast_target.starting.json"] = [TargetStatus(SimulcastTargetStatus.Starting)],
        ["fastpix/08-video.live_stream.simulcast_target.broadcasting.json"] = [TargetStatus(SimulcastTargetStatus.Broadcasting)],
        ["fastpix/09-video.live_stream.disconnected.json"] = [StreamStatus(LivestreamStatus.Disconnected, "disconnected")],
        ["fastpix/10-video.live_stream.active.after-reconnect.json"] = [StreamStatus(LivestreamStatus.Live, "active")],
        ["fastpix/11-video.live_stream.disconnected.final.json"] = [StreamStatus(LivestreamStatus.Disconnected, "disconnected")],
        ["fastpix/12-video.live_stream.idle.json"] = [StreamStatus(LivestreamStatus.Idle, "idle")],
        ["fastpix/13-video.media.created.json"] = [new(null, "0e1d2c3b4a5948f7a6b5c4d3e2f1a0b9", null)],
        ["fastpix/14-video.live_stream.simulcast_target.updated.json"] = [TargetStatus(SimulcastTargetStatus.Idle)],
        ["fastpix/15-video.live_stream.simulcast_target.deleted.json"] =
            [new(EntityKind.Livestream, Stream, new SimulcastTargetChanged(Target, SimulcastTargetStatus.Deleted))],
        ["fastpix/16-video.live_stream.updated.json"] = [new(EntityKind.Livestream, Stream, new LivestreamUpdated(new LivestreamSettings("1080p", 300, true)))],
        ["fastpix/17-video.live_stream.deleted.json"] = [StreamStatus(LivestreamStatus.Deleted, "deleted")],
        ["fastpix/99-variant.docs-table-envelope.video.live_stream.idle.json"] =
            [new(EntityKind.Livestream, Stream, new LivestreamStatusChanged(LivestreamStatus.Idle, "idle", Settings: new LivestreamSettings("1080p", 60)))],

        ["eyeson/rest/01-room_update.created.json"] = [new(EntityKind.Session, Room, new SessionSeen())],
        ["eyeson/rest/02-room_update.ready.json"] = [new(EntityKind.Session, Room, new SessionStatusChanged(SessionStatus.Active, RoomName))],
        ["eyeson/rest/03-recording_update.started.json"] =
            EyesonRecordingRows(RecordingStatus.Recording, "started", new RecordingDetails(StartedAt: EyesonRecordingStart)),
        ["eyeson/rest/04-recording_update.stopped.json"] =
            EyesonRecordingRows(RecordingStatus.Stopped, "stopped", new RecordingDetails(StartedAt: EyesonRecordingStart, DurationMs: 754_000)),
        ["eyeson/rest/05-recording_update.finished.json"] = EyesonRecordingRows(RecordingStatus.Ready, "finished",
            new RecordingDetails(StartedAt: EyesonRecordingStart, DurationMs: 754_000, DownloadUrl: "https://fs.eyeson.example.invalid/meetings/rec.webm?sig=redacted")),
        ["eyeson/rest/06-snapshot_update.json"] =
            [new(EntityKind.Session, Room, new SessionArtefactAdded("snapshot", "https://fs.eyeson.example.invalid/meetings/snap.jpg?sig=redacted"))],
        ["eyeson/rest/07-room_update.shutdown.json"] = [new(EntityKind.Session, Room, new SessionStatusChanged(SessionStatus.Ended, RoomName))],
        ["eyeson/streamrec/08-upload_ready.json"] = [new(EntityKind.Recording, "rec-7f3c", new RecordingStatusChanged(RecordingStatus.Ready, "upload_ready", Details: new RecordingDetails(
            At("2024-06-10T06:20:00.120Z"), At("2024-06-10T06:35:00.002Z"), DurationMs: 899522, SizeBytes: 187640217)))],
        ["eyeson/streamrec/09-upload_failed.json"] = [new(EntityKind.Recording, "rec-8a1d",
            new RecordingStatusChanged(RecordingStatus.Failed, "upload_failed", Details: new RecordingDetails(FailureReason: "upload answered HTTP 403")))],
        ["eyeson/streamrec/10-session_finished.json"] = [new(EntityKind.Session, ClientSession, new SessionStatusChanged(SessionStatus.Ended))],
        ["eyeson/streamrec/11-supervisor_session_finished.json"] =
        [
            new(EntityKind.Session, SupervisorSession, new SessionStatusChanged(SessionStatus.Ended)),
            new(EntityKind.Session, ClientSession, new SessionLinked(EntityKind.Session, SupervisorSession)),
        ],
    };

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static Row[] DyteRecordingRows(string id, RecordingStatus status, string word, RecordingDetails details) =>
    [
        new(EntityKind.Recording, id, new RecordingStatusChanged(status, word, DyteSession, details)),
        new(EntityKind.Session, DyteSession, new SessionLinked(EntityKind.Recording, id)),
    ];

    private static Row[] EyesonRecordingRows(RecordingStatus status, string word, RecordingDetails details) =>
    [
        new(EntityKind.Recording, EyesonRecording, new RecordingStatusChanged(status, word, Room, details)),
        new(EntityKind.Session, Room, new SessionLinked(EntityKind.Recording, EyesonRecording)),
    ];

    private static Row StreamStatus(LivestreamStatus status, string word) =>
        new(EntityKind.Livestream, Stream, new LivestreamStatusChanged(status, word, Settings: Settings60));

    private static Row TargetStatus(SimulcastTargetStatus status) =>
        new(EntityKind.Livestream, Stream, new SimulcastTargetChanged(Target, status, TargetUrl));
}
