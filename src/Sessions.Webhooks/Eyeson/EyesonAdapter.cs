using System.Text.Json;
using Sessions.Canonical;
using Sessions.Webhooks.Parsing;
using Sessions.Webhooks.Verification;

namespace Sessions.Webhooks.Eyeson;

/// <summary>
/// eyeson REST API webhooks: <c>X-Eyeson-Signature</c> is hex HMAC-SHA256 of the raw body keyed by the API key.
/// Times are mixed (epoch seconds and ISO-8601, even in one payload); each field is read in whichever shape it has.
/// </summary>
internal sealed class EyesonAdapter : IProviderAdapter
{
    public const string Kind = "eyeson";

    public string? Authenticate(WebhookSource source, WebhookRequest request)
    {
        if (string.IsNullOrEmpty(source.Secret))
        {
            return "the source has no API key configured";
        }
        if (request.Header("X-Eyeson-Signature") is not { Length: > 0 } signature)
        {
            return "the X-Eyeson-Signature header is missing";
        }
        Span<byte> mac = stackalloc byte[Hmac.Size];
        return Hmac.TryCompute(source.Secret, SecretEncoding.Utf8, request.Body.Span, mac) && Hmac.MatchesHex(mac, signature.AsSpan().Trim())
            ? null
            : "the X-Eyeson-Signature header does not match the body";
    }

    public void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items)
    {
        var body = JsonFields.Root(root);
        var type = body.RequiredString("type");
        var at = body.EventTime("timestamp") ?? request.ReceivedAt;
        switch (type.ToLowerInvariant())
        {
            case "room_update":
            {
                var room = body.RequiredObject("room");
                EntityChange change = room.OptionalBool("shutdown") == true ? new SessionStatusChanged(SessionStatus.Ended, room.OptionalString("name"))
                    : room.OptionalBool("ready") == true ? new SessionStatusChanged(SessionStatus.Active, room.OptionalString("name"))
                    : new SessionSeen();
                items.Add(Items.Event(type, Kind, EntityKind.Session, room.RequiredString("id"), at, DedupeKey(type, request), change));
                break;
            }
            case "recording_update":
            {
                var recording = body.RequiredObject("recording");
                var id = recording.RequiredString("id");
                var download = recording.OptionalObject("links")?.OptionalString("download");
                var duration = recording.OptionalWhole("duration", 0, JsonFields.MaxSafeWhole);
                // One event type for three states: a download link means finished, a duration means stopped.
                var (status, word) = download is not null ? (RecordingStatus.Ready, "finished")
                    : duration is not null ? (RecordingStatus.Stopped, "stopped")
                    : (RecordingStatus.Recording, "started");
                var roomId = recording.OptionalObject("room")?.OptionalString("id");
                var details = new RecordingDetails(StartedAt: recording.OptionalTime("created_at"), DurationMs: duration * 1000, DownloadUrl: download);
                var change = new RecordingStatusChanged(status, word, roomId, details);
                Items.AddLinked(items, Items.Event(type, Kind, EntityKind.Recording, id, at, DedupeKey(type, request), change), roomId);
                break;
            }
            case "snapshot_update":
            {
                var snapshot = body.RequiredObject("snapshot");
                var roomId = snapshot.RequiredObject("room").RequiredString("id");
                var change = new SessionArtefactAdded("snapshot", snapshot.OptionalObject("links")?.OptionalString("download"));
                items.Add(Items.Event(type, Kind, EntityKind.Session, roomId, at, DedupeKey(type, request), change));
                break;
            }
            default:
                items.Add(Items.Unmapped(type, body.OptionalObject("room")?.OptionalString("id")));
                break;
        }
    }

    /// <summary>eyeson sends no event id: the type plus the digest of the exact body, stable across byte-identical retries.</summary>
    internal static string DedupeKey(string type, WebhookRequest request) => $"{Kind}:{type}:{Digests.Of(request.Body.Span)}";
}
