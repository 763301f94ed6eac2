using Sessions.Webhooks;

namespace Sessions.Testing.Webhooks;

/// <summary>Turns a webhook request (body, headers, token) into the HTTP POST a provider would send.</summary>
public static class WebhookMessage
{
    public static HttpRequestMessage For(string source, WebhookRequest request, string contentType = "application/json")
    {
        var path = request.QueryToken is null ? $"/webhooks/{source}" : $"/webhooks/{source}?token={Uri.EscapeDataString(request.QueryToken)}";
        var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(request.Body.ToArray()) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }
}
