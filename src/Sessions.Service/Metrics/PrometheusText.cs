using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Sessions.Service.Metrics;

/// <summary>
/// Listens to the <c>Sessions</c> meter and renders what it has seen in the Prometheus text format (version 0.0.4):
/// counters as <c>_total</c>, histograms as cumulative <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
public sealed class PrometheusText : IDisposable
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    public PrometheusText()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SessionsMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => SeriesFor(instrument, tags).Add(value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => SeriesFor(instrument, tags).Add(value));
        _listener.Start();
    }

    /// <summary>The current values as Prometheus text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var histogram = instrument is Histogram<double>;
            var name = histogram ? $"{instrument.Name}_seconds" : $"{instrument.Name}_total";
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(name).Append(histogram ? " histogram\n" : " counter\n");
            foreach (var ((_, labels), series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                series.Render(text, name, labels, histogram);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private Series SeriesFor(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new StringBuilder();
        foreach (var (key, value) in tags)
        {
            labels.Append(labels.Length == 0 ? "" : ",").Append(key).Append("=\"").Append(Escape(value?.ToString())).Append('"');
        }

        return _series.GetOrAdd((instrument, labels.ToString()), _ => new Series());
    }

    private static string Escape(string? value) =>
        (value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Series
    {
        private readonly long[] _bucketCounts = new long[Buckets.Length];
        private readonly Lock _gate = new();
        private long _count;
        private double _sum;

        public void Add(double value)
        {
            lock (_gate)
            {
                _count++;
                _sum += value;
                var bucket = Array.FindIndex(Buckets, b => value <= b);
                if (bucket >= 0)
                {
                    _bucketCounts[bucket]++;
                }
            }
        }

        public void Render(StringBuilder text, string name, string labels, bool histogram)
        {
            lock (_gate)
            {
                if (!histogram)
                {
                    text.Append(name).Append(Braces(labels)).Append(' ').Append(Number(_sum)).Append('\n');
                    return;
                }

                long cumulative = 0;
                for (var i = 0; i < Buckets.Length; i++)
                {
                    cumulative += _bucketCounts[i];
                    text.Append(name).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Number(Buckets[i])}\""))).Append(' ').Append(cumulative).Append('\n');
                }

                text.Append(name).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\""))).Append(' ').Append(_count).Append('\n');
                text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(_sum)).Append('\n');
                text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(_count).Append('\n');
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : $"{labels},{extra}";

        private static string Braces(string labels) => labels.Length == 0 ? "" : $"{{{labels}}}";

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
