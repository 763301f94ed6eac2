using System.Diagnostics.Metrics;

namespace Sessions.Grains.Notifications;

/// <summary>
/// Notification instruments on the service's meter (<c>Sessions</c>): attempts by outcome, attempt latency, and the
/// backlog (pending deliveries) per subscription, refreshed from the store by the silo's notification waker.
/// No label carries a URL or a secret: subscriptions are named by id.
/// </summary>
public sealed class NotificationMetrics
{
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private IReadOnlyDictionary<string, long> _backlog = new Dictionary<string, long>();

    public NotificationMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Sessions");
        _attempts = meter.CreateCounter<long>("sessions_notification_attempts", "{attempt}",
            "Delivery attempts by outcome: succeeded, retrying (failed, tried again later), failed (given up)");
        _duration = meter.CreateHistogram("sessions_notification_attempt_duration", "s", "Time from sending a delivery to the receiver's answer",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableGauge("sessions_notification_backlog", () => _backlog.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("subscription", b.Key))),
            "{delivery}", "Pending deliveries per subscription");
    }

    public void Attempted(DeliveryStatus status, SendResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = status switch
        {
            DeliveryStatus.Succeeded => "succeeded",
            DeliveryStatus.Pending => "retrying",
            _ => "failed",
        };
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(result.Duration.TotalSeconds);
    }

    public void Backlog(IReadOnlyDictionary<string, long> pending) => _backlog = pending;
}
