using System.Text.Json;
using Sessions.Canonical;

namespace Sessions.Webhooks;

/// <summary>One provider kind: proves a request genuine on its raw bytes, then maps the parsed body to items.</summary>
internal interface IProviderAdapter
{
    /// <summary>Null when the request is genuine; otherwise why not, for a 401 detail (never a secret).</summary>
    string? Authenticate(WebhookSource source, WebhookRequest request);

    /// <summary>Appends the body's items in body order; throws <see cref="Parsing.PayloadException"/> for unusable input.</summary>
    void Parse(JsonElement root, WebhookRequest request, List<WebhookItem> items);
}
