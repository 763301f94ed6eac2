using System.Globalization;
using System.Text;
using System.Text.Json;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>Canonical events sent through the <c>standard</c> source kind, each signed with its own webhook id.</summary>
internal static class StandardEvents
{
    public static WebhookRequest Request(string type, DateTimeOffset at, object data)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { type, timestamp = at, data });
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp,
            ["webhook-signature"] = "v1," + TestSources.StandardSignature(TestSources.StandardSecret, id, timestamp, body),
        };
        return new WebhookRequest(body, headers, null, DateTimeOffset.UtcNow);
    }

    public static string Text(WebhookRequest request) => Encoding.UTF8.GetString(request.Body.Span);
}
