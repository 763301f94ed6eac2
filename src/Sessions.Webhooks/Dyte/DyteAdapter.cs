using System.Security.Cryptography;
using System.Text.Json;
using Sessions.Canonical;
using Sessions.Webhooks.Parsing;

namespace Sessions.Webhooks.Dyte;

/// <summary>
/// Dyte and Cloudflare RealtimeKit webhooks: RSA-SHA256 (PKCS#1 v1.5) over the raw body in <c>dyte-signature</c>
/// or <c>rtk-signature</c>, deduplicated on the <c>dyte-uuid</c> (or <c>rtk-uuid</c>) header.
/// </summary>
internal sealed class DyteAdapter : IProviderAdapter
{
    public const string Kind = "dyte";
    private const int MaxSignatureBytes = 1024; // RSA-8192

    private readonly PublicKeyCache _keys = new();

    public string? Authenticate(WebhookSource source, WebhookRequest request)
    {
        if (string.IsNullOrWhiteSpace(source.PublicKeyPem))
        {
            return "the source has no public key configured";
        }
        if ((request.Header("dyte-signature") ?? request.Header("rtk-signature")) is not { Length: > 0 } header)
        {
            return "the dyte-signature (or rtk-signature) header is missing";
        }
        if (_keys.Get(source, source.PublicKeyPem) is not { } key)
        {
            return "the source's public key cannot be read as an RSA public key (PEM)";
        }
        Span<byte> signature = stackalloc byte[MaxSignatureBytes];
        var genuine = Convert.TryFromBase64String(header.Trim(), signature, out var length)
            && key.VerifyData(request.Body.Span, signature[..length], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return genuine ? null : "the signature does not match the body";
    }

    public void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items)
    {
        var body = JsonFields.Root(root);
        var type = body.RequiredString("event");
        var at = request.ReceivedAt;
        var meeting = body.OptionalObject("meeting");
        // The uuid header is the event id; without one, the body's digest is stable across retries of the same bytes.
        var dedupeKey = $"{Kind}:{request.Header("dyte-uuid") ?? request.Header("rtk-uuid") ?? "sha256:" + Digests.Of(request.Body.Span)}";

        switch (type.ToLowerInvariant())
        {
            case "meeting.started":
            {
                var started = body.RequiredObject("meeting");
                var change = new SessionStatusChanged(SessionStatus.Active, Title: started.OptionalString("title"))
                {
                    Organizer = started.OptionalObject("organizedBy")?.OptionalString("name"),
                };
                items.Add(Items.Event(type, Kind, EntityKind.Session, started.RequiredString("sessionId"), started.EventTime("startedAt") ?? at, dedupeKey, change));
                break;
            }
            case "meeting.ended":
            {
                var ended = body.RequiredObject("meeting");
                var change = new SessionStatusChanged(SessionStatus.Ended, Title: ended.OptionalString("title"), Reason: body.OptionalString("reason"));
                items.Add(Items.Event(type, Kind, EntityKind.Session, ended.RequiredString("sessionId"), ended.EventTime("endedAt") ?? at, dedupeKey, change));
                break;
            }
            case "meeting.participantjoined":
            case "meeting.participantleft":
            {
                var present = type.EndsWith("Joined", StringComparison.OrdinalIgnoreCase);
                var sessionId = body.RequiredObject("meeting").RequiredString("sessionId");
                var participant = body.RequiredObject("participant");
                var change = new ParticipantChanged(participant.RequiredString("peerId"), present, participant.OptionalString("userDisplayName"));
                var time = participant.EventTime(present ? "joinedAt" : "leftAt") ?? at;
                items.Add(Items.Event(type, Kind, EntityKind.Session, sessionId, time, dedupeKey, change));
                break;
            }
            case "recording.statusupdate":
                Recording(type, body, meeting, at, dedupeKey, items);
                break;
            case "livestreaming.statusupdate":
                Livestream(type, body, meeting, at, dedupeKey, items);
                break;
            case "meeting.chatsynced":
                // The only flat event: sessionId at the top, no meeting object.
                Artefact(type, meeting?.OptionalString("sessionId") ?? body.RequiredString("sessionId"), "chat", body.OptionalString("chatDownloadUrl"), at, dedupeKey, items);
                break;
            case "meeting.transcript":
                Artefact(type, body.RequiredObject("meeting").RequiredString("sessionId"), "transcript", body.OptionalString("transcriptDownloadUrl"), at, dedupeKey, items);
                break;
            case "meeting.summary":
                Artefact(type, body.RequiredObject("meeting").RequiredString("sessionId"), "summary", body.OptionalString("summaryDownloadUrl"), at, dedupeKey, items);
                break;
            default:
                items.Add(Items.Unmapped(type, meeting?.OptionalString("sessionId")));
                break;
        }
    }

