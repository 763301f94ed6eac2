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

    /// <summary>Bucket bounds of the commit duration histogram, in seconds: half a millisecond to two and a half seconds.</summary>
    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Bucket bounds of the writes per commit histogram, up to the most one commit takes (512).</summary>
    private static readonly long[] CommitWriteBuckets = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _events;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _commitWrites;
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
        _commitDuration = _meter.CreateHistogram("sessions_storage_commit_duration", "s",
            "Time the group commit's writer spent on one commit, from taking its writes to the end of the commit", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _commitWrites = _meter.CreateHistogram("sessions_storage_commit_writes", "{write}",
            "Writes (journal appends, raw log rows, trims) one commit of the group commit made durable together", tags: null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = CommitWriteBuckets });
    }

    /// <summary>The meter, for the service's other instruments (<see cref="IndexGauges"/>).</summary>
    internal Meter Meter => _meter;

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

    /// <summary>One commit of the group commit's writer: how long it took, how many writes it held, whether it committed.</summary>
    public void Commit(TimeSpan elapsed, int writes, bool committed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", committed ? "committed" : "failed");
        _commitDuration.Record(elapsed.TotalSeconds, outcome);
        _commitWrites.Record(writes, outcome);
    }

    public void Dispose() => _meter.Dispose();
}
