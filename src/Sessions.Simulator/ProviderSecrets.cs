using System.Reflection;

namespace Sessions.Simulator;

/// <summary>
/// Where each provider's webhooks go and what signs them. The defaults are the development service's test-only values
/// (<c>appsettings.Development.json</c>), and the simulator's own test-only Dyte key (source <c>dyte-sim</c>).
/// </summary>
public sealed record ProviderSecrets
{
    /// <summary>The LiveSwitch webhook source name (<c>/webhooks/{name}</c>).</summary>
    public string LiveSwitchSource { get; init; } = "liveswitch";

    /// <summary>The LiveSwitch application every channel, client and connection event belongs to.</summary>
    public string LiveSwitchApplicationId { get; init; } = "tracker-demo-app";

    /// <summary>That application's shared secret: the key of <c>X-ApplicationSignature</c>.</summary>
    public string LiveSwitchSharedSecret { get; init; } = "test-only-liveswitch-shared-secret-7f3a";

    /// <summary>The source token that unsigned LiveSwitch server events carry as <c>?token=</c>.</summary>
    public string LiveSwitchServerToken { get; init; } = "dev-liveswitch-server-token";

    /// <summary>The Dyte webhook source name.</summary>
    public string DyteSource { get; init; } = "dyte-sim";

    /// <summary>The RSA private key (PEM) that signs Dyte bodies; the source holds its public half.</summary>
    public string DytePrivateKeyPem { get; init; } = TestDyteKey.Value;

    /// <summary>The FastPix webhook source name.</summary>
    public string FastPixSource { get; init; } = "fastpix";

    /// <summary>The FastPix signing secret as the dashboard shows it (Base64).</summary>
    public string FastPixSigningSecret { get; init; } = "dGVzdC1vbmx5LWZhc3RwaXgtc2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OQ==";

    /// <summary>The source name a provider's deliveries go to.</summary>
    public string SourceOf(string provider) => provider switch
    {
        Providers.LiveSwitch => LiveSwitchSource,
        Providers.Dyte => DyteSource,
        Providers.FastPix => FastPixSource,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a simulated provider"),
    };

    /// <summary>The test-only key pair under <c>keys/</c>, embedded so the default works from any directory.</summary>
    private static class TestDyteKey
    {
        public static readonly string Value = Read();

        private static string Read()
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("dyte-sim-private.pem")
                ?? throw new InvalidOperationException("the embedded test key dyte-sim-private.pem is missing");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