    private static void Recording(string type, JsonFields body, JsonFields? meeting, DateTimeOffset receivedAt, string dedupeKey, List<WebhookItem> items)
    {
        var recording = body.RequiredObject("recording");
        var id = recording.OptionalString("id") ?? recording.RequiredString("recordingId");
        var word = recording.RequiredString("status");
        RecordingStatus? status = word.ToUpperInvariant() switch
        {
            "INVOKED" => RecordingStatus.Pending,
            "RECORDING" => RecordingStatus.Recording,
            "UPLOADING" => RecordingStatus.Uploading,
            "UPLOADED" => RecordingStatus.Ready,
            "ERRORED" => RecordingStatus.Failed,
            _ => null,
        };
        if (status is not { } known)
        {
            items.Add(Items.Unmapped(type, id));
            return;
        }
        var startedAt = recording.OptionalTime("startedTime");
        var stoppedAt = recording.OptionalTime("stoppedTime");
        var details = new RecordingDetails(
            StartedAt: startedAt,
            StoppedAt: stoppedAt,
            DurationMs: recording.OptionalWhole("recordingDuration", 0, JsonFields.MaxSafeWhole / 1000) * 1000,
            SizeBytes: recording.OptionalWhole("fileSize", 0, JsonFields.MaxSafeWhole),
            DownloadUrl: recording.OptionalString("downloadUrl"),
            DownloadUrlExpiresAt: recording.OptionalTime("downloadUrlExpiry"),
            FailureReason: known == RecordingStatus.Failed ? recording.OptionalString("stopReason") : null);
        // The webhook carries no event time; the latest recording time is the closest provider time.
        var sessionId = meeting?.OptionalString("sessionId") ?? recording.OptionalString("roomUUID");
        var change = new RecordingStatusChanged(known, word, sessionId, details);
        Items.AddLinked(items, Items.Event(type, Kind, EntityKind.Recording, id, stoppedAt ?? startedAt ?? receivedAt, dedupeKey, change), sessionId);
    }

    private static void Livestream(string type, JsonFields body, JsonFields? meeting, DateTimeOffset receivedAt, string dedupeKey, List<WebhookItem> items)
    {
        var streamId = body.RequiredString("streamId");
        var word = body.RequiredString("status");
        LivestreamStatus? status = word.ToUpperInvariant() switch
        {
            "LIVE" => LivestreamStatus.Live,
            "IDLE" or "OFFLINE" => LivestreamStatus.Idle,
            _ => null,
        };
        if (status is not { } known)
        {
            items.Add(Items.Unmapped(type, streamId));
            return;
        }
        var sessionId = meeting?.OptionalString("sessionId") ?? body.OptionalString("sessionId");
        var change = new LivestreamStatusChanged(known, word, sessionId);
        Items.AddLinked(items, Items.Event(type, Kind, EntityKind.Livestream, streamId, receivedAt, dedupeKey, change), sessionId);
    }

    private static void Artefact(string type, string sessionId, string artefact, string? url, DateTimeOffset receivedAt, string dedupeKey, List<WebhookItem> items) =>
        items.Add(Items.Event(type, Kind, EntityKind.Session, sessionId, receivedAt, dedupeKey, new SessionArtefactAdded(artefact, url)));
}
