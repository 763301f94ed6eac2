using Sessions.Canonical;

namespace Sessions.Capacity;

/// <summary>
/// The canonical events of entity number <c>n</c>, the same on every run: the four kinds in turn, with the ids, names
/// and facts the providers send (UUIDs, FastPix's 32-hex stream ids, signed download URLs), and a share of each kind
/// finished, since finished entities stay listed for the retention period.
/// </summary>
internal static class Fleet
{
    private static readonly string[] Roles = ["gateway", "mediaserver", "mediaserver", "mediaserver", "sipconnector", "recordingmuxer"];
    private static readonly string[] Regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];
    private static readonly string[] Topics = ["Weekly sync", "Design review", "Customer onboarding", "All hands", "Interview", "Support call"];
    private static readonly string[] Names = ["Alex Morgan", "Priya Raman", "Jonas Keller", "Mei Chen", "Sam Okafor", "Lucía Ortega", "Noah Becker"];

    public static EntityKind KindOf(int n) => (EntityKind)(n % 4);

    /// <summary>The events of entity <paramref name="n"/>, in event-time order, the first at <paramref name="origin"/> plus <paramref name="n"/> ms.</summary>
    public static IReadOnlyList<CanonicalEvent> Events(int n, DateTimeOffset origin)
    {
        var random = new Random(n);
        var at = origin.AddMilliseconds(n);
        return KindOf(n) switch
        {
            EntityKind.Server => Server(random, at),
            EntityKind.Session => Session(random, at),
            EntityKind.Recording => Recording(random, at),
            _ => Livestream(random, at),
        };
    }

    /// <summary>A LiveSwitch server that started and registered; one in ten has stopped since.</summary>
    private static List<CanonicalEvent> Server(Random random, DateTimeOffset at)
    {
        var id = Uuid(random);
        var role = Pick(random, Roles);
        var region = Pick(random, Regions);
        var info = new ServerInfo(
            MachineName: $"{role}-{region}-{random.Next(10_000):D4}",
            Version: "1.25.4.12431",
            CoreCount: 8,
            OperatingSystem: "Linux",
            OperatingSystemVersion: "6.8.0-1021-aws",
            Region: region,
            DeploymentId: Uuid(random),
            Addresses: [$"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}"]);
        List<CanonicalEvent> events =
        [
            Event("liveswitch", EntityKind.Server, id, $"{role}.started", at, new ServerStateChanged(role, ServerStatus.Started, info), random),
            Event("liveswitch", EntityKind.Server, id, $"{role}.registered", at.AddSeconds(2), new ServerStateChanged(role, ServerStatus.Registered), random),
        ];
        if (random.Next(10) == 0)
        {
            events.Add(Event("liveswitch", EntityKind.Server, id, $"{role}.stopped", at.AddHours(3), new ServerStateChanged(role, ServerStatus.Stopped), random));
        }

        return events;
    }

    /// <summary>A Dyte meeting with a title, an organiser and two participants who joined; one in five has ended.</summary>
    private static List<CanonicalEvent> Session(Random random, DateTimeOffset at)
    {
        var id = Uuid(random);
        List<CanonicalEvent> events =
        [
            Event("dyte", EntityKind.Session, id, "meeting.started", at,
                new SessionStatusChanged(SessionStatus.Active, Title: $"{Pick(random, Topics)} #{random.Next(1_000)}") { Organizer = Pick(random, Names) }, random),
            Event("dyte", EntityKind.Session, id, "meeting.participantJoined", at.AddSeconds(5),
                new ParticipantChanged(Uuid(random), Present: true, Name: Pick(random, Names)), random),
            Event("dyte", EntityKind.Session, id, "meeting.participantJoined", at.AddSeconds(9),
                new ParticipantChanged(Uuid(random), Present: true, Name: Pick(random, Names)), random),
        ];
        if (random.Next(5) == 0)
        {
            events.Add(Event("dyte", EntityKind.Session, id, "meeting.ended", at.AddMinutes(45),
                new SessionStatusChanged(SessionStatus.Ended, Reason: "ALL_PARTICIPANTS_LEFT"), random));
        }

        return events;
    }

    /// <summary>A Dyte recording: recording, uploading, or (half of them) uploaded with a signed download URL.</summary>
    private static List<CanonicalEvent> Recording(Random random, DateTimeOffset at)
    {
        var id = Uuid(random);
        var session = Uuid(random);
        var stoppedAt = at.AddMinutes(30 + random.Next(30));
        var change = random.Next(10) switch
        {
            < 3 => new RecordingStatusChanged(RecordingStatus.Recording, "RECORDING", session, new RecordingDetails(StartedAt: at)),
            < 5 => new RecordingStatusChanged(RecordingStatus.Uploading, "UPLOADING", session,
                new RecordingDetails(StartedAt: at, StoppedAt: stoppedAt, DurationMs: (long)(stoppedAt - at).TotalMilliseconds)),
            _ => new RecordingStatusChanged(RecordingStatus.Ready, "UPLOADED", session, new RecordingDetails(
                StartedAt: at,
                StoppedAt: stoppedAt,
                DurationMs: (long)(stoppedAt - at).TotalMilliseconds,
                SizeBytes: random.NextInt64(50_000_000, 2_000_000_000),
                DownloadUrl: $"https://recordings.dyte.io/{session}/{id}.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature={Hex(random, 32)}",
                DownloadUrlExpiresAt: stoppedAt.AddDays(7))),
        };
        return [Event("dyte", EntityKind.Recording, id, "recording.statusUpdate", at, change, random)];
    }

    /// <summary>A FastPix live stream: idle, live or disconnected, with its settings.</summary>
    private static List<CanonicalEvent> Livestream(Random random, DateTimeOffset at)
    {
        var id = Hex(random, 16);
        var (status, word) = random.Next(10) switch
        {
            < 5 => (LivestreamStatus.Idle, "idle"),
            < 8 => (LivestreamStatus.Live, "active"),
            _ => (LivestreamStatus.Disconnected, "disconnected"),
        };
        var change = new LivestreamStatusChanged(status, word, Settings: new LivestreamSettings("1080p", 60, Recording: true));
        return [Event("fastpix", EntityKind.Livestream, id, $"video.live_stream.{word}", at, change, random)];
    }

    private static CanonicalEvent Event(string provider, EntityKind kind, string id, string type, DateTimeOffset at, EntityChange change, Random random) => new()
    {
        Type = type,
        Provider = provider,
        Kind = kind,
        EntityId = id,
        OccurredAt = at,
        DedupeKey = Uuid(random),
        Change = change,
    };

    private static string Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static string Hex(Random random, int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
