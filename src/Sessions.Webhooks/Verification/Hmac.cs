using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Sessions.Webhooks.Verification;

/// <summary>
/// HMAC-SHA256 with one-shot APIs. Keys are decoded into stack (or pooled) memory per call and wiped afterwards:
/// cheaper than a cache and never leaves secret bytes on the heap.
/// </summary>
internal static class Hmac
{
    public const int Size = HMACSHA256.HashSizeInBytes;
    private const int StackLimit = 256;

    /// <summary>Computes the MAC of <paramref name="message"/>; false when the secret cannot be decoded.</summary>
    public static bool TryCompute(string secret, SecretEncoding encoding, ReadOnlySpan<byte> message, Span<byte> mac)
    {
        var maxLength = encoding == SecretEncoding.Utf8 ? Encoding.UTF8.GetMaxByteCount(secret.Length) : secret.Length;
        byte[]? rented = null;
        var key = maxLength <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            int length;
            if (encoding == SecretEncoding.Utf8)
            {
                length = Encoding.UTF8.GetBytes(secret, key);
            }
            else if (!Convert.TryFromBase64String(secret, key, out length))
            {
                return false;
            }
            if (length == 0)
            {
                return false;
            }
            HMACSHA256.HashData(key[..length], message, mac);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Constant-time check of a Base64-encoded MAC.</summary>
    public static bool MatchesBase64(ReadOnlySpan<byte> mac, ReadOnlySpan<char> encoded)
    {
        Span<byte> given = stackalloc byte[Size];
        return Convert.TryFromBase64Chars(encoded, given, out var written)
            && written == Size
            && CryptographicOperations.FixedTimeEquals(mac, given);
    }

    /// <summary>Constant-time check of a hex-encoded MAC, in any letter case.</summary>
    public static bool MatchesHex(ReadOnlySpan<byte> mac, ReadOnlySpan<char> hex)
    {
        Span<byte> given = stackalloc byte[Size];
        return hex.Length == Size * 2
            && Convert.FromHexString(hex, given, out _, out var written) == OperationStatus.Done
            && written == Size
            && CryptographicOperations.FixedTimeEquals(mac, given);
    }

    /// <summary>True when <paramref name="header"/> is the Base64 HMAC of <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static bool VerifyBase64(string secret, SecretEncoding encoding, ReadOnlySpan<byte> body, string header)
    {
        Span<byte> mac = stackalloc byte[Size];
        return TryCompute(secret, encoding, body, mac) && MatchesBase64(mac, header.AsSpan().Trim());
    }
}
