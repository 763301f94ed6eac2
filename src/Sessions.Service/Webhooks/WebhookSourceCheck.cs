using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;
using Sessions.Webhooks;

namespace Sessions.Service.Webhooks;

/// <summary>Checks the configured sources at start-up: an unknown kind stops the service; a source with nothing to verify with is named in a warning.</summary>
internal sealed partial class WebhookSourceCheck(IOptions<WebhookOptions> options, ILogger<WebhookSourceCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, source) in options.Value.Sources)
        {
            if (!WebhookPipeline.IsKnownKind(source.Kind))
            {
                throw new StartupException(
                    $"Webhooks:Sources:{name}:Kind is '{source.Kind}', which is not one of: {string.Join(", ", WebhookPipeline.Kinds)}.");
            }

            if (string.IsNullOrEmpty(source.Secret) && string.IsNullOrEmpty(source.Token)
                && string.IsNullOrEmpty(source.PublicKeyPem) && source.ApplicationSecrets.Count == 0)
            {
                LogUnverifiable(logger, name);
            }
        }

        if (options.Value.Sources.Count == 0)
        {
            LogNoSources(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Webhook source '{Source}' has no secret, token or public key configured: every request to it gets 401")]
    private static partial void LogUnverifiable(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No webhook sources are configured (Webhooks:Sources); every POST /webhooks/... gets 404")]
    private static partial void LogNoSources(ILogger logger);
}
