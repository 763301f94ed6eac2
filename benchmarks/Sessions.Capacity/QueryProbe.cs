using System.Diagnostics;

namespace Sessions.Capacity;

/// <summary>Times GET requests to the service over HTTP, one at a time, and reports percentiles per path.</summary>
internal sealed class QueryProbe(HttpClient http)
{
    /// <summary>What an operator's dashboard and a backend ask most: fleet health, the overview, first pages of lists.</summary>
    public static readonly string[] Paths =
    [
        "/api/fleet",
        "/api/overview",
        "/api/sessions?limit=50",
        "/api/sessions?status=active&limit=50",
        "/api/servers?role=mediaserver&limit=50",
    ];

    private readonly Dictionary<string, List<double>> _milliseconds = Paths.ToDictionary(p => p, _ => new List<double>());

    /// <summary>Asks every path in turn until <paramref name="cancellationToken"/> ends it; a non-2xx answer throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var path in Paths)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path, CancellationToken.None);
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                response.EnsureSuccessStatusCode();
                _milliseconds[path].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    /// <summary>One line per path: requests, p50, p90, p99 and max in milliseconds.</summary>
    public IEnumerable<string> Report() => Paths.Select(path =>
    {
        var sorted = _milliseconds[path].Order().ToList();
        return sorted.Count == 0
            ? $"{path,-40} no requests"
            : $"{path,-40} {sorted.Count,6:N0} requests  p50 {At(sorted, 0.50),6:N1}  p90 {At(sorted, 0.90),6:N1}  p99 {At(sorted, 0.99),6:N1}  max {sorted[^1],7:N1} ms";
    });

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double At(List<double> sorted, double fraction) => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
