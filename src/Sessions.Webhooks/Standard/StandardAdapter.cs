using System.Buffers;
using System.Text.Json;
using Sessions.Canonical;
using Sessions.Webhooks.Parsing;

namespace Sessions.Webhooks.Standard;

/// <summary>
/// Platforms that follow Standard Webhooks and put a canonical event in the body (shape in <c>STANDARD.md</c>):
/// <c>{"type":"session.started","timestamp":"…","data":{"provider":"acme","id":"s-1",…}}</c>.
/// The type's first word is the entity kind; <c>data.provider</c> names the platform (not a built-in provider);
/// the dedupe key is the <c>webhook-id</c> header.
/// </summary>
internal sealed class StandardAdapter : IProviderAdapter
{
    public const string Kind = "standard";
    private static readonly string[] BuiltInProviders = ["liveswitch", "dyte", "fastpix", "eyeson"];
    private static readonly SearchValues<char> ProviderCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_");
    public string? Authenticate(WebhookSource source, WebhookRequest request) =>
        string.IsNullOrEmpty(source.Secret) ? "the source has no secret configured" : StandardWebhooksSignature.Verify(source.Secret, request);

    public void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items)
    {
        var body = JsonFields.Root(root);
        var type = body.RequiredString("type");
        var at = body.EventTime("timestamp") ?? request.ReceivedAt;
        var word = type.ToLowerInvariant();
        (EntityKind Kind, EntityChange Change)? mapped = word switch
        {
            "server.started" => Server(body, ServerStatus.Started),
            "server.registered" => Server(body, ServerStatus.Registered),
            "server.unregistered" => Server(body, ServerStatus.Unregistered),
            "server.stopped" => Server(body, ServerStatus.Stopped),
            "server.seen" => (EntityKind.Server, new ServerSeen(Data(body).RequiredString("role"))),
            "session.started" => Session(body, SessionStatus.Active),
            "session.ended" => Session(body, SessionStatus.Ended),
            "participant.joined" => Participant(body, present: true),
            "participant.left" => Participant(body, present: false),
            "recording.status" => Recording(body),
            "livestream.status" => Livestream(body),
            _ => null,
        };
        if (mapped is not var (kind, change))
        {
            items.Add(Items.Unmapped(type, body.OptionalObject("data")?.OptionalString("id")));
            return;
        }
        var data = Data(body);
        var provider = ProviderOf(data);
        var primary = Items.Event(type, provider, kind, data.RequiredString("id"), at, $"{provider}:{request.Header("webhook-id")}", change);
        var linkedSession = kind is EntityKind.Recording or EntityKind.Livestream ? data.OptionalString("sessionId") : null;
        Items.AddLinked(items, primary, linkedSession);
    }

    private static JsonFields Data(JsonFields body) => body.RequiredObject("data");

    private static string ProviderOf(JsonFields data)
    {
        var provider = data.RequiredString("provider");
        if (provider.AsSpan().ContainsAnyExcept(ProviderCharacters))
        {
            throw new PayloadException("field 'data.provider' must be lower-case letters, digits, '-' or '_'");
        }
        // A standard sender speaks for its own platform; it may not write into a built-in provider's entities.
        return Array.IndexOf(BuiltInProviders, provider) < 0
            ? provider
            : throw new PayloadException($"field 'data.provider' must not name the built-in provider '{provider}'");
    }

    private static (EntityKind, EntityChange) Server(JsonFields body, ServerStatus state)
    {
        var data = Data(body);
        var info = new ServerInfo(
            MachineName: data.OptionalString("machineName"),
            Version: data.OptionalString("version"),
            CoreCount: (int?)data.OptionalWhole("coreCount", 1, JsonFields.MaxCores),
            OperatingSystem: data.OptionalString("operatingSystem"),
            OperatingSystemVersion: data.OptionalString("operatingSystemVersion"),
            Region: data.OptionalString("region"),
            DeploymentId: data.OptionalString("deploymentId"),
            Addresses: data.OptionalStrings("addresses"));
        return (EntityKind.Server, new ServerStateChanged(data.RequiredString("role"), state, info));
    }

    private static (EntityKind, EntityChange) Session(JsonFields body, SessionStatus status)
    {
        var data = Data(body);
        return (EntityKind.Session, new SessionStatusChanged(status, data.OptionalString("title"), data.OptionalString("reason")));
    }

    private static (EntityKind, EntityChange) Participant(JsonFields body, bool present)
    {
        var data = Data(body);
        return (EntityKind.Session, new ParticipantChanged(data.RequiredString("participantId"), present, data.OptionalString("name")));
    }

    private static (EntityKind, EntityChange) Recording(JsonFields body)
    {
        var data = Data(body);
        var word = data.RequiredString("status");
        var details = new RecordingDetails(
            StartedAt: data.OptionalTime("startedAt"),
            StoppedAt: data.OptionalTime("stoppedAt"),
            DurationMs: data.OptionalWhole("durationMs", 0, JsonFields.MaxSafeWhole),
            SizeBytes: data.OptionalWhole("sizeBytes", 0, JsonFields.MaxSafeWhole),
            DownloadUrl: data.OptionalString("downloadUrl"),
            DownloadUrlExpiresAt: data.OptionalTime("downloadUrlExpiresAt"),
            FailureReason: data.OptionalString("failureReason"));
        var status = StatusWord<RecordingStatus>(word);
        return (EntityKind.Recording, new RecordingStatusChanged(status, word, data.OptionalString("sessionId"), details));
    }

    private static (EntityKind, EntityChange) Livestream(JsonFields body)
    {
        var data = Data(body);
        var word = data.RequiredString("status");
        return (EntityKind.Livestream, new LivestreamStatusChanged(StatusWord<LivestreamStatus>(word), word, data.OptionalString("sessionId")));
    }

    /// <summary>A status word in any letter case that names a member of <typeparamref name="TStatus"/>.</summary>
    private static TStatus StatusWord<TStatus>(string word)
        where TStatus : struct, Enum
    {
        if (StatusWords.TryParse<TStatus>(word, out var status))
        {
            return status;
        }
        var allowed = string.Join(", ", StatusWords.All<TStatus>());
        throw new PayloadException($"field 'data.status' must be one of {allowed}");
    }
}
