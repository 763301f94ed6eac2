using Sessions.Abstractions.Notifications;
using Sessions.Grains.Notifications;

namespace Sessions.Service.Notifications;

/// <summary>
/// Keeps every subscription's dispatchers active (runs on each silo): every few seconds it wakes the
/// <see cref="OutboxEntry.Shards"/> dispatchers of each subscription, wherever Orleans placed them, and refreshes the
/// backlog figures for <c>/metrics</c>. Dispatchers poll on their own while active; this brings them back after a
/// restart or a silo's loss.
/// </summary>
internal sealed partial class NotificationWaker(
    IGrainFactory grains,
    INotificationStore store,
    NotificationMetrics metrics,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<NotificationWaker> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Wakes the dispatchers of <paramref name="subscriptionId"/> (all shards, or one).</summary>
    public static void Wake(IGrainFactory grains, string subscriptionId, int? shard = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        foreach (var s in shard is { } one ? [one] : Enumerable.Range(0, OutboxEntry.Shards))
        {
            grains.GetGrain<INotificationDispatcherGrain>(NotificationDispatcherGrain.KeyOf(subscriptionId, s)).WakeAsync().Ignore();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the host has started: the schema is migrated and the silo running only then (a background service
        // starts beside the hosted services registered after it, and a first query met a table not created yet).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                foreach (var subscription in await store.ListSubscriptionsAsync(stoppingToken))
                {
                    Wake(grains, subscription.Id);
                }

                metrics.Backlog(await store.BacklogAsync(stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWakeFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications: could not wake the dispatchers; will try again")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
