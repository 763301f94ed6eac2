using Sessions.Webhooks;

namespace Sessions.Testing.Webhooks;

/// <summary>Webhook sources as the service reads them from configuration: <c>Webhooks:Sources:{name}:…</c>.</summary>
public static class SourceSettings
{
    /// <summary>Adds <paramref name="source"/>'s kind and secrets to <paramref name="settings"/> as the source <paramref name="name"/>.</summary>
    public static void Add(IDictionary<string, string?> settings, string name, WebhookSource source)
    {
        var prefix = $"Webhooks:Sources:{name}:";
        settings[prefix + "Kind"] = source.Kind;
        settings[prefix + "Secret"] = source.Secret;
        settings[prefix + "Token"] = source.Token;
        settings[prefix + "PublicKeyPem"] = source.PublicKeyPem;
        foreach (var (application, secret) in source.ApplicationSecrets)
        {
            settings[$"{prefix}ApplicationSecrets:{application}"] = secret;
        }
    }
}
