using Microsoft.Extensions.Options;
using Sessions.Grains.Notifications;

namespace Sessions.Service.Notifications;

/// <summary>
/// Keeps every subscription's dispatchers active (runs on each silo): every few seconds, and never more often than
/// their own poll (<see cref="NotificationOptions.PollInterval"/>), it wakes the <see cref="OutboxEntry.Shards"/>
/// dispatchers of each subscription, wherever Orleans placed them, tells this silo's <see cref="DispatcherWakes"/> which
/// subscriptions there are, and refreshes the backlog figures for <c>/metrics</c>. Commits wake the dispatchers they
/// concern and dispatchers poll on their own while active; this brings them back after a restart or a silo's loss.
/// </summary>
internal sealed partial class NotificationWaker(
    DispatcherWakes wakes,
    INotificationStore store,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<NotificationWaker> logger) : BackgroundService
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the host has started: the schema is migrated and the silo running only then (a background service
        // starts beside the hosted services registered after it, and a first query met a table not created yet).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(MinInterval.Ticks, options.Value.PollInterval.Ticks)), time);
        do
        {
            try
            {
                var subscriptions = await store.ListSubscriptionsAsync(stoppingToken);
                wakes.Remember(subscriptions);
                foreach (var subscription in subscriptions)
                {
                    wakes.Wake(subscription.Id);
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
