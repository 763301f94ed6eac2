using Microsoft.Extensions.Options;
using Sessions.Grains.Notifications;
using Sessions.Service.Storage;

namespace Sessions.Service.Notifications;

/// <summary>
/// Prunes finished deliveries and the outbox to <c>Notifications:DeliveryRetention</c>, a small batch per transaction
/// so dispatchers and the group commit never wait long behind it.
/// </summary>
internal sealed class NotificationJanitor(
    INotificationStore store,
    IOptionsMonitor<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationJanitor> logger) : RetentionJanitor(time, logger)
{
    private const int Batch = 500;

    protected override string Store => "Notifications";

    protected override TimeSpan Retention => options.CurrentValue.DeliveryRetention;

    protected override async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        int removed;
        do
        {
            removed = await store.PruneAsync(cutoff, Batch, cancellationToken);
            total += removed;
        }
        while (removed > 0 && !cancellationToken.IsCancellationRequested);

        return total;
    }
}
