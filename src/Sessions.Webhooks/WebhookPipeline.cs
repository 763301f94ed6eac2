using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Unicode;
using Sessions.Webhooks.Dyte;
using Sessions.Canonical;
using Sessions.Webhooks.Eyeson;
using Sessions.Webhooks.FastPix;
using Sessions.Webhooks.LiveSwitch;
using Sessions.Webhooks.Parsing;
using Sessions.Webhooks.Standard;

namespace Sessions.Webhooks;

/// <summary>
/// The one entry point of the webhook adapters: proves a request genuine on its raw body bytes, then parses the body
/// into canonical events in body order. Pure and thread-safe; never throws for any body bytes.
/// </summary>
public static class WebhookPipeline
{
    /// <summary>JSON nesting deeper than this is rejected as invalid (no provider nests anywhere near it).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    private static readonly FrozenDictionary<string, IProviderAdapter> Adapters = new Dictionary<string, IProviderAdapter>
    {
        [LiveSwitchAdapter.Kind] = new LiveSwitchAdapter(),
        [DyteAdapter.Kind] = new DyteAdapter(),
        [FastPixAdapter.Kind] = new FastPixAdapter(),
        [EyesonAdapter.Kind] = new EyesonAdapter(),
        [StreamRecAdapter.Kind] = new StreamRecAdapter(),
        [StandardAdapter.Kind] = new StandardAdapter(),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The source kinds this library handles: <c>liveswitch</c>, <c>dyte</c>, <c>fastpix</c>, <c>eyeson</c>, <c>eyeson-streamrec</c>, <c>standard</c>.</summary>
    public static IReadOnlyCollection<string> Kinds => Adapters.Keys;

    /// <summary>Whether <paramref name="kind"/> names a provider kind (case-insensitive).</summary>
    public static bool IsKnownKind(string kind) => Adapters.ContainsKey(kind);

    /// <summary>
    /// Verifies <paramref name="request"/> for <paramref name="source"/> and parses it:
    /// <see cref="WebhookVerdict.Unauthorized"/> when the signature or token is missing or wrong (nothing is parsed),
    /// <see cref="WebhookVerdict.Invalid"/> when a genuine body is unusable (the detail names the field),
    /// otherwise <see cref="WebhookVerdict.Accepted"/> with one or more items per provider event.
    /// </summary>
    public static WebhookVerdict Handle(WebhookSource source, WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);

        if (!Adapters.TryGetValue(source.Kind, out var adapter))
        {
            return new WebhookVerdict.Unauthorized($"source '{source.Name}' has no known kind");
        }
        if (adapter.Authenticate(source, request) is { } failure)
        {
            return new WebhookVerdict.Unauthorized(failure);
        }
        return Parse(adapter, request);
    }

    private static WebhookVerdict Parse(IProviderAdapter adapter, WebhookRequest request)
    {
        var body = request.Body;
        if (body.IsEmpty)
        {
            return new WebhookVerdict.Invalid("body is empty");
        }
        if (!Utf8.IsValid(body.Span))
        {
            return new WebhookVerdict.Invalid("body is not valid UTF-8");
        }
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            var items = new List<WebhookItem>(2);
            adapter.Parse(document.RootElement, request, items);
            return new WebhookVerdict.Accepted(items);
        }
        catch (JsonException e)
        {
            return new WebhookVerdict.Invalid($"body is not valid JSON: {e.Message}");
        }
        catch (PayloadException e)
        {
            return new WebhookVerdict.Invalid(e.Message);
        }
    }
}
