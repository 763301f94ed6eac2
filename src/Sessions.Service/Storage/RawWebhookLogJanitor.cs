using Microsoft.Extensions.Options;
using Sessions.Grains.Storage;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Storage;

/// <summary>Prunes the raw log to <c>Webhooks:RawLogRetention</c>.</summary>
internal sealed class RawWebhookLogJanitor(
    IRawWebhookLog log,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<RawWebhookLogJanitor> logger) : RetentionJanitor(time, logger)
{
    protected override string Store => "Raw webhook log";

    protected override TimeSpan Retention => options.CurrentValue.RawLogRetention;

    protected override Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => log.PruneAsync(cutoff, cancellationToken);
}
