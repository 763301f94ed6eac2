using System.Diagnostics.Metrics;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;
using Sessions.Grains.Servers;
using Sessions.Service.Endpoints;
using Sessions.Service.Queries;

namespace Sessions.Service.Metrics;

/// <summary>
/// Gauges of what the index holds, the numbers <c>/api/fleet</c> and <c>/api/overview</c> show: servers by health, role
/// and region, and entities by kind and status. They are the cluster's, so every node reports the same values. One
/// read of the index serves every gauge for <see cref="CacheFor"/>, so a scrape costs at most one count per kind.
/// </summary>
public sealed partial class IndexGauges : IDisposable
{
    /// <summary>How long one read of the index answers scrapes.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>How long a scrape waits for the index before it reports the previous read (or nothing).</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Meter _meter;
    private readonly IndexReader _index;
    private readonly TimeProvider _time;
    private readonly ILogger<IndexGauges> _logger;
    private readonly Lock _gate = new();
    private Readings? _last;
    private DateTimeOffset _readAt;

    public IndexGauges(IMeterFactory meters, IndexReader index, TimeProvider time, ILogger<IndexGauges> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (_index, _time, _logger) = (index, time, logger);
        _meter = meters.Create(SessionsMetrics.MeterName);
        _meter.CreateObservableGauge("sessions_servers_by_health", () => Current()?.ServersByHealth ?? [], "{server}",
            "Servers by health: healthy, degraded, down, offline (the cluster's, from the index)");
        _meter.CreateObservableGauge("sessions_servers_by_role", () => Current()?.ServersByRole ?? [], "{server}",
            "Servers by role (the cluster's, from the index)");
        _meter.CreateObservableGauge("sessions_servers_by_region", () => Current()?.ServersByRegion ?? [], "{server}",
            "Servers by region (the cluster's, from the index)");
        _meter.CreateObservableGauge("sessions_entities", () => Current()?.EntitiesByStatus ?? [], "{entity}",
            "Entities by kind and status (the cluster's, from the index)");
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>The readings of the last <see cref="CacheFor"/>, read afresh when older; the previous ones if the index does not answer.</summary>
    private Readings? Current()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_last is null || now - _readAt >= CacheFor)
            {
                try
                {
                    // An observable gauge's callback is synchronous; the scrape waits for one read of the index.
                    _last = ReadAsync().WaitAsync(ReadTimeout).GetAwaiter().GetResult();
                    _readAt = now;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogReadFailed(_logger, ex);
                }
            }

            return _last;
        }
    }

    private async Task<Readings> ReadAsync()
    {
        var servers = _index.CountAsync<ServerSnapshot>();
        var kinds = await Task.WhenAll(
            ByStatusAsync<ServerStatus>(EntityKind.Server, servers),
            ByStatusAsync<SessionStatus>(EntityKind.Session, _index.CountAsync<SessionSnapshot>()),
            ByStatusAsync<RecordingStatus>(EntityKind.Recording, _index.CountAsync<RecordingSnapshot>()),
            ByStatusAsync<LivestreamStatus>(EntityKind.Livestream, _index.CountAsync<LivestreamSnapshot>()),
            ByStatusAsync<ClientStatus>(EntityKind.Client, _index.CountAsync<ClientSnapshot>()));
        var fleet = await servers;
        return new Readings(
            Every<ServerHealth>(EntityQueries.Facet(fleet, ServerStateMachine.HealthFacet), "health"),
            Each(EntityQueries.Facet(fleet, "role"), "role"),
            Each(EntityQueries.Facet(fleet, "region"), "region"),
            [.. kinds.SelectMany(k => k)]);
    }

    private static async Task<Measurement<int>[]> ByStatusAsync<TStatus>(EntityKind kind, Task<IndexCounts> counts)
        where TStatus : struct, Enum
    {
        var byStatus = (await counts).ByStatus;
        var kindWord = StatusWords.Of(kind);
        return [.. StatusWords.All<TStatus>().Select(s => new Measurement<int>(byStatus.GetValueOrDefault(s), new("kind", kindWord), new("status", s)))];
    }

    /// <summary>One measurement per word of <typeparamref name="TWord"/>, zero for a word nobody has, so "none down" is a series too.</summary>
    private static Measurement<int>[] Every<TWord>(IReadOnlyDictionary<string, int> counts, string label)
        where TWord : struct, Enum =>
        [.. StatusWords.All<TWord>().Select(w => new Measurement<int>(counts.GetValueOrDefault(w), new KeyValuePair<string, object?>(label, w)))];

    private static Measurement<int>[] Each(IReadOnlyDictionary<string, int> counts, string label) =>
        [.. counts.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>(label, c.Key)))];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index gauges: the index did not answer; the scrape reports the previous reading")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    private sealed record Readings(
        Measurement<int>[] ServersByHealth,
        Measurement<int>[] ServersByRole,
        Measurement<int>[] ServersByRegion,
        Measurement<int>[] EntitiesByStatus);
}
