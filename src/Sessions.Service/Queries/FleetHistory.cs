using Microsoft.Extensions.Options;
using Sessions.Abstractions.Servers;

namespace Sessions.Service.Queries;

/// <summary>The <c>Dashboard</c> section.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>How often fleet health is sampled for the history chart; sample times are multiples of it.</summary>
    public TimeSpan FleetSampleInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How much fleet-health history is kept.</summary>
    public TimeSpan FleetHistory { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// One sample of fleet health: how many servers were healthy, degraded, down and offline at a moment.
/// <see cref="GapBefore"/> is set when no sample was taken for more than two intervals before this one.
/// </summary>
public sealed record FleetSample(DateTimeOffset At, int Healthy, int Degraded, int Down, int Offline)
{
    /// <summary>The stretch before this sample in which the tracker took no samples (it was not running), or null.</summary>
    public FleetGap? GapBefore { get; init; }
}

/// <summary>A stretch with no samples: from the last sample before it to the first after it.</summary>
public sealed record FleetGap(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Samples fleet health on an interval into the <see cref="IFleetHistoryStore"/> and answers
/// <c>GET /api/fleet/history</c>. Sample times are the interval's multiples, and the store keeps one sample per time,
/// so every silo samples and the cluster still has one series; it survives restarts in SQLite and PostgreSQL mode.
/// </summary>
public sealed partial class FleetHistory(
    IndexReader index, IFleetHistoryStore store, IOptions<DashboardOptions> options, TimeProvider time, ILogger<FleetHistory> logger)
    : BackgroundService
{
    /// <summary>
    /// The samples from <paramref name="from"/> (default and earliest: the history kept) to <paramref name="to"/>
    /// (default: now), oldest first, each with the gap before it marked.
    /// </summary>
    public async Task<IReadOnlyList<FleetSample>> ReadAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var kept = now - options.Value.FleetHistory;
        var start = from is { } f && f > kept ? f : kept;
        var stored = await store.ReadAsync(start, to ?? now, cancellationToken);
        var longestPause = 2 * options.Value.FleetSampleInterval;
        var samples = new List<FleetSample>(stored.Count);
        FleetSample? previous = null;
        foreach (var sample in stored)
        {
            if (sample.At >= start)
            {
                samples.Add(previous is not null && sample.At - previous.At > longestPause
                    ? sample with { GapBefore = new FleetGap(previous.At, sample.At) }
                    : sample);
            }

            previous = sample;
        }

        return samples;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FleetSampleInterval;
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = time.GetUtcNow();
                var at = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % interval.Ticks), TimeSpan.Zero);
                var health = (await index.CountAsync<ServerSnapshot>()).ByFacet.GetValueOrDefault("health");
                var sample = new FleetSample(
                    at,
                    health?.GetValueOrDefault("healthy") ?? 0,
                    health?.GetValueOrDefault("degraded") ?? 0,
                    health?.GetValueOrDefault("down") ?? 0,
                    health?.GetValueOrDefault("offline") ?? 0);
                await store.AddAsync(sample, now - options.Value.FleetHistory, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSampleFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fleet history: sampling failed (cluster or storage not ready?); next interval")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
