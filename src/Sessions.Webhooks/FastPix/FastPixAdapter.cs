using System.Globalization;
using System.Text.Json;
using Sessions.Canonical;
using Sessions.Webhooks.Parsing;
using Sessions.Webhooks.Verification;

namespace Sessions.Webhooks.FastPix;

/// <summary>
/// FastPix live-stream webhooks: <c>FastPix-Signature</c> is Base64 HMAC-SHA256 of the raw body keyed by the
/// Base64-decoded signing secret. Both envelope spellings are read: the SDK's (<c>createdAt</c>, <c>object.type</c>,
/// <c>workspace</c>) and the docs tables' (<c>created_at</c>, <c>object.name</c>, <c>environment</c>).
/// </summary>
internal sealed class FastPixAdapter : IProviderAdapter
{
    public const string Kind = "fastpix";
    private const string LiveStreamPrefix = "video.live_stream.";
    private const string SimulcastPrefix = "video.live_stream.simulcast_target.";

    public string? Authenticate(WebhookSource source, WebhookRequest request)
    {
        if (string.IsNullOrEmpty(source.Secret))
        {
            return "the source has no signing secret configured";
        }
        if (request.Header("FastPix-Signature") is not { Length: > 0 } signature)
        {
            return "the FastPix-Signature header is missing";
        }
        return Hmac.VerifyBase64(source.Secret, SecretEncoding.Base64, request.Body.Span, signature)
            ? null
            : "the FastPix-Signature header does not match the body (or the signing secret is not Base64)";
    }

    public void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items)
    {
        var body = JsonFields.Root(root);
        var type = body.RequiredString("type");
        var word = type.ToLowerInvariant();
        var data = body.OptionalObject("data");
        if (word.StartsWith(SimulcastPrefix, StringComparison.Ordinal))
        {
            Simulcast(type, word[SimulcastPrefix.Length..], body, request, items);
        }
        else if (word.StartsWith(LiveStreamPrefix, StringComparison.Ordinal))
        {
            LiveStream(type, word[LiveStreamPrefix.Length..], body, request, items);
        }
        else if (word == "video.media.created" && data?.OptionalString("streamId") is { } streamId)
        {
            var assetId = data.Value.OptionalString("id") ?? body.RequiredObject("object").RequiredString("id");
            items.Add(Event(type, body, request, streamId, new LivestreamAssetCreated(assetId)));
        }
        else
        {
            // Includes video.media.created without a streamId: the documented media payload names no live stream.
            items.Add(Items.Unmapped(type, body.OptionalObject("object")?.OptionalString("id")));
        }
    }

    private static void LiveStream(string type, string verb, JsonFields body, WebhookRequest request, List<WebhookItem> items)
    {
        LivestreamStatus? status = verb switch
        {
            "created" or "idle" or "enabled" => LivestreamStatus.Idle,
            "preparing" => LivestreamStatus.Preparing,
            "connected" => LivestreamStatus.Connected,
            "active" or "recording" => LivestreamStatus.Live,
            "disconnected" => LivestreamStatus.Disconnected,
            "disabled" => LivestreamStatus.Disabled,
            "deleted" => LivestreamStatus.Deleted,
            _ => null,
        };
        if (status is null && verb != "updated")
        {
            items.Add(Items.Unmapped(type, body.OptionalObject("object")?.OptionalString("id")));
            return;
        }
        var data = body.OptionalObject("data");
        var streamId = data?.OptionalString("streamId") ?? body.OptionalObject("object")?.OptionalString("id") ?? body.RequiredObject("data").RequiredString("streamId");
        var settings = data is { } fields ? Settings(fields) : null;
        if (status is not { } known)
        {
            items.Add(Event(type, body, request, streamId, new LivestreamUpdated(settings ?? new LivestreamSettings())));
            return;
        }
        var primary = Event(type, body, request, streamId, new LivestreamStatusChanged(known, verb, Settings: settings));
        if (verb != "recording")
        {
            items.Add(primary);
            return;
        }

        // FastPix has no recording id: one recording per stream and start, which is this event's time. FastPix sends no
        // end of a recording either: the livestream ends it when its broadcast ends, so it learns the recording's id.
        var recordingId = $"{streamId}-{primary.OccurredAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
        items.Add(primary with { Change = new LivestreamStatusChanged(known, verb, Settings: settings) { StartedRecordingId = recordingId } });
        var change = new RecordingStatusChanged(RecordingStatus.Recording, verb, Details: new RecordingDetails(StartedAt: primary.OccurredAt));
        items.Add(primary with { Kind = EntityKind.Recording, EntityId = recordingId, DedupeKey = primary.DedupeKey + "#recording", Change = change });
    }

    private static void Simulcast(string type, string verb, JsonFields body, WebhookRequest request, List<WebhookItem> items)
    {
        var data = body.RequiredObject("data");
        SimulcastTargetStatus? status = verb switch
        {
            "created" => SimulcastTargetStatus.Idle,
            "starting" => SimulcastTargetStatus.Starting,
            "broadcasting" => SimulcastTargetStatus.Broadcasting,
            "errored" => SimulcastTargetStatus.Errored,
            "deleted" => SimulcastTargetStatus.Deleted,
            // An update (enable/disable) keeps the state the payload states, else the target rests idle.
            "updated" => TargetStatus(data.OptionalString("status")) ?? SimulcastTargetStatus.Idle,
            _ => null,
        };
        if (status is not { } known)
        {
            items.Add(Items.Unmapped(type, data.OptionalString("streamId")));
            return;
        }
        var targetId = data.OptionalString("simulcastId") ?? body.OptionalObject("object")?.OptionalString("id") ?? data.RequiredString("simulcastId");
        var change = new SimulcastTargetChanged(targetId, known, data.OptionalString("url"));
        items.Add(Event(type, body, request, data.RequiredString("streamId"), change));
    }

    private static SimulcastTargetStatus? TargetStatus(string? word) => word?.ToLowerInvariant() switch
    {
        "idle" => SimulcastTargetStatus.Idle,
        "starting" => SimulcastTargetStatus.Starting,
        "broadcasting" => SimulcastTargetStatus.Broadcasting,
        "errored" => SimulcastTargetStatus.Errored,
        _ => null,
    };

    private static LivestreamSettings? Settings(JsonFields data)
    {
        var settings = new LivestreamSettings(data.OptionalString("maxResolution"), (int?)data.OptionalWhole("reconnectWindow", 0, int.MaxValue), data.OptionalBool("enableRecording"));
        return settings == new LivestreamSettings() ? null : settings;
    }

    private static CanonicalEvent Event(string type, JsonFields body, WebhookRequest request, string streamId, EntityChange change)
    {
        var eventId = body.RequiredString("id");
        var at = body.EventTime("createdAt") ?? body.EventTime("created_at") ?? request.ReceivedAt;
        return Items.Event(type, Kind, EntityKind.Livestream, streamId, at, $"{Kind}:{eventId}", change);
    }
}
