namespace Sessions.Webhooks.Verification;

/// <summary>How a configured secret string becomes HMAC key bytes.</summary>
internal enum SecretEncoding
{
    /// <summary>The string's UTF-8 bytes (LiveSwitch shared secret, eyeson API key).</summary>
    Utf8 = 0,

    /// <summary>The Base64-decoded string (FastPix signing secret, Standard Webhooks secret after <c>whsec_</c>).</summary>
    Base64 = 1,
}
