using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>
/// The finished spans OpenTelemetry's in-memory exporter hands over, safe to read while the service adds to it, and
/// waitable: spans end on the service's threads, the HTTP server span only after the response is on its way.
/// </summary>
internal sealed class RecordedSpans : Collection<Activity>, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _added = new(0);

    /// <summary>Waits until the spans so far satisfy <paramref name="done"/>, and returns them; fails with what was seen after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> done, TimeSpan timeout, string expected)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var seen = Snapshot();
            if (done(seen))
            {
                return seen;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _added.WaitAsync(left, TestContext.Current.CancellationToken))
            {
                Assert.Fail($"expected {expected} within {timeout}; spans seen:\n" +
                    string.Join("\n", Snapshot().Select(s => $"  {s.TraceId} {s.Source.Name} {s.Kind} '{s.DisplayName}'")));
            }
        }
    }

    public void Dispose() => _added.Dispose();

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate)
        {
            base.InsertItem(index, item);
        }

        _added.Release();
    }

    private List<Activity> Snapshot()
    {
        lock (_gate)
        {
            return [.. Items];
        }
    }
}
