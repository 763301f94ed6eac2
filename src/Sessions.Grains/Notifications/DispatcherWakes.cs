using Sessions.Abstractions.Hosting;
using Sessions.Abstractions.Notifications;

namespace Sessions.Grains.Notifications;

/// <summary>
/// Wakes dispatchers now rather than at their next poll: those of a subscription the API changed, and, right after a
/// commit that stored notifications, those of every subscription that wants one of them, in the shards they landed in
/// (one one-way message each, from the silo that committed, to wherever Orleans placed the dispatcher). It knows the
/// subscriptions the <c>NotificationWaker</c> last read and those saved here since; a subscription it does not know yet
/// (saved on another silo moments ago) hears of the change at its dispatchers' next poll.
/// </summary>
public sealed class DispatcherWakes(IGrainFactory grains)
{
    private readonly Lock _saving = new();
    private volatile IReadOnlyList<Subscription> _subscriptions = [];

    /// <summary>The subscriptions as stored now (replaces what was known).</summary>
    public void Remember(IReadOnlyList<Subscription> subscriptions) => _subscriptions = subscriptions;

    /// <summary>One subscription as just saved through this silo.</summary>
    public void Remember(Subscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_saving)
        {
            _subscriptions = [.. _subscriptions.Where(s => s.Id != subscription.Id), subscription];
        }
    }

    /// <summary>A subscription just deleted through this silo.</summary>
    public void Forget(string subscriptionId)
    {
        lock (_saving)
        {
            _subscriptions = [.. _subscriptions.Where(s => s.Id != subscriptionId)];
        }
    }

    /// <summary>Wakes the dispatchers of <paramref name="subscriptionId"/> (all shards, or one).</summary>
    public void Wake(string subscriptionId, int? shard = null)
    {
        foreach (var s in shard is { } one ? [one] : Enumerable.Range(0, OutboxEntry.Shards))
        {
            grains.Reference<INotificationDispatcherGrain>(NotificationDispatcherGrain.KeyOf(subscriptionId, s)).WakeAsync().Ignore();
        }
    }

    /// <summary>Wakes the dispatchers that have <paramref name="notifications"/> to deliver: call once they are committed.</summary>
    public void Committed(IReadOnlyCollection<OutboxEntry> notifications)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0)
        {
            return;
        }

        var due = _subscriptions
            .Where(s => !s.Disabled)
            .SelectMany(s => notifications.Where(s.Matches).Select(n => (s.Id, n.Shard)))
            .Distinct();
        foreach (var (subscriptionId, shard) in due)
        {
            Wake(subscriptionId, shard);
        }
    }
}
