using System.Diagnostics.Metrics;

namespace Sessions.Service.Metrics;

/// <summary>The service's own instruments (meter <c>Sessions</c>), exported through OpenTelemetry on <c>/metrics</c> and over OTLP.</summary>
public sealed class SessionsMetrics : IDisposable
{
    public const string MeterName = "Sessions";

    /// <summary>Label value used for a source name that is not configured, so attackers cannot create label values.</summary>
    public const string UnknownSource = "_unknown";

    /// <summary>Bucket bounds of the duration histogram, in seconds: a millisecond to ten seconds.</summary>
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _events;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _duration;
    private long _eventsTotal;

    public SessionsMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _received = _meter.CreateCounter<long>("sessions_webhook_received", "{request}", "Webhook requests received, by source");
        _events = _meter.CreateCounter<long>("sessions_webhook_events", "{event}", "Webhook events by outcome: applied, duplicate, stale, ignored");
        _rejected = _meter.CreateCounter<long>("sessions_webhook_rejected", "{request}", "Webhook requests rejected, by reason");
        _duration = _meter.CreateHistogram("sessions_webhook_duration", "s", "Time from request to durable answer", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public void Received(string source, string kind) =>
        _received.Add(1, new("source", source), new("kind", kind));

    /// <summary>Webhook events this process has handled, every outcome: what the dashboard's ingest rate is read from.</summary>
    public long EventsTotal => Interlocked.Read(ref _eventsTotal);

    public void Event(string source, string kind, string outcome)
    {
        Interlocked.Increment(ref _eventsTotal);
        _events.Add(1, new("source", source), new("kind", kind), new("outcome", outcome));
    }

    public void Rejected(string source, string kind, string reason) =>
        _rejected.Add(1, new("source", source), new("kind", kind), new("reason", reason));

    public void Duration(string source, string kind, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new("source", source), new("kind", kind));

    public void Dispose() => _meter.Dispose();
}
