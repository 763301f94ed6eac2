using System.Text.Json;

namespace Sessions.Grains.Notifications;

/// <summary>New deliveries: of outbox rows (one event, or a batch's JSON array), and of a ping.</summary>
public static class Deliveries
{
    /// <summary>
    /// A pending delivery of <paramref name="rows"/> (all of one entity unless <paramref name="batch"/>), due now.
    /// With <paramref name="recordRows"/> the rows count as delivered for the subscription (a replay does not).
    /// </summary>
    public static Delivery Of(string subscriptionId, int shard, IReadOnlyList<OutboxRow> rows, bool batch, DateTimeOffset now, bool recordRows = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var body = batch ? JsonArray(rows.Select(r => r.Entry.Payload)) : rows.Single().Entry.Payload;
        return new Delivery(
            Delivery.NewId(now),
            subscriptionId,
            shard,
            batch ? $"batch/{shard}" : rows[0].Entry.EntityKey,
            [.. rows.Select(r => EventId(r.Entry.Payload))],
            DeliveryStatus.Pending,
            now,
            NextAttemptAt: null,
            Attempts: [],
            body)
        {
            OutboxSeqs = recordRows ? [.. rows.Select(r => r.Seq)] : [],
        };
    }

    /// <summary>A <c>ping</c> to <paramref name="subscription"/>, due now; it waits behind no entity.</summary>
    public static Delivery Ping(Subscription subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var payload = NotificationEvents.Ping(now);
        var id = Delivery.NewId(now);
        return new Delivery(id, subscription.Id, 0, $"ping/{id}", [EventId(payload)], DeliveryStatus.Pending, now, null, [],
            subscription.Batch ? JsonArray([payload]) : payload);
    }

    private static string EventId(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.GetProperty("id").GetString() ?? "";
    }

    private static byte[] JsonArray(IEnumerable<byte[]> payloads)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'[');
        var first = true;
        foreach (var payload in payloads)
        {
            if (!first)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(payload);
            first = false;
        }

        buffer.WriteByte((byte)']');
        return buffer.ToArray();
    }
}
