namespace Sessions.Webhooks;

/// <summary>What arrived: the raw body bytes, the headers that matter, the query token and the receive time.</summary>
/// <param name="Body">The raw request body, exactly as received; signatures are checked over these bytes.</param>
/// <param name="Headers">Request headers, looked up case-insensitively.</param>
/// <param name="QueryToken">The <c>?token=</c> query value, if any.</param>
/// <param name="ReceivedAt">Receive time; used as the event time only where the provider sends none.</param>
public sealed record WebhookRequest(
    ReadOnlyMemory<byte> Body,
    IReadOnlyDictionary<string, string> Headers,
    string? QueryToken,
    DateTimeOffset ReceivedAt)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
