using Sessions.Grains.Entities;

namespace Sessions.Grains.Notifications;

/// <summary>
/// One notification event waiting in the outbox (<c>SessionsOutbox</c>), stored in the same commit as the change it
/// tells of: <c>{"id", "type", "timestamp", "data"}</c>.
/// </summary>
/// <param name="EntityKey">The entity it is about (<c>{kind}/{provider}/{id}</c>): its deliveries keep this entity's order.</param>
/// <param name="Type">The event type (<c>recording.ready</c>, <c>server.health</c>, …).</param>
/// <param name="Provider">The entity's provider, which subscriptions filter on.</param>
/// <param name="OccurredAt">When the change happened (the event's time), which replays select on.</param>
/// <param name="Payload">The event as sent, UTF-8 JSON.</param>
public sealed record OutboxEntry(string EntityKey, string Type, string Provider, DateTimeOffset OccurredAt, byte[] Payload)
{
    /// <summary>How many dispatch shards the outbox is spread over; a dispatcher grain serves one subscription's one shard.</summary>
    public const int Shards = 8;

    /// <summary>The dispatch shard of <see cref="EntityKey"/>: every event of one entity lands in one shard, so one dispatcher orders them.</summary>
    public int Shard => ShardOf(EntityKey);

    public static int ShardOf(string entityKey) =>
        (int)(KeyHash.Of(entityKey) % Shards);
}

/// <summary>An outbox entry as stored: its sequence number (commit order within one writer) and when it was stored.</summary>
public sealed record OutboxRow(long Seq, DateTimeOffset RecordedAt, OutboxEntry Entry);
