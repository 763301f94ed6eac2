namespace Sessions.Grains.Notifications;

/// <summary>The notification store in this process's memory, for the memory storage mode: one lock, nothing outlives the process.</summary>
public sealed class InMemoryNotificationStore(TimeProvider time) : INotificationStore
{
    private readonly Lock _lock = new();
    private readonly List<OutboxRow> _outbox = [];
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Subscription, int Shard), long> _cursors = [];
    private readonly HashSet<(string Subscription, long OutboxSeq)> _delivered = [];
    private readonly List<Delivery> _deliveries = [];
    private long _lastSeq;
    private long _lastDeliverySeq;

    /// <summary>Stores one notification; called inside the journal's append, so both happen or neither.</summary>
    public void Append(OutboxEntry entry)
    {
        lock (_lock)
        {
            _outbox.Add(new OutboxRow(++_lastSeq, time.GetUtcNow(), entry));
        }
    }

    public Task<IReadOnlyList<OutboxRow>> ReadOutboxAsync(int shard, long afterSeq, DateTimeOffset recordedSince, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<OutboxRow>>(
                [.. _outbox.Where(r => r.Entry.Shard == shard && r.Seq > afterSeq && r.RecordedAt >= recordedSince).Take(limit)]);
        }
    }

    public Task<IReadOnlyList<OutboxRow>> ReadOutboxSinceAsync(DateTimeOffset occurredSince, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<OutboxRow>>([.. _outbox.Where(r => r.Entry.OccurredAt >= occurredSince).Take(limit)]);
        }
    }

    public Task AppendOutboxAsync(IReadOnlyList<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            Append(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Subscription>>([.. _subscriptions.Values.OrderBy(s => s.CreatedAt)]);
        }
    }

    public Task<Subscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_subscriptions.GetValueOrDefault(id));
        }
    }

    public Task SaveSubscriptionAsync(Subscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_lock)
        {
            var health = _subscriptions.GetValueOrDefault(subscription.Id);
            _subscriptions[subscription.Id] = subscription with { LastSuccessAt = health?.LastSuccessAt, FailingSince = health?.FailingSince };
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteSubscriptionAsync(string id)
    {
        lock (_lock)
        {
            _deliveries.RemoveAll(d => d.SubscriptionId == id);
            _delivered.RemoveWhere(d => d.Subscription == id);
            foreach (var key in _cursors.Keys.Where(k => k.Subscription == id).ToList())
            {
                _cursors.Remove(key);
            }

            return Task.FromResult(_subscriptions.Remove(id));
        }
    }

    public Task RecordOutcomeAsync(string subscriptionId, bool succeeded, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_subscriptions.TryGetValue(subscriptionId, out var s))
            {
                _subscriptions[subscriptionId] = succeeded
                    ? s with { LastSuccessAt = at, FailingSince = null }
                    : s with { FailingSince = s.FailingSince ?? at };
            }
        }

        return Task.CompletedTask;
    }

    public Task<long?> ReadCursorAsync(string subscriptionId, int shard, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_cursors.TryGetValue((subscriptionId, shard), out var cursor) ? cursor : (long?)null);
        }
    }

    public Task<IReadOnlySet<long>> DeliveredSeqsAsync(string subscriptionId, IReadOnlyCollection<long> outboxSeqs, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlySet<long>>(outboxSeqs.Where(seq => _delivered.Contains((subscriptionId, seq))).ToHashSet());
        }
    }

    public Task AddDeliveriesAsync(string subscriptionId, int shard, long? cursor, IReadOnlyList<Delivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        lock (_lock)
        {
            var seqs = deliveries.SelectMany(d => d.OutboxSeqs).Select(seq => (subscriptionId, seq)).ToList();
            if (seqs.Any(_delivered.Contains))
            {
                throw new InvalidOperationException($"Subscription {subscriptionId}: an outbox row already has a delivery.");
            }

            _delivered.UnionWith(seqs);
            foreach (var delivery in deliveries)
            {
                _deliveries.Add(delivery with { Seq = ++_lastDeliverySeq });
            }

            if (cursor is { } position)
            {
                _cursors[(subscriptionId, shard)] = position;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Delivery>> ListPendingAsync(string subscriptionId, int shard, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Delivery>>(
                [.. _deliveries.Where(d => d.SubscriptionId == subscriptionId && d.Shard == shard && d.Status is DeliveryStatus.Pending).Take(limit)]);
        }
    }

    public Task UpdateDeliveryAsync(Delivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        lock (_lock)
        {
            var index = _deliveries.FindIndex(d => d.Id == delivery.Id);
            if (index >= 0)
            {
                _deliveries[index] = delivery with { Seq = _deliveries[index].Seq, OutboxSeqs = _deliveries[index].OutboxSeqs };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Delivery>> ListDeliveriesAsync(
        string subscriptionId, DeliveryStatus? status, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Delivery>>(
            [
                .. _deliveries
                    .Where(d => d.SubscriptionId == subscriptionId && (status is null || d.Status == status) && (beforeSeq is null || d.Seq < beforeSeq))
                    .OrderByDescending(d => d.Seq)
                    .Take(limit),
            ]);
        }
    }

    public Task<Delivery?> GetDeliveryAsync(string subscriptionId, string deliveryId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_deliveries.Find(d => d.SubscriptionId == subscriptionId && d.Id == deliveryId));
        }
    }

    public Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var deliveries = _deliveries.Where(d => d.Status is not DeliveryStatus.Pending && d.CreatedAt < before).Take(limit).ToList();
            foreach (var delivery in deliveries)
            {
                _deliveries.Remove(delivery);
                _delivered.ExceptWith(delivery.OutboxSeqs.Select(seq => (delivery.SubscriptionId, seq)));
            }

            var rows = _outbox.Where(r => r.RecordedAt < before && _subscriptions.Values.All(s => Passed(s, r))).Take(limit).ToHashSet();
            _outbox.RemoveAll(rows.Contains);
            return Task.FromResult(deliveries.Count + rows.Count);
        }
    }

    public Task<IReadOnlyDictionary<string, long>> BacklogAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<string, long>>(_deliveries
                .Where(d => d.Status is DeliveryStatus.Pending)
                .GroupBy(d => d.SubscriptionId)
                .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal));
        }
    }

    /// <summary>Whether <paramref name="subscription"/>'s dispatcher has read past <paramref name="row"/> (or never will: it was stored before the subscription).</summary>
    private bool Passed(Subscription subscription, OutboxRow row) =>
        row.RecordedAt < subscription.CreatedAt || (_cursors.TryGetValue((subscription.Id, row.Entry.Shard), out var cursor) && cursor >= row.Seq);
}
