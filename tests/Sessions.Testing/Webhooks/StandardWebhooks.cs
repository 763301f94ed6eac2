using System.Globalization;
using System.Text;
using System.Text.Json;
using Sessions.Webhooks;

namespace Sessions.Testing.Webhooks;

/// <summary>Canonical events for the <c>standard</c> source, signed per Standard Webhooks with the test secret.</summary>
public static class StandardWebhooks
{
    /// <summary>The configured source that receives them.</summary>
    public const string Source = "standard";

    /// <summary>
    /// One event; <paramref name="messageId"/> is the dedupe key, so the same id sent twice is applied once.
    /// </summary>
    public static WebhookRequest Event(string type, DateTimeOffset at, object data, string? messageId = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { type, timestamp = at, data });
        var id = messageId ?? "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = "v1," + TestSources.StandardSignature(TestSources.StandardSecret, id, timestamp, body),
        };
        return TestSources.Request(body, headers, receivedAt: DateTimeOffset.UtcNow);
    }

    /// <summary>The event's body as text, to say in a failure which event it was.</summary>
    public static string Text(WebhookRequest request) => Encoding.UTF8.GetString(request.Body.Span);
}
