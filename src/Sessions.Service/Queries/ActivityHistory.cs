using Microsoft.Extensions.Options;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Sessions;
using Sessions.Service.Metrics;

namespace Sessions.Service.Queries;

/// <summary>One sample of activity: the ingest rate since the sample before, and how many sessions and livestreams were under way.</summary>
/// <param name="At">When the sample was taken.</param>
/// <param name="EventsPerSecond">Webhook events this process handled per second since the previous sample (every outcome).</param>
/// <param name="ActiveSessions">Sessions active at <paramref name="At"/>.</param>
/// <param name="LiveLivestreams">Livestreams live at <paramref name="At"/>.</param>
public sealed record ActivitySample(DateTimeOffset At, double EventsPerSecond, int ActiveSessions, int LiveLivestreams);

/// <summary>
/// Samples the ingest rate and the sessions and livestreams under way on the fleet chart's interval
/// (<c>Dashboard:FleetSampleInterval</c>), and keeps <c>Dashboard:FleetHistory</c> of them in memory for the dashboard's
/// charts (<c>GET /api/overview/history</c>). The rate is this process's own; a restart starts a new history.
/// </summary>
public sealed partial class ActivityHistory(
    IndexReader index, SessionsMetrics metrics, IOptions<DashboardOptions> options, TimeProvider time, ILogger<ActivityHistory> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Queue<ActivitySample> _samples = new();

    /// <summary>The samples kept, oldest first.</summary>
    public IReadOnlyList<ActivitySample> Samples
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
        var (lastAt, lastEvents) = (time.GetUtcNow(), metrics.EventsTotal);
        using var timer = new PeriodicTimer(options.Value.FleetSampleInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var sessions = index.CountAsync<SessionSnapshot>();
                var livestreams = index.CountAsync<LivestreamSnapshot>();
                await Task.WhenAll(sessions, livestreams);
                var (at, events) = (time.GetUtcNow(), metrics.EventsTotal);
                var seconds = (at - lastAt).TotalSeconds;
                var sample = new ActivitySample(
                    at,
                    seconds > 0 ? Math.Round((events - lastEvents) / seconds, 2) : 0,
                    sessions.Result.ByStatus.GetValueOrDefault("active"),
                    livestreams.Result.ByStatus.GetValueOrDefault("live"));
                (lastAt, lastEvents) = (at, events);
                lock (_gate)
                {
                    _samples.Enqueue(sample);
                    while (_samples.Peek().At < at - options.Value.FleetHistory)
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activity history: sampling failed (cluster not ready?); next interval")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
