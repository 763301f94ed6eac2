using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Sessions.Webhooks.Verification;

/// <summary>The per-source token for events a vendor does not sign: <c>?token=</c> or <c>Authorization: Bearer</c>.</summary>
internal static class Tokens
{
    public const string Missing = "the source token is missing or wrong (send ?token= or Authorization: Bearer)";

    public static bool Presented(WebhookSource source, WebhookRequest request)
    {
        if (string.IsNullOrEmpty(source.Token))
        {
            return false;
        }
        var expected = source.Token.AsSpan();
        return Equal(request.QueryToken, expected) || Equal(Bearer(request.Header("Authorization")), expected);
    }

    private static ReadOnlySpan<char> Bearer(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header.AsSpan(7).Trim() : default;

    private static bool Equal(ReadOnlySpan<char> given, ReadOnlySpan<char> expected) =>
        !given.IsEmpty && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(given), MemoryMarshal.AsBytes(expected));
}
