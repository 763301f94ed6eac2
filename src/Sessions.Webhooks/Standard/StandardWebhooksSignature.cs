using System.Buffers;
using System.Globalization;
using System.Text;
using Sessions.Webhooks.Verification;

namespace Sessions.Webhooks.Standard;

/// <summary>
/// Standard Webhooks v1: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed by the Base64 part of a
/// <c>whsec_</c> secret; <c>webhook-signature</c> is a space-delimited list of <c>v1,&lt;base64&gt;</c> entries (key
/// rotation); the timestamp must lie within five minutes of the receive time.
/// </summary>
internal static class StandardWebhooksSignature
{
    private const int ToleranceSeconds = 5 * 60;
    private const string SecretPrefix = "whsec_";

    public static string? Verify(string secret, WebhookRequest request)
    {
        if (request.Header("webhook-id") is not { Length: > 0 } id)
        {
            return "the webhook-id header is missing";
        }
        if (request.Header("webhook-timestamp") is not { Length: > 0 } timestamp)
        {
            return "the webhook-timestamp header is missing";
        }
        if (request.Header("webhook-signature") is not { Length: > 0 } signatures)
        {
            return "the webhook-signature header is missing";
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "the webhook-timestamp header is not Unix seconds";
        }
        var skew = request.ReceivedAt.ToUnixTimeSeconds() - seconds;
        if (skew > ToleranceSeconds)
        {
            return "the webhook-timestamp is more than 5 minutes old";
        }
        if (skew < -ToleranceSeconds)
        {
            return "the webhook-timestamp is more than 5 minutes in the future";
        }

        var key = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var body = request.Body.Span;
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(id.Length + timestamp.Length + 2) + body.Length);
        try
        {
            var length = Encoding.UTF8.GetBytes($"{id}.{timestamp}.", buffer);
            body.CopyTo(buffer.AsSpan(length));
            Span<byte> mac = stackalloc byte[Hmac.Size];
            if (!Hmac.TryCompute(key, SecretEncoding.Base64, buffer.AsSpan(0, length + body.Length), mac))
            {
                return "the source's secret is not a whsec_ secret (Base64 after the prefix)";
            }
            var list = signatures.AsSpan();
            foreach (var range in list.Split(' '))
            {
                var entry = list[range];
                if (entry.StartsWith("v1,") && Hmac.MatchesBase64(mac, entry[3..]))
                {
                    return null;
                }
            }
            return "no v1 entry of the webhook-signature header matches the body";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
