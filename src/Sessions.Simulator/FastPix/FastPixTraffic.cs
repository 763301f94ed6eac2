using System.Globalization;
using System.Text.Json;
using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.FastPix;

/// <summary>
/// FastPix livestreams: created with up to two simulcast targets, then one or two broadcasts (preparing → connected →
/// active, recording when enabled, targets starting → broadcasting, sometimes a disconnect and reconnect, then
/// disconnected → idle and the recorded asset), sometimes a settings update, and half of them deleted at the end
/// (targets first). Shapes as in <c>shared/fixtures/fastpix</c>: the SDK's envelope, ISO-8601 times.
/// </summary>
internal sealed class FastPixTraffic(TrafficOptions options, Random random)
{
    private const string ObjectLive = "live";
    private const string ObjectTarget = "simulcast_target";

    private static readonly string[] Resolutions = ["720p", "1080p", "1440p"];
    private static readonly int[] ReconnectWindows = [60, 120, 300];
    private static readonly (string Name, string Url)[] Platforms =
    [
        ("YouTube", "rtmp://live.example.invalid/youtube/"),
        ("Twitch", "rtmp://live.example.invalid/twitch/"),
        ("Facebook", "rtmps://live.example.invalid/facebook/"),
    ];

    private readonly string _workspaceId = Ids.Uuid(random);
    private int _streams;

    public Script Next()
    {
        var stream = new LiveStream(
            options.IdPrefix + Ids.Hex(random, 12),
            Ids.Hex(random, 16),
            string.Create(CultureInfo.InvariantCulture, $"sim-stream-{++_streams}"),
            Ids.Pick(random, Resolutions),
            Ids.Pick(random, ReconnectWindows),
            random.NextDouble() < 0.6);
        var targets = Enumerable.Range(0, random.Next(3))
            .Select(i => new Target(Ids.Hex(random, 16), Platforms[i].Name, Platforms[i].Url))
            .ToList();
        var script = new Script(Providers.FastPix);
        script.At(0, clock =>
        {
            var at = clock.Next();
            stream.CreatedAt = at.AddMilliseconds(-128);
            return StreamEvent("created", "idle", stream, at);
        });
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            script.At(1 + i, clock => TargetEvent("created", stream, target, clock.Next()));
        }

        var tick = 3;
        var broadcasts = 1 + random.Next(2);
        for (var b = 0; b < broadcasts; b++)
        {
            tick += 3 + random.Next(20);
            script.At(tick, clock => StreamEvent("preparing", "preparing", stream, clock.Next()));
            script.At(tick + 1, clock => StreamEvent("connected", "preparing", stream, clock.Next()));
            // FastPix's own guides list active and recording in either order.
            var recordingFirst = random.NextDouble() < 0.5;
            if (stream.Recording && recordingFirst)
            {
                script.At(tick + 2, clock => StreamEvent("recording", "active", stream, clock.Next()));
            }

            script.At(tick + 2, clock => StreamEvent("active", "active", stream, clock.Next()));
            if (stream.Recording && !recordingFirst)
            {
                script.At(tick + 2, clock => StreamEvent("recording", "active", stream, clock.Next()));
            }

            foreach (var target in targets)
            {
                script.At(tick + 3, clock => TargetEvent("starting", stream, target, clock.Next()));
                script.At(tick + 4, clock => TargetEvent("broadcasting", stream, target, clock.Next()));
            }

            var live = 10 + random.Next(40);
            if (random.NextDouble() < 0.3)
            {
                // The encoder drops and comes back inside the reconnect window.
                var dropped = tick + 5 + (live / 2);
                script.At(dropped, clock => StreamEvent("disconnected", "active", stream, clock.Next()));
                script.At(dropped + 1 + random.Next(2), clock => StreamEvent("active", "active", stream, clock.Next()));
            }

            tick += 5 + live;
            script.At(tick, clock => StreamEvent("disconnected", "active", stream, clock.Next()));
            tick += 2 + random.Next(3);
            script.At(tick, clock => StreamEvent("idle", "idle", stream, clock.Next()));
            if (stream.Recording)
            {
                script.At(++tick, clock => MediaCreated(stream, clock.Next()));
            }
        }

        if (random.NextDouble() < 0.3)
        {
            tick += 1 + random.Next(5);
            script.At(tick, clock =>
            {
                stream.ReconnectWindow = Ids.Pick(random, ReconnectWindows);
                return StreamEvent("updated", "idle", stream, clock.Next());
            });
        }

        if (random.NextDouble() < 0.5)
        {
            tick += 2 + random.Next(10);
            foreach (var target in targets)
            {
                script.At(tick++, clock => TargetEvent("deleted", stream, target, clock.Next()));
            }

            script.At(tick, clock => StreamEvent("deleted", "disabled", stream, clock.Next()));
        }

