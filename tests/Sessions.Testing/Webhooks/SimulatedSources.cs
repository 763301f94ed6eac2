using Sessions.Simulator;
using Sessions.Webhooks;

namespace Sessions.Testing.Webhooks;

/// <summary>The webhook sources a service needs to accept the simulator's default traffic, built from its defaults.</summary>
public static class SimulatedSources
{
    public static readonly ProviderSecrets Secrets = new();

    /// <summary>The public half of the committed test-only Dyte key, as the service is configured with it.</summary>
    public static readonly string DytePublicKeyPem = RepoPaths.ReadText("src/Sessions.Simulator/keys/dyte-sim-public.pem");

    public static WebhookSource For(string provider) => provider switch
    {
        Providers.LiveSwitch => new WebhookSource
        {
            Name = Secrets.LiveSwitchSource,
            Kind = provider,
            Token = Secrets.LiveSwitchServerToken,
            ApplicationSecrets = new(StringComparer.Ordinal) { [Secrets.LiveSwitchApplicationId] = Secrets.LiveSwitchSharedSecret },
        },
        Providers.Dyte => new WebhookSource { Name = Secrets.DyteSource, Kind = provider, PublicKeyPem = DytePublicKeyPem },
        Providers.FastPix => new WebhookSource { Name = Secrets.FastPixSource, Kind = provider, Secret = Secrets.FastPixSigningSecret },
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The same sources as service configuration keys.</summary>
    public static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var source in Providers.All.Select(For))
        {
            SourceSettings.Add(settings, source.Name, source);
        }

        return settings;
    }
}
