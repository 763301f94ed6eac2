using Microsoft.Extensions.Options;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Storage;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Storage;

/// <summary>Prunes the raw log to its retention at start-up and then every hour.</summary>
internal sealed partial class RawWebhookLogJanitor(
    IRawWebhookLog log,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<RawWebhookLogJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            var retention = options.CurrentValue.RawLogRetention;
            try
            {
                var removed = await log.PruneAsync(time.GetUtcNow() - retention, stoppingToken);
                if (removed > 0)
                {
                    LogPruned(logger, removed, retention);
                }
            }
            catch (Exception ex) when (SchemaMigrator.IsStorageFailure(ex))
            {
                LogPruneFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raw webhook log: removed {Count} entries older than {Retention}")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raw webhook log: pruning failed; will try again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