        return script;
    }

    /// <summary>A <c>video.live_stream.{verb}</c>; <paramref name="dataStatus"/> is the stream's own status word in <c>data</c>.</summary>
    private Payload StreamEvent(string verb, string dataStatus, LiveStream stream, DateTimeOffset at)
    {
        var type = $"video.live_stream.{verb}";
        var body = Envelope(type, ObjectLive, stream.Id, verb, at, w =>
        {
            w.WriteString("streamId", stream.Id);
            w.WriteString("streamKey", "<redacted-stream-key>");
            w.WriteString("srtSecret", "<redacted-srt-secret>");
            w.WriteBoolean("trial", false);
            w.WriteString("status", dataStatus);
            w.WriteString("maxResolution", stream.MaxResolution);
            w.WriteNumber("maxDuration", 43200);
            w.WriteString("createdAt", Times.Iso(stream.CreatedAt));
            w.WriteNumber("reconnectWindow", stream.ReconnectWindow);
            w.WriteBoolean("enableRecording", stream.Recording);
            w.WriteBoolean("enableDvrMode", false);
            w.WriteString("mediaPolicy", "public");
            w.WriteStartObject("metadata");
            w.WriteString("livestream_name", stream.Name);
            w.WriteEndObject();
            w.WriteBoolean("lowLatency", false);
            w.WriteBoolean("closedCaptions", false);
            w.WriteStartArray("playbackIds");
            w.WriteStartObject();
            w.WriteString("id", stream.PlaybackId);
            w.WriteString("accessPolicy", "public");
            w.WriteEndObject();
            w.WriteEndArray();
        });
        var status = verb switch
        {
            "created" or "idle" => "idle",
            "active" or "recording" => "live",
            "updated" => null,
            _ => verb,
        };
        var facts = new List<EntityFact> { new(EntityKinds.Livestream, Providers.FastPix, stream.Id, status, at, type) };
        if (verb == "recording")
        {
            // The service keys a FastPix recording by stream and start, as FastPix sends no recording id.
            var recordingId = $"{stream.Id}-{at.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
            facts.Add(new EntityFact(EntityKinds.Recording, Providers.FastPix, recordingId, "recording", at, type));
        }

        return new Payload(type, body, facts);
    }

    private Payload TargetEvent(string verb, LiveStream stream, Target target, DateTimeOffset at)
    {
        var type = $"video.live_stream.simulcast_target.{verb}";
        var body = Envelope(type, ObjectTarget, target.Id, verb, at, w =>
        {
            w.WriteString("simulcastId", target.Id);
            if (verb != "deleted")
            {
                w.WriteString("url", target.Url);
                w.WriteString("streamKey", "<redacted-target-key>");
                w.WriteBoolean("isEnabled", true);
                w.WriteStartObject("metadata");
                w.WriteString("simulcast_name", target.Name);
                w.WriteEndObject();
            }

            w.WriteString("streamId", stream.Id);
            if (verb is "starting" or "broadcasting")
            {
                w.WriteString("status", verb);
            }
        });
        return new Payload(type, body, [new EntityFact(EntityKinds.Livestream, Providers.FastPix, stream.Id, null, at, type)]);
    }

    /// <summary>The broadcast's recorded asset; like FastPix's media payload it names no stream, so the service ignores it.</summary>
    private Payload MediaCreated(LiveStream stream, DateTimeOffset at)
    {
        const string Type = "video.media.created";
        var mediaId = Ids.Hex(random, 16);
        var body = Envelope(Type, "media", mediaId, "media_created", at, w =>
        {
            w.WriteString("id", mediaId);
            w.WriteString("workspaceId", _workspaceId);
            w.WriteString("status", "Created");
            w.WriteString("maxResolution", stream.MaxResolution);
            w.WriteString("sourceResolution", stream.MaxResolution);
            w.WriteStartObject("metadata");
            w.WriteString("livestream_name", stream.Name);
            w.WriteEndObject();
            w.WriteString("createdAt", Times.Iso(at.AddMilliseconds(-20)));
            w.WriteString("updatedAt", Times.Iso(at.AddMilliseconds(-20)));
        });
        return new Payload(Type, body, []);
    }

    private byte[] Envelope(string type, string objectType, string objectId, string status, DateTimeOffset at, Action<Utf8JsonWriter> data)
    {
        var eventId = Ids.Uuid(random);
        return Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteStartObject("object");
            w.WriteString("type", objectType);
            w.WriteString("id", objectId);
            w.WriteEndObject();
            w.WriteString("id", eventId);
            w.WriteStartObject("workspace");
            w.WriteString("id", _workspaceId);
            w.WriteString("name", "Development");
            w.WriteEndObject();
            w.WriteString("status", status);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteString("createdAt", Times.Iso(at));
            w.WriteStartArray("attempts");
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private sealed class LiveStream(string id, string playbackId, string name, string maxResolution, int reconnectWindow, bool recording)
    {
        public string Id => id;

        public string PlaybackId => playbackId;

        public string Name => name;

        public string MaxResolution => maxResolution;

        public bool Recording => recording;

        public int ReconnectWindow { get; set; } = reconnectWindow;

        public DateTimeOffset CreatedAt { get; set; }
    }

    private sealed record Target(string Id, string Name, string Url);
}
