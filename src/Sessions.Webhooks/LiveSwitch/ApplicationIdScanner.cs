using System.Text.Json;
using System.Text.Unicode;

namespace Sessions.Webhooks.LiveSwitch;

/// <summary>
/// Finds the <c>applicationId</c> whose shared secret signs a LiveSwitch body, before the body is trusted, and whether
/// every event of it is a server (deployment) event, the only kind the source token may admit.
/// A forward-only token scan of <c>type</c>, and of <c>applicationId</c> in <c>channel</c>, <c>client</c> and
/// <c>connection</c>, in the event (or in each batch element); it reads nothing else and builds no events.
/// </summary>
internal static class ApplicationIdScanner
{
    /// <summary>
    /// What the scan saw: the one application id (or null), or that a batch names several; and whether some event's
    /// <c>type</c> is other than a server role's (<c>gateway.started</c>, <c>mediaserver.stats</c>). A body that is not
    /// JSON, or has events without a type, is left to the parser, which refuses it without changing anything.
    /// </summary>
    public readonly record struct Result(string? ApplicationId, bool Conflicting, bool OtherThanServerEvents = false);

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
        var otherTypes = false;
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
                    case JsonTokenType.PropertyName when reader.CurrentDepth == eventDepth && reader.ValueTextEquals("type"u8):
                        inEntity = false;
                        otherTypes |= !(reader.Read() && reader.TokenType == JsonTokenType.String && IsServerType(reader.GetString()!));
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
        return new Result(found, Conflicting: false, OtherThanServerEvents: otherTypes);
    }

    /// <summary>Whether a LiveSwitch event type is a server's own (its prefix names a server role), case-insensitively.</summary>
    private static bool IsServerType(string type)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && LiveSwitchEvents.ServerRole(type[..dot].ToLowerInvariant()) is not null;
    }
}
