using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Sessions.Webhooks.Dyte;

/// <summary>
/// The imported RSA public key per source, re-imported only when the configured PEM changes.
/// Verification on one imported key from several threads is safe: the key is never mutated after import.
/// </summary>
internal sealed class PublicKeyCache
{
    private readonly ConditionalWeakTable<WebhookSource, Entry> _entries = new();

    /// <summary>The key for <paramref name="pem"/>, or null when the PEM holds no readable RSA public key.</summary>
    public RSA? Get(WebhookSource source, string pem)
    {
        if (_entries.TryGetValue(source, out var entry) && string.Equals(entry.Pem, pem, StringComparison.Ordinal))
        {
            return entry.Key;
        }
        entry = new Entry(pem, Import(pem));
        _entries.AddOrUpdate(source, entry);
        return entry.Key;
    }

    private static RSA? Import(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }

    private sealed record Entry(string Pem, RSA? Key);
}
