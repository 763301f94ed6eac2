using Microsoft.Extensions.Options;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;

namespace Sessions.Service.Queries;

/// <summary>The <c>Retention</c> section: how long finished entities are kept, and how often they are swept.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>How long an ended session, ready or failed recording, deleted livestream or stopped server is kept.</summary>
    public TimeSpan Finished { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the entities past retention are looked up in the index shards and removed.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Every sweep interval, finds in the index shards the entities finished longer ago than the retention and asks each to
/// remove its state (see <see cref="IndexReader.SweepAsync{TItem}"/>).
/// </summary>
internal sealed partial class RetentionService(
    IndexReader index, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var cutoff = time.GetUtcNow() - options.Value.Finished;
            try
            {
                var removed = await index.SweepAsync<ServerSnapshot>(cutoff, stoppingToken)
                    + await index.SweepAsync<SessionSnapshot>(cutoff, stoppingToken)
                    + await index.SweepAsync<RecordingSnapshot>(cutoff, stoppingToken)
                    + await index.SweepAsync<LivestreamSnapshot>(cutoff, stoppingToken)
                    + await index.SweepAsync<ClientSnapshot>(cutoff, stoppingToken);
                if (removed > 0)
                {
                    LogSwept(logger, removed, cutoff);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: removed {Count} entities finished before {Cutoff}")]
    private static partial void LogSwept(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: sweep failed; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
