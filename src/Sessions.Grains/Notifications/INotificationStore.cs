namespace Sessions.Grains.Notifications;

/// <summary>
/// Where notifications live: the outbox (written in the entity's commit, read by dispatchers), subscriptions, each
/// dispatcher's cursor, and deliveries with their attempts.
/// </summary>
public interface INotificationStore
{
    /// <summary>Outbox rows of <paramref name="shard"/> after <paramref name="afterSeq"/> stored at or after <paramref name="recordedSince"/>, in sequence order.</summary>
    Task<IReadOnlyList<OutboxRow>> ReadOutboxAsync(int shard, long afterSeq, DateTimeOffset recordedSince, int limit, CancellationToken cancellationToken);

    /// <summary>Outbox rows of every shard whose change happened at or after <paramref name="occurredSince"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxRow>> ReadOutboxSinceAsync(DateTimeOffset occurredSince, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores notifications made outside an entity's commit (an index shard's <c>server.health</c> changes, by an event or
    /// by the clock), in order, in one transaction: all of them or none.
    /// </summary>
    Task AppendOutboxAsync(IReadOnlyList<OutboxEntry> entries);

    Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(CancellationToken cancellationToken);

    Task<Subscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the settings of <paramref name="subscription"/> (its health stays).</summary>
    Task SaveSubscriptionAsync(Subscription subscription);

    /// <summary>Removes a subscription with its cursors and deliveries; false when there was none.</summary>
    Task<bool> DeleteSubscriptionAsync(string id);

    /// <summary>Records a finished attempt: a success clears <c>failingSince</c>, a failure sets it unless set.</summary>
    Task RecordOutcomeAsync(string subscriptionId, bool succeeded, DateTimeOffset at);

    /// <summary>How far a dispatcher has read the outbox; null before its first scan.</summary>
    Task<long?> ReadCursorAsync(string subscriptionId, int shard, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="outboxSeqs"/> already have a delivery for this subscription.</summary>
    Task<IReadOnlySet<long>> DeliveredSeqsAsync(string subscriptionId, IReadOnlyCollection<long> outboxSeqs, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: stores <paramref name="deliveries"/> (failing if an outbox row of theirs already has one for
    /// the subscription) and, when given, moves the dispatcher's cursor to <paramref name="cursor"/>.
    /// </summary>
    Task AddDeliveriesAsync(string subscriptionId, int shard, long? cursor, IReadOnlyList<Delivery> deliveries);

    /// <summary>The pending deliveries of one dispatcher, oldest first.</summary>
    Task<IReadOnlyList<Delivery>> ListPendingAsync(string subscriptionId, int shard, int limit, CancellationToken cancellationToken);

    /// <summary>Stores a delivery's new status, attempts and next attempt time.</summary>
    Task UpdateDeliveryAsync(Delivery delivery);

    /// <summary>A subscription's deliveries, newest first, before <paramref name="beforeSeq"/> when given.</summary>
    Task<IReadOnlyList<Delivery>> ListDeliveriesAsync(
        string subscriptionId, DeliveryStatus? status, long? beforeSeq, int limit, CancellationToken cancellationToken);

    Task<Delivery?> GetDeliveryAsync(string subscriptionId, string deliveryId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes up to <paramref name="limit"/> finished (succeeded or failed) deliveries created before
    /// <paramref name="before"/>, with the records of which outbox rows they carried, and up to as many outbox rows stored
    /// before it that every subscription has read past; pending deliveries stay. Returns how many it removed.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>Pending deliveries per subscription (the backlog).</summary>
    Task<IReadOnlyDictionary<string, long>> BacklogAsync(CancellationToken cancellationToken);
}
