using System.Text.Json;
using Sessions.Canonical;
using Sessions.Webhooks.Parsing;
using Sessions.Webhooks.Verification;

namespace Sessions.Webhooks.Eyeson;

/// <summary>
/// eyeson StreamRec webhooks: unsigned by the vendor, so the source token is required. The discriminator is
/// <c>status</c>; entities belong to the provider <c>eyeson</c>.
/// </summary>
internal sealed class StreamRecAdapter : IProviderAdapter
{
    public const string Kind = "eyeson-streamrec";
    private const string Provider = EyesonAdapter.Kind;

    public string? Authenticate(WebhookSource source, WebhookRequest request)
    {
        if (string.IsNullOrEmpty(source.Token))
        {
            return "the source has no token configured";
        }
        return Tokens.Presented(source, request) ? null : Tokens.Missing;
    }

    public void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items)
    {
        var body = JsonFields.Root(root);
        var type = body.RequiredString("status");
        var at = request.ReceivedAt;
        var dedupeKey = EyesonAdapter.DedupeKey(type, request);
        switch (type.ToLowerInvariant())
        {
            case "upload_ready":
            {
                var stoppedAt = body.OptionalTime("recording_stopped_at");
                var details = new RecordingDetails(
                    StartedAt: body.OptionalTime("recording_started_at"),
                    StoppedAt: stoppedAt,
                    DurationMs: body.OptionalWhole("recording_file_duration_ms", 0, JsonFields.MaxSafeWhole),
                    SizeBytes: body.OptionalWhole("recording_file_size_bytes", 0, JsonFields.MaxSafeWhole));
                var change = new RecordingStatusChanged(RecordingStatus.Ready, type, Details: details);
                items.Add(Items.Event(type, Provider, EntityKind.Recording, body.RequiredString("rec_id"), stoppedAt ?? at, dedupeKey, change));
                break;
            }
            case "upload_failed":
            {
                var reason = body.OptionalWhole("upload_status_code", 100, 599) is { } code ? $"upload answered HTTP {code}" : body.OptionalString("msg");
                var change = new RecordingStatusChanged(RecordingStatus.Failed, type, Details: new RecordingDetails(FailureReason: reason));
                items.Add(Items.Event(type, Provider, EntityKind.Recording, body.RequiredString("rec_id"), at, dedupeKey, change));
                break;
            }
            case "session_finished":
                items.Add(Items.Event(type, Provider, EntityKind.Session, body.RequiredString("session_id"), at, dedupeKey, new SessionStatusChanged(SessionStatus.Ended)));
                break;
            case "supervisor_session_finished":
            {
                // The supervisor session ends; the monitored (agent's) session learns which supervisor watched it.
                var ended = Items.Event(type, Provider, EntityKind.Session, body.RequiredString("session_id"), at, dedupeKey, new SessionStatusChanged(SessionStatus.Ended));
                Items.AddLinked(items, ended, body.OptionalString("session_id_to_monitor"));
                break;
            }
            default:
                items.Add(Items.Unmapped(type, body.OptionalString("rec_id") ?? body.OptionalString("session_id")));
                break;
        }
    }
}
