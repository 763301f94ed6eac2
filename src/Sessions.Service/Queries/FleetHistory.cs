using Microsoft.Extensions.Options;
using Sessions.Abstractions.Servers;

namespace Sessions.Service.Queries;

/// <summary>The <c>Dashboard</c> section.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>How often fleet health is sampled for the history chart.</summary>
    public TimeSpan FleetSampleInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How much fleet-health history is kept.</summary>
    public TimeSpan FleetHistory { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>One sample of fleet health: how many servers were healthy, degraded and down at a moment.</summary>
public sealed record FleetSample(DateTimeOffset At, int Healthy, int Degraded, int Down, int Offline);

/// <summary>
/// Samples fleet health on an interval and keeps the last hour in memory, for the dashboard's chart
/// (<c>GET /api/fleet/history</c>). Each process keeps its own; a restart starts a new history.
/// </summary>
public sealed partial class FleetHistory(
    IndexReader index, IOptions<DashboardOptions> options, TimeProvider time, ILogger<FleetHistory> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Queue<FleetSample> _samples = new();

    /// <summary>The samples kept, oldest first.</summary>
    public IReadOnlyList<FleetSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FleetSampleInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var health = (await index.CountAsync<ServerSnapshot>()).ByFacet.GetValueOrDefault("health");
                var sample = new FleetSample(
                    time.GetUtcNow(),
                    health?.GetValueOrDefault("healthy") ?? 0,
                    health?.GetValueOrDefault("degraded") ?? 0,
                    health?.GetValueOrDefault("down") ?? 0,
                    health?.GetValueOrDefault("offline") ?? 0);
                lock (_gate)
                {
                    _samples.Enqueue(sample);
                    while (_samples.Peek().At < sample.At - options.Value.FleetHistory)
                    {
                        _samples.Dequeue();
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSampleFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fleet history: sampling failed (cluster not ready?); next interval")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
