using System.Text.Json;
using Sessions.Canonical;
using Sessions.Webhooks.Parsing;
using Sessions.Webhooks.Verification;

namespace Sessions.Webhooks.LiveSwitch;

/// <summary>
/// LiveSwitch application, channel and server webhooks: a single event object or a batch array.
/// Application events are signed (<c>X-ApplicationSignature</c>) with the shared secret of the <c>applicationId</c>
/// they carry; server (deployment) events are unsigned and need the source token.
/// </summary>
internal sealed class LiveSwitchAdapter : IProviderAdapter
{
    public const string Kind = "liveswitch";
    private const string SignatureHeader = "X-ApplicationSignature";

    public string? Authenticate(WebhookSource source, WebhookRequest request)
    {
        if (source.ApplicationSecrets.Count == 0 && string.IsNullOrEmpty(source.Token))
        {
            return "the source has no application secret and no token configured";
        }
        var scan = ApplicationIdScanner.Scan(request.Body.Span);
        if (scan.Conflicting)
        {
            return "the batch names more than one applicationId; one signature covers one application";
        }
        if (scan.ApplicationId is not { } applicationId)
        {
            // The token travels in URLs and proxy logs: it may admit the deployment's own unsigned events, never an
            // event that moves a session, client, recording or livestream.
            if (scan.OtherThanServerEvents)
            {
                return $"application, channel, client and connection events must be signed with {SignatureHeader} by the " +
                    "shared secret of the applicationId they name, and this body names none; the token admits server events only";
            }
            return Tokens.Presented(source, request) ? null : "server events are unsigned: " + Tokens.Missing;
        }
        if (request.Header(SignatureHeader) is not { Length: > 0 } signature)
        {
            return $"the {SignatureHeader} header is missing";
        }
        if (!source.ApplicationSecrets.TryGetValue(applicationId, out var secret) || string.IsNullOrEmpty(secret))
        {
            return $"no shared secret is configured for applicationId '{applicationId}'";
        }
        return Hmac.VerifyBase64(secret, SecretEncoding.Utf8, request.Body.Span, signature)
            ? null
            : $"the {SignatureHeader} header does not match the body";
    }

    public void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items)
    {
        // The application that signed the body (all its applicationIds agree, or it was refused) scopes its channels.
        var application = ApplicationIdScanner.Scan(request.Body.Span).ApplicationId;
        if (root.ValueKind != JsonValueKind.Array)
        {
            ParseEvent(JsonFields.Root(root), request, application, items);
            return;
        }
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            ParseEvent(JsonFields.Item(element, index++), request, application, items);
        }
        if (index == 0)
        {
            throw new PayloadException("body is an empty batch");
        }
    }

    private static void ParseEvent(JsonFields evt, WebhookRequest request, string? application, List<WebhookItem> items)
    {
        var type = evt.RequiredString("type");
        var at = evt.EventTime("timestamp") ?? request.ReceivedAt;
        var subject = SubjectId(evt);
        if (LiveSwitchEvents.Map(type.ToLowerInvariant(), evt, application) is not { } mapped)
        {
            items.Add(Items.Unmapped(type, subject));
            return;
        }
        // LiveSwitch documents no delivery id; the SDK's optional event id is used when present.
        var dedupeKey = evt.OptionalString("id") is { } id
            ? $"{Kind}:{id}"
            : $"{Kind}:sha256:{Digests.Of($"{type}\n{evt.OptionalString("origin")}\n{at.ToUnixTimeMilliseconds()}\n{subject ?? mapped.EntityId}")}";
        Items.AddLinked(items, Items.Event(type, Kind, mapped.Kind, mapped.EntityId, at, dedupeKey, mapped.Change), mapped.LinkedSession);
    }

    /// <summary>The most specific id an event names: connection, then client, then channel.</summary>
    private static string? SubjectId(JsonFields evt) =>
        evt.OptionalObject("connection")?.OptionalString("id")
        ?? evt.OptionalObject("client")?.OptionalString("id")
        ?? evt.OptionalObject("channel")?.OptionalString("id");
}
