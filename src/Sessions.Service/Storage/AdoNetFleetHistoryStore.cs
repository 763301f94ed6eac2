using System.Data.Common;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;
using Sessions.Service.Queries;

namespace Sessions.Service.Storage;

/// <summary>
/// Fleet-health samples in the service's own database (the FleetHistory table of deploy/sql), keyed by sample time:
/// a second insert for the same time, from another silo, is a no-op. Rows are this service's (another may share the database).
/// </summary>
internal sealed class AdoNetFleetHistoryStore(DbDataSource dataSource, IOptions<HostingOptions> options, StorageWriteGate gate) : IFleetHistoryStore
{
    public Task AddAsync(FleetSample sample, DateTimeOffset keepFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return gate.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO FleetHistory (ServiceId, AtMs, Healthy, Degraded, Down, Offline) " +
                "VALUES (@service, @at, @healthy, @degraded, @down, @offline) ON CONFLICT (ServiceId, AtMs) DO NOTHING; " +
                "DELETE FROM FleetHistory WHERE ServiceId = @service AND AtMs < @keep";
            command.AddParameter("service", options.Value.ServiceId);
            command.AddParameter("at", sample.At.ToUnixTimeMilliseconds());
            command.AddParameter("healthy", sample.Healthy);
            command.AddParameter("degraded", sample.Degraded);
            command.AddParameter("down", sample.Down);
            command.AddParameter("offline", sample.Offline);
            command.AddParameter("keep", keepFrom.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
    }

    public async Task<IReadOnlyList<FleetSample>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT AtMs, Healthy, Degraded, Down, Offline FROM FleetHistory WHERE ServiceId = @service AND AtMs <= @to " +
            "AND AtMs >= COALESCE((SELECT MAX(AtMs) FROM FleetHistory WHERE ServiceId = @service AND AtMs < @from), @from) ORDER BY AtMs";
        command.AddParameter("service", options.Value.ServiceId);
        command.AddParameter("from", from.ToUnixTimeMilliseconds());
        command.AddParameter("to", to.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var samples = new List<FleetSample>();
        while (await reader.ReadAsync(cancellationToken))
        {
            samples.Add(new FleetSample(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        return samples;
    }
}
