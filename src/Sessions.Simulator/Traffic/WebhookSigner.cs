using System.Security.Cryptography;

namespace Sessions.Simulator.Traffic;

/// <summary>
/// Signs a body the way its provider does. LiveSwitch: Base64 HMAC-SHA256 keyed by the application's shared secret in
/// <c>X-ApplicationSignature</c>, or, for the unsigned server events, the source token as <c>?token=</c>. FastPix: Base64
/// HMAC-SHA256 keyed by the Base64-decoded signing secret. Dyte: Base64 RSA-SHA256 (PKCS#1 v1.5) with a fresh
/// <c>dyte-uuid</c> per event.
/// </summary>
internal sealed class WebhookSigner : IDisposable
{
    private readonly ProviderSecrets _secrets;
    private readonly byte[] _liveSwitchKey;
    private readonly byte[] _fastPixKey;
    private readonly RSA _dyteKey = RSA.Create();
    private readonly string _dyteWebhookId;

    public WebhookSigner(ProviderSecrets secrets, Random random)
    {
        _secrets = secrets;
        _liveSwitchKey = System.Text.Encoding.UTF8.GetBytes(secrets.LiveSwitchSharedSecret);
        _fastPixKey = Convert.FromBase64String(secrets.FastPixSigningSecret);
        _dyteKey.ImportFromPem(secrets.DytePrivateKeyPem);
        // Dyte names the subscription in every delivery; one per run.
        _dyteWebhookId = Ids.Uuid(random);
    }

    public ProviderEvent Sign(string provider, Payload payload, Random random)
    {
        var source = _secrets.SourceOf(provider);
        return provider switch
        {
            Providers.LiveSwitch when payload.Unsigned =>
                new ProviderEvent(provider, payload.Type, source, _secrets.LiveSwitchServerToken, payload.Body, [], payload.Facts),
            Providers.LiveSwitch => Signed(provider, payload, source, [Header("X-ApplicationSignature", Hmac(_liveSwitchKey, payload.Body))]),
            Providers.FastPix => Signed(provider, payload, source, [Header("FastPix-Signature", Hmac(_fastPixKey, payload.Body))]),
            Providers.Dyte => Signed(provider, payload, source,
            [
                Header("dyte-webhook-id", _dyteWebhookId),
                Header("dyte-uuid", Ids.Uuid(random)),
                Header("dyte-signature", Convert.ToBase64String(_dyteKey.SignData(payload.Body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))),
            ]),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a simulated provider"),
        };
    }

    public void Dispose() => _dyteKey.Dispose();

    private static ProviderEvent Signed(string provider, Payload payload, string source, KeyValuePair<string, string>[] headers) =>
        new(provider, payload.Type, source, null, payload.Body, headers, payload.Facts);

    private static string Hmac(byte[] key, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(key, body));

    private static KeyValuePair<string, string> Header(string name, string value) => new(name, value);
}
