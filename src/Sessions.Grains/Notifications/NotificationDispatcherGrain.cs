using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sessions.Abstractions.Notifications;

namespace Sessions.Grains.Notifications;

/// <summary>
/// One subscription's dispatcher for one outbox shard. Each tick it reads the shard's outbox after its cursor, turns
/// the rows its subscription wants into deliveries (the cursor moves in the same transaction), then sends what is due:
/// per entity only the oldest unfinished delivery (batch subscriptions: only the oldest of the shard), different
/// entities at once up to <see cref="NotificationOptions.MaxConcurrentSends"/>. Everything it knows is in the
/// <see cref="INotificationStore"/>, so any activation on any silo carries on where another stopped. It ticks when woken
/// (a commit that stored rows it wants, an API call), at once again while it has more than one tick takes (a full page
/// of the outbox, more rounds of sends), and otherwise every <see cref="NotificationOptions.PollInterval"/>.
/// </summary>
/// <remarks>
/// PostgreSQL hands out sequence numbers before commit, so a row may become visible after a higher one: the cursor only
/// moves past rows older than <see cref="SettleTime"/>, and the rows after it are read again each tick, a row that
/// already has a delivery being skipped. Between polls a tick reads on from the last row this activation read; a poll
/// reads again from the cursor.
/// </remarks>
[GrainType("notification-dispatcher")]
public sealed partial class NotificationDispatcherGrain(
    INotificationStore store,
    IWebhookSender sender,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcherGrain> logger) : Grain, INotificationDispatcherGrain
{
    /// <summary>How long after it is stored a row is assumed visible to every reader (its transaction committed).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(30);

    private const int ScanLimit = 1000;
    private const int PendingLimit = 1000;

    /// <summary>How many rounds of sends one tick makes at most (a round sends the next delivery of each entity).</summary>
    private const int MaxRounds = 100;

    private string _subscriptionId = "";
    private int _shard;
    private IGrainTimer? _timer;

    /// <summary>The last outbox row this activation read (later ticks between polls read on from it).</summary>
    private long _readThrough;

    /// <summary>When this activation last read the outbox from its cursor.</summary>
    private DateTimeOffset _readFromCursorAt = DateTimeOffset.MinValue;

    /// <summary>The key of the dispatcher of <paramref name="subscriptionId"/>'s <paramref name="shard"/>.</summary>
    public static string KeyOf(string subscriptionId, int shard) => $"{subscriptionId}/{shard.ToString(CultureInfo.InvariantCulture)}";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        (_subscriptionId, _shard) = (key[..slash], int.Parse(key[(slash + 1)..], CultureInfo.InvariantCulture));
        _timer = this.RegisterGrainTimer(TickAsync, options.Value.PollInterval, options.Value.PollInterval);
        return Task.CompletedTask;
    }

    public Task WakeAsync()
    {
        _timer?.Change(TimeSpan.Zero, options.Value.PollInterval);
        return Task.CompletedTask;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            var subscription = await store.GetSubscriptionAsync(_subscriptionId, cancellationToken);
            if (subscription is null)
            {
                _timer?.Dispose();
                DeactivateOnIdle();
                return;
            }

            var more = await ScanAsync(subscription, cancellationToken);
            if (!subscription.Disabled)
            {
                more |= await SendDueAsync(subscription, cancellationToken);
            }

            if (more)
            {
                // The next tick follows this one at once (a wake meanwhile does the same; a failure waits for the poll).
                _timer?.Change(TimeSpan.Zero, options.Value.PollInterval);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing is lost: the outbox, the cursor and the deliveries are stored; the next tick tries again.
            LogTickFailed(logger, ex, _subscriptionId, _shard);
        }
    }

    /// <summary>
    /// New outbox rows of this shard into deliveries, and the cursor past the rows that have settled; true when it read a
    /// full page (more rows wait).
    /// </summary>
    private async Task<bool> ScanAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var cursor = await store.ReadCursorAsync(_subscriptionId, _shard, cancellationToken);
        var now = time.GetUtcNow();
        var fromCursor = now - _readFromCursorAt >= options.Value.PollInterval;
        if (fromCursor)
        {
            _readFromCursorAt = now;
        }

        // Before its first scan a subscription starts with what was stored since it was created.
        var rows = await store.ReadOutboxAsync(
            _shard, fromCursor ? cursor ?? 0 : Math.Max(cursor ?? 0, _readThrough), cursor is null ? subscription.CreatedAt : DateTimeOffset.UnixEpoch,
            ScanLimit, cancellationToken);
        if (rows.Count == 0)
        {
            return false;
        }

        // Only a read from the cursor sees every row the cursor would pass.
        var settledBefore = now - SettleTime;
        var settled = fromCursor ? rows.TakeWhile(r => r.RecordedAt < settledBefore).LastOrDefault()?.Seq ?? cursor : cursor;

        // A disabled subscription hears nothing of what happens meanwhile (a replay can fetch it later).
        var wanted = subscription.Disabled ? [] : rows.Where(r => subscription.Matches(r.Entry)).ToList();
        var delivered = await store.DeliveredSeqsAsync(_subscriptionId, [.. wanted.Select(r => r.Seq)], cancellationToken);
        var fresh = wanted.Where(r => !delivered.Contains(r.Seq)).ToList();
        if (fresh.Count > 0 || settled != cursor)
        {
            await store.AddDeliveriesAsync(_subscriptionId, _shard, settled, Deliveries.For(subscription, _shard, fresh, options.Value.MaxBatch, now));
        }

        _readThrough = Math.Max(_readThrough, rows[^1].Seq);
        return rows.Count == ScanLimit;
    }

    /// <summary>
    /// Sends the deliveries that are due, round after round while the next ones of their entities are due too; true when
    /// it stopped at <see cref="MaxRounds"/> with more to send.
    /// </summary>
    private async Task<bool> SendDueAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentSends);
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = time.GetUtcNow();
            var pending = await store.ListPendingAsync(_subscriptionId, _shard, PendingLimit, cancellationToken);
            IEnumerable<Delivery> heads = subscription.Batch ? pending.Take(1) : pending.GroupBy(d => d.EntityKey).Select(g => g.First());
            var due = heads.Where(d => d.NextAttemptAt is not { } next || next <= now).ToList();
            if (due.Count == 0)
            {
                return false;
            }

            var results = await Task.WhenAll(due.Select(async delivery =>
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    return await AttemptAsync(subscription, delivery, cancellationToken);
                }
                finally
                {
                    slots.Release();
                }
            }));

            if (await DisableIfDueAsync(subscription, results, cancellationToken) || !results.Any(r => r.Succeeded))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One attempt at one delivery, stored with its outcome: succeeded, retried later, or failed for good.</summary>
    private async Task<SendResult> AttemptAsync(Subscription subscription, Delivery delivery, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var result = await sender.SendAsync(subscription, delivery, cancellationToken);
        var attempts = delivery.Attempts.Append(new DeliveryAttempt(at, result.StatusCode, (long)result.Duration.TotalMilliseconds, result.Error)).ToList();
        var retryIn = result.Succeeded || result.Gone ? null : options.Value.NextRetry(attempts.Count, result.RetryAfter, Random.Shared);
        var status = result.Succeeded ? DeliveryStatus.Succeeded : retryIn is null ? DeliveryStatus.Failed : DeliveryStatus.Pending;
        await store.UpdateDeliveryAsync(delivery with { Status = status, Attempts = attempts, NextAttemptAt = at + retryIn });
        await store.RecordOutcomeAsync(_subscriptionId, result.Succeeded, at);
        metrics.Attempted(status, result);
        if (!result.Succeeded)
        {
            LogAttemptFailed(logger, _subscriptionId, delivery.Id, attempts.Count, result.StatusCode, result.Error);
        }

        return result;
    }

    /// <summary>
    /// Disables the subscription when its receiver answered 410, or when its deliveries have all failed for
    /// <see cref="NotificationOptions.DisableAfter"/>; true when it did.
    /// </summary>
    private async Task<bool> DisableIfDueAsync(Subscription subscription, SendResult[] results, CancellationToken cancellationToken)
    {
        string? reason = null;
        if (results.Any(r => r.Gone))
        {
            reason = "the receiver answered 410 Gone";
        }
        else if (!results.Any(r => r.Succeeded)
            && await store.GetSubscriptionAsync(_subscriptionId, cancellationToken) is { FailingSince: { } since }
            && time.GetUtcNow() - since >= options.Value.DisableAfter)
        {
            reason = $"every delivery failed since {since:O}";
        }

        if (reason is null || await store.GetSubscriptionAsync(_subscriptionId, cancellationToken) is not { } current)
        {
            return false;
        }

        await store.SaveSubscriptionAsync(current with { Disabled = true, DisabledReason = reason });
        LogDisabled(logger, subscription.Id, reason);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications {Subscription}/{Shard}: dispatch failed; will retry")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string subscription, int shard);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications {Subscription}: delivery {Delivery} attempt {Attempt} failed ({StatusCode}: {Error})")]
    private static partial void LogAttemptFailed(ILogger logger, string subscription, string delivery, int attempt, int? statusCode, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications {Subscription}: disabled, {Reason}")]
    private static partial void LogDisabled(ILogger logger, string subscription, string reason);
}
