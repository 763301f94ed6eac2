namespace Sessions.Service.Queries;

/// <summary>
/// Where fleet-health samples are kept: the FleetHistory table in SQLite and PostgreSQL, memory in memory mode. One
/// sample per sample time, whoever writes it first: several silos sampling the same moment keep one series.
/// </summary>
public interface IFleetHistoryStore
{
    /// <summary>Stores <paramref name="sample"/> unless one is stored for its time already, and removes samples older than <paramref name="keepFrom"/>.</summary>
    Task AddAsync(FleetSample sample, DateTimeOffset keepFrom, CancellationToken cancellationToken);

    /// <summary>
    /// The samples from <paramref name="from"/> to <paramref name="to"/> (both included), oldest first, preceded by the
    /// last sample before <paramref name="from"/> when there is one, so a gap that spans <paramref name="from"/> shows.
    /// </summary>
    Task<IReadOnlyList<FleetSample>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>The fleet history of memory mode: this process's samples, lost with it.</summary>
public sealed class InMemoryFleetHistoryStore : IFleetHistoryStore
{
    private readonly Lock _gate = new();
    private readonly SortedList<DateTimeOffset, FleetSample> _samples = [];

    public Task AddAsync(FleetSample sample, DateTimeOffset keepFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            _samples.TryAdd(sample.At, sample);
            while (_samples.Count > 0 && _samples.Keys[0] < keepFrom)
            {
                _samples.RemoveAt(0);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FleetSample>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var before = _samples.Values.LastOrDefault(s => s.At < from);
            IEnumerable<FleetSample> inRange = _samples.Values.Where(s => s.At >= from && s.At <= to);
            return Task.FromResult<IReadOnlyList<FleetSample>>([.. before is null ? inRange : inRange.Prepend(before)]);
        }
    }
}
