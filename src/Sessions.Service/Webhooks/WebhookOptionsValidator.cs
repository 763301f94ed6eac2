using Microsoft.Extensions.Options;
using Sessions.Webhooks;

namespace Sessions.Service.Webhooks;

/// <summary>
/// Checks the configured sources when they are read (at start-up, and again on a configuration reload): an unknown kind
/// fails validation, which stops the service; a source with nothing to verify with, or no source at all, is named in a warning.
/// </summary>
internal sealed partial class WebhookOptionsValidator(ILogger<WebhookOptionsValidator> logger) : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (sourceName, source) in options.Sources)
        {
            if (!WebhookPipeline.IsKnownKind(source.Kind))
            {
                failures.Add($"Webhooks:Sources:{sourceName}:Kind is '{source.Kind}', which is not one of: {string.Join(", ", WebhookPipeline.Kinds)}.");
            }
            else if (string.IsNullOrEmpty(source.Secret) && string.IsNullOrEmpty(source.Token)
                && string.IsNullOrEmpty(source.PublicKeyPem) && source.ApplicationSecrets.Count == 0)
            {
                LogUnverifiable(logger, sourceName);
            }
        }

        if (options.MaxConcurrentBodyBytes < options.MaxBodyBytes)
        {
            failures.Add($"Webhooks:MaxConcurrentBodyBytes ({options.MaxConcurrentBodyBytes}) is less than Webhooks:MaxBodyBytes ({options.MaxBodyBytes}): no body of the largest size could be read.");
        }

        if (options.Sources.Count == 0)
        {
            LogNoSources(logger);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Webhook source '{Source}' has no secret, token or public key configured: every request to it gets 401")]
    private static partial void LogUnverifiable(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No webhook sources are configured (Webhooks:Sources); every POST /webhooks/... gets 404")]
    private static partial void LogNoSources(ILogger logger);
}
