namespace Sessions.Grains.Notifications;

/// <summary>Where a delivery stands: waiting for (another) attempt, or finished either way.</summary>
public enum DeliveryStatus
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
}

/// <summary>One try at a delivery: the receiver's status code (none when it never answered), how long it took, what went wrong.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, int? StatusCode, long DurationMs, string? Error);

/// <summary>
/// One POST to a subscription's URL: one event, or with batch several; <see cref="Id"/> is its <c>webhook-id</c> on
/// every attempt. <see cref="Body"/> is the JSON sent. Deliveries of one <see cref="EntityKey"/> go out in
/// <see cref="Seq"/> order, one at a time.
/// </summary>
public sealed record Delivery(
    string Id,
    string SubscriptionId,
    int Shard,
    string EntityKey,
    IReadOnlyList<string> EventIds,
    DeliveryStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    IReadOnlyList<DeliveryAttempt> Attempts,
    byte[] Body)
{
    /// <summary>The store's order of deliveries (assigned when stored; 0 before).</summary>
    public long Seq { get; init; }

    /// <summary>The outbox rows it carries (none for a ping or a replay); a row is delivered once per subscription.</summary>
    public IReadOnlyList<long> OutboxSeqs { get; init; } = [];

    /// <summary>A new delivery id (<c>msg_…</c>, time-ordered).</summary>
    public static string NewId(DateTimeOffset at) => $"msg_{Guid.CreateVersion7(at):N}";
}
