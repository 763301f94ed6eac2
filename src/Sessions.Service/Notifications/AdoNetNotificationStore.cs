using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sessions.Canonical;
using Sessions.Grains.Notifications;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;

namespace Sessions.Service.Notifications;

/// <summary>
/// Notifications in the service's own database (the Sessions* tables of deploy/sql's notification scripts), SQLite or
/// PostgreSQL, under this service's id. The outbox is written by the <see cref="GroupCommit"/> with the journal; the
/// rest here, every write through the <see cref="StorageWriteGate"/> (SQLite's single writer).
/// </summary>
internal sealed class AdoNetNotificationStore(DbDataSource dataSource, IOptions<HostingOptions> options, StorageWriteGate gate, TimeProvider time)
    : INotificationStore
{
    private const string OutboxColumns = "Seq, RecordedAtMs, EntityKey, Type, Provider, OccurredAtMs, Payload";

    private const string DeliveryColumns =
        "Seq, Id, SubscriptionId, Shard, EntityKey, Status, CreatedAtMs, NextAttemptAtMs, EventIds, Attempts, Body";

    private const string SubscriptionColumns = "Settings, LastSuccessAtMs, FailingSinceMs";

    /// <summary>The oldest finished deliveries created before the cutoff, at most one batch of them.</summary>
    private const string FinishedDeliveries =
        "SELECT Seq FROM SessionsDelivery WHERE ServiceId = @service AND Status <> 'pending' AND CreatedAtMs < @before ORDER BY Seq LIMIT @limit";

    private const string PruneDeliveredEvents =
        "DELETE FROM SessionsDeliveredEvent WHERE ServiceId = @service AND DeliveryId IN " +
        $"(SELECT Id FROM SessionsDelivery WHERE Seq IN ({FinishedDeliveries}))";

    private const string PruneDeliveries = $"DELETE FROM SessionsDelivery WHERE Seq IN ({FinishedDeliveries})";

    /// <summary>
    /// Outbox rows stored before the cutoff that no subscription will read again: each has a cursor past the row in its
    /// shard, or was created after the row was stored (its first read starts at its creation).
    /// </summary>
    private const string PruneOutbox =
        "DELETE FROM SessionsOutbox WHERE Seq IN (SELECT o.Seq FROM SessionsOutbox o " +
        "WHERE o.ServiceId = @service AND o.RecordedAtMs < @before AND NOT EXISTS (SELECT 1 FROM SessionsSubscription s " +
        "WHERE s.ServiceId = o.ServiceId AND s.CreatedAtMs <= o.RecordedAtMs AND NOT EXISTS (SELECT 1 FROM SessionsDispatchCursor c " +
        "WHERE c.ServiceId = s.ServiceId AND c.SubscriptionId = s.Id AND c.Shard = o.Shard AND c.Seq >= o.Seq)) " +
        "ORDER BY o.Seq LIMIT @limit)";

    private string ServiceId => options.Value.ServiceId;

    public Task<IReadOnlyList<OutboxRow>> ReadOutboxAsync(int shard, long afterSeq, DateTimeOffset recordedSince, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {OutboxColumns} FROM SessionsOutbox WHERE ServiceId = @service AND Shard = @shard " +
            "AND Seq > @after AND RecordedAtMs >= @since ORDER BY Seq LIMIT @limit",
            [("shard", shard), ("after", afterSeq), ("since", recordedSince.ToUnixTimeMilliseconds()), ("limit", limit)],
            ReadOutboxRow,
            cancellationToken);

    public Task<IReadOnlyList<OutboxRow>> ReadOutboxSinceAsync(DateTimeOffset occurredSince, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {OutboxColumns} FROM SessionsOutbox WHERE ServiceId = @service AND OccurredAtMs >= @since ORDER BY Seq LIMIT @limit",
            [("since", occurredSince.ToUnixTimeMilliseconds()), ("limit", limit)],
            ReadOutboxRow,
            cancellationToken);

    public Task AppendOutboxAsync(IReadOnlyList<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var recorded = time.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteAsync(async (connection, transaction) =>
        {
            foreach (var entry in entries)
            {
                await RunAsync(connection, transaction,
                    "INSERT INTO SessionsOutbox (ServiceId, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload) " +
                    "VALUES (@service, @shard, @key, @type, @provider, @occurred, @recorded, @payload)",
                    [
                        ("shard", entry.Shard), ("key", entry.EntityKey), ("type", entry.Type), ("provider", entry.Provider),
                        ("occurred", entry.OccurredAt.ToUnixTimeMilliseconds()), ("recorded", recorded), ("payload", entry.Payload),
                    ]);
            }
        });
    }

    public Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {SubscriptionColumns} FROM SessionsSubscription WHERE ServiceId = @service ORDER BY CreatedAtMs, Id", [],
            ReadSubscription, cancellationToken);

    public async Task<Subscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {SubscriptionColumns} FROM SessionsSubscription WHERE ServiceId = @service AND Id = @id", [("id", id)],
            ReadSubscription, cancellationToken)).SingleOrDefault();

    public Task SaveSubscriptionAsync(Subscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return ExecuteAsync(
            "INSERT INTO SessionsSubscription (ServiceId, Id, CreatedAtMs, Settings) VALUES (@service, @id, @created, @settings) " +
            "ON CONFLICT (ServiceId, Id) DO UPDATE SET Settings = excluded.Settings",
            [("id", subscription.Id), ("created", subscription.CreatedAt.ToUnixTimeMilliseconds()), ("settings", JsonSerializer.Serialize(subscription))]);
    }

    public async Task<bool> DeleteSubscriptionAsync(string id)
    {
        var deleted = 0;
        await WriteAsync(async (connection, transaction) =>
        {
            foreach (var table in (string[])["SessionsDelivery", "SessionsDeliveredEvent", "SessionsDispatchCursor"])
            {
                await RunAsync(connection, transaction, $"DELETE FROM {table} WHERE ServiceId = @service AND SubscriptionId = @id", [("id", id)]);
            }

            deleted = await RunAsync(connection, transaction, "DELETE FROM SessionsSubscription WHERE ServiceId = @service AND Id = @id", [("id", id)]);
        });
        return deleted > 0;
    }

    public Task RecordOutcomeAsync(string subscriptionId, bool succeeded, DateTimeOffset at) =>
        ExecuteAsync(
            succeeded
                ? "UPDATE SessionsSubscription SET LastSuccessAtMs = @at, FailingSinceMs = NULL WHERE ServiceId = @service AND Id = @id"
                : "UPDATE SessionsSubscription SET FailingSinceMs = COALESCE(FailingSinceMs, @at) WHERE ServiceId = @service AND Id = @id",
            [("id", subscriptionId), ("at", at.ToUnixTimeMilliseconds())]);

    public async Task<long?> ReadCursorAsync(string subscriptionId, int shard, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT Seq FROM SessionsDispatchCursor WHERE ServiceId = @service AND SubscriptionId = @id AND Shard = @shard",
            [("id", subscriptionId), ("shard", shard)], r => r.GetInt64(0), cancellationToken)) is [var cursor] ? cursor : null;

    public async Task<IReadOnlySet<long>> DeliveredSeqsAsync(string subscriptionId, IReadOnlyCollection<long> outboxSeqs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxSeqs);
        if (outboxSeqs.Count == 0)
        {
            return new HashSet<long>();
        }

        var delivered = await QueryAsync(
            "SELECT OutboxSeq FROM SessionsDeliveredEvent WHERE ServiceId = @service AND SubscriptionId = @id AND OutboxSeq BETWEEN @low AND @high",
            [("id", subscriptionId), ("low", outboxSeqs.Min()), ("high", outboxSeqs.Max())], r => r.GetInt64(0), cancellationToken);
        return delivered.Where(outboxSeqs.Contains).ToHashSet();
    }

    public Task AddDeliveriesAsync(string subscriptionId, int shard, long? cursor, IReadOnlyList<Delivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        return WriteAsync(async (connection, transaction) =>
        {
            foreach (var delivery in deliveries)
            {
                await RunAsync(connection, transaction,
                    "INSERT INTO SessionsDelivery (ServiceId, Id, SubscriptionId, Shard, EntityKey, Status, CreatedAtMs, NextAttemptAtMs, EventIds, Attempts, Body) " +
                    "VALUES (@service, @id, @subscription, @shard, @key, @status, @created, @next, @events, @attempts, @body)",
                    [
                        ("id", delivery.Id), ("subscription", subscriptionId), ("shard", delivery.Shard), ("key", delivery.EntityKey),
                        ("status", StatusWords.Of(delivery.Status)), ("created", delivery.CreatedAt.ToUnixTimeMilliseconds()),
                        ("next", (object?)delivery.NextAttemptAt?.ToUnixTimeMilliseconds() ?? DBNull.Value),
                        ("events", JsonSerializer.Serialize(delivery.EventIds)), ("attempts", JsonSerializer.Serialize(delivery.Attempts)), ("body", delivery.Body),
                    ]);
                foreach (var seq in delivery.OutboxSeqs)
                {
                    // No ON CONFLICT: a row that already has a delivery fails the whole transaction, cursor included.
                    await RunAsync(connection, transaction,
                        "INSERT INTO SessionsDeliveredEvent (ServiceId, SubscriptionId, OutboxSeq, DeliveryId) VALUES (@service, @subscription, @seq, @id)",
                        [("subscription", subscriptionId), ("seq", seq), ("id", delivery.Id)]);
                }
            }

            if (cursor is { } position)
            {
                await RunAsync(connection, transaction,
                    "INSERT INTO SessionsDispatchCursor (ServiceId, SubscriptionId, Shard, Seq) VALUES (@service, @subscription, @shard, @seq) " +
                    "ON CONFLICT (ServiceId, SubscriptionId, Shard) DO UPDATE SET Seq = excluded.Seq",
                    [("subscription", subscriptionId), ("shard", shard), ("seq", position)]);
            }
        });
    }

    public Task<IReadOnlyList<Delivery>> ListPendingAsync(string subscriptionId, int shard, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {DeliveryColumns} FROM SessionsDelivery WHERE ServiceId = @service AND SubscriptionId = @id AND Shard = @shard " +
            "AND Status = 'pending' ORDER BY Seq LIMIT @limit",
            [("id", subscriptionId), ("shard", shard), ("limit", limit)], ReadDelivery, cancellationToken);

    public Task UpdateDeliveryAsync(Delivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ExecuteAsync(
            "UPDATE SessionsDelivery SET Status = @status, NextAttemptAtMs = @next, Attempts = @attempts WHERE ServiceId = @service AND Id = @id",
            [
                ("id", delivery.Id), ("status", StatusWords.Of(delivery.Status)),
                ("next", (object?)delivery.NextAttemptAt?.ToUnixTimeMilliseconds() ?? DBNull.Value), ("attempts", JsonSerializer.Serialize(delivery.Attempts)),
            ]);
    }

    public Task<IReadOnlyList<Delivery>> ListDeliveriesAsync(
        string subscriptionId, DeliveryStatus? status, long? beforeSeq, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {DeliveryColumns} FROM SessionsDelivery WHERE ServiceId = @service AND SubscriptionId = @id " +
            "AND (@status = '' OR Status = @status) AND Seq < @before ORDER BY Seq DESC LIMIT @limit",
            [("id", subscriptionId), ("status", status is { } s ? StatusWords.Of(s) : ""), ("before", beforeSeq ?? long.MaxValue), ("limit", limit)],
            ReadDelivery, cancellationToken);

    public async Task<Delivery?> GetDeliveryAsync(string subscriptionId, string deliveryId, CancellationToken cancellationToken) =>
        (await QueryAsync(
            $"SELECT {DeliveryColumns} FROM SessionsDelivery WHERE ServiceId = @service AND SubscriptionId = @subscription AND Id = @id",
            [("subscription", subscriptionId), ("id", deliveryId)], ReadDelivery, cancellationToken)).SingleOrDefault();

    public async Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var removed = 0;
        (string, object)[] parameters = [("before", before.ToUnixTimeMilliseconds()), ("limit", limit)];
        await WriteAsync(async (connection, transaction) =>
        {
            await RunAsync(connection, transaction, PruneDeliveredEvents, parameters);
            removed = await RunAsync(connection, transaction, PruneDeliveries, parameters) + await RunAsync(connection, transaction, PruneOutbox, parameters);
        });
        return removed;
    }

    public async Task<IReadOnlyDictionary<string, long>> BacklogAsync(CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT SubscriptionId, COUNT(*) FROM SessionsDelivery WHERE ServiceId = @service AND Status = 'pending' GROUP BY SubscriptionId", [],
            r => (Id: r.GetString(0), Count: r.GetInt64(1)), cancellationToken))
        .ToDictionary(p => p.Id, p => p.Count, StringComparer.Ordinal);

    private static OutboxRow ReadOutboxRow(DbDataReader reader) => new(
        reader.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        new OutboxEntry(reader.GetString(2), reader.GetString(3), reader.GetString(4),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), (byte[])reader.GetValue(6)));

    private static Subscription ReadSubscription(DbDataReader reader) =>
        (JsonSerializer.Deserialize<Subscription>(reader.GetString(0)) ?? throw new InvalidDataException("A stored subscription reads as null.")) with
        {
            LastSuccessAt = reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            FailingSince = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        };

    private static Delivery ReadDelivery(DbDataReader reader) => new(
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt32(3),
        reader.GetString(4),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(8)) ?? [],
        StatusWords.TryParse<DeliveryStatus>(reader.GetString(5), out var status) ? status : throw new InvalidDataException($"Unknown delivery status {reader.GetString(5)}."),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        JsonSerializer.Deserialize<List<DeliveryAttempt>>(reader.GetString(9)) ?? [],
        (byte[])reader.GetValue(10))
    {
        Seq = reader.GetInt64(0),
    };

    private async Task<IReadOnlyList<T>> QueryAsync<T>(
        string sql, (string Name, object Value)[] parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private Task ExecuteAsync(string sql, (string Name, object Value)[] parameters) =>
        WriteAsync((connection, transaction) => RunAsync(connection, transaction, sql, parameters));

    private Task WriteAsync(Func<DbConnection, DbTransaction, Task> write) =>
        gate.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await write(connection, transaction);
            await transaction.CommitAsync();
        });

    private async Task<int> RunAsync(DbConnection connection, DbTransaction transaction, string sql, (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.AddParameter("service", ServiceId);
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return command;
    }
}
