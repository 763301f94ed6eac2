using Orleans.Concurrency;

namespace Sessions.Abstractions.Notifications;

/// <summary>
/// Delivers one subscription's notifications of one outbox shard (key <c>{subscriptionId}/{shard}</c>): dispatch is
/// spread over the cluster as subscriptions × shards grains, and a receiver that hangs holds up only its own dispatchers.
/// </summary>
[Alias("Sessions.Abstractions.Notifications.INotificationDispatcherGrain")]
public interface INotificationDispatcherGrain : IGrainWithStringKey
{
    /// <summary>Look at the outbox and the due deliveries now rather than at the next poll (activates the dispatcher).</summary>
    [Alias("WakeAsync"), OneWay]
    Task WakeAsync();
}
