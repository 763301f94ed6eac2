namespace Sessions.Service.Storage;

/// <summary>
/// Prunes one store to its retention at start-up and then every hour; a storage failure is logged and waits for the
/// next hour.
/// </summary>
internal abstract partial class RetentionJanitor(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>What it prunes, as the log names it.</summary>
    protected abstract string Store { get; }

    /// <summary>How long entries stay (read each hour, so a reload applies).</summary>
    protected abstract TimeSpan Retention { get; }

    /// <summary>Removes what is older than <paramref name="cutoff"/>; returns how much it removed.</summary>
    protected abstract Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            var retention = Retention;
            try
            {
                var removed = await PruneAsync(time.GetUtcNow() - retention, stoppingToken);
                if (removed > 0)
                {
                    LogPruned(logger, Store, removed, retention);
                }
            }
            catch (Exception ex) when (SchemaMigrator.IsStorageFailure(ex))
            {
                LogPruneFailed(logger, ex, Store);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Store}: removed {Count} entries older than {Retention}")]
    private static partial void LogPruned(ILogger logger, string store, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Store}: pruning failed; will try again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception, string store);
}
