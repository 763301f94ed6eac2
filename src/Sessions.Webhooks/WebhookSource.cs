namespace Sessions.Webhooks;

/// <summary>One configured endpoint <c>/webhooks/{Name}</c>: a provider kind and that provider's secrets.</summary>
public sealed class WebhookSource
{
    /// <summary>The source name, the last path segment of its URL.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>liveswitch</c>, <c>fastpix</c>, <c>dyte</c>, <c>eyeson</c>, <c>eyeson-streamrec</c> or <c>standard</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>FastPix signing secret (Base64), eyeson API key, or Standard Webhooks <c>whsec_…</c> secret. Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>Token for events the vendor does not sign (LiveSwitch server events, eyeson StreamRec). Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Dyte / RealtimeKit public key in PEM form.</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>LiveSwitch shared secret per application id. Never logged.</summary>
    public Dictionary<string, string> ApplicationSecrets { get; set; } = new(StringComparer.Ordinal);
}
