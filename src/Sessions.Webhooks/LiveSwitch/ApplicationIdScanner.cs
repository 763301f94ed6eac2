using System.Text.Json;
using System.Text.Unicode;

namespace Sessions.Webhooks.LiveSwitch;

/// <summary>
/// Finds the <c>applicationId</c> whose shared secret signs a LiveSwitch body, before the body is trusted.
/// A forward-only token scan of <c>channel</c>, <c>client</c> and <c>connection</c> in the event (or in each batch
/// element); it reads nothing else and builds no events.
/// </summary>
internal static class ApplicationIdScanner
{
    /// <summary>What the scan saw: the one application id (or null), or that a batch names several.</summary>
    public readonly record struct Result(string? ApplicationId, bool Conflicting);

    public static Result Scan(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return default;
        }
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = WebhookPipeline.MaxDepth });
        string? found = null;
        var eventDepth = -1;
        var inEntity = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    // A single event's properties sit at depth 1; a batch element's at depth 2.
                    case JsonTokenType.StartObject when reader.CurrentDepth == 0:
                        eventDepth = 1;
                        break;
                    case JsonTokenType.StartArray when reader.CurrentDepth == 0:
                        eventDepth = 2;
                        break;
                    case JsonTokenType.PropertyName when reader.CurrentDepth == eventDepth:
                        inEntity = reader.ValueTextEquals("channel"u8) || reader.ValueTextEquals("client"u8) || reader.ValueTextEquals("connection"u8);
                        break;
                    case JsonTokenType.PropertyName when inEntity && reader.CurrentDepth == eventDepth + 1 && reader.ValueTextEquals("applicationId"u8):
                        if (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            var id = reader.GetString();
                            if (found is not null && found != id)
                            {
                                return new Result(null, Conflicting: true);
                            }
                            found = id;
                        }
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Broken JSON: keep what was found. Authenticity is decided on the raw bytes; the parser reports the error.
        }
        catch (InvalidOperationException)
        {
            // An applicationId that is no valid text (a lone surrogate escape) names no application.
        }
        return new Result(found, Conflicting: false);
    }
}
