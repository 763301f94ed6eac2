using System.Data.Common;
using System.Text.Json;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Storage;

namespace Sessions.Service.Storage;

/// <summary>
/// The raw log in the service's own database (the WebhookLog table of deploy/sql), SQLite or PostgreSQL. Rows are
/// appended through the <see cref="GroupCommit"/>: a single-event webhook's row rides in the same commit as its event
/// (see <see cref="AdoNetEntityJournal"/>); the others come here, after their events are stored.
/// </summary>
internal sealed class AdoNetRawWebhookLog(DbDataSource dataSource, GroupCommit commits, StorageWriteGate gate) : IRawWebhookLog
{
    public Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken) => commits.AppendAsync(entry).WaitAsync(cancellationToken);

    public async Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT Id, Source, Kind, ReceivedAtMs, Headers, Body, Outcomes FROM WebhookLog " +
            "WHERE (@source IS NULL OR Source = @source) AND Id < @before ORDER BY Id DESC LIMIT @limit";
        command.AddParameter("source", (object?)source ?? DBNull.Value);
        command.AddParameter("before", beforeId ?? long.MaxValue);
        command.AddParameter("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<RawWebhook>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new RawWebhook(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                JsonSerializer.Deserialize(reader.GetString(4), RawLogJson.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(),
                (byte[])reader.GetValue(5),
                JsonSerializer.Deserialize(reader.GetString(6), RawLogJson.Default.IReadOnlyListEventOutcome) ?? []));
        }

        return entries;
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        gate.RunAsync(() => DeleteBeforeAsync(cutoff, cancellationToken));

    private async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM WebhookLog WHERE ReceivedAtMs < @cutoff";
        command.AddParameter("cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
