using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Storage;

/// <summary>
/// The raw log in the service's own database (the WebhookLog table of deploy/sql), SQLite or PostgreSQL, with group
/// commit: appends that arrive while a write is under way wait for the next one, which stores them all in one
/// transaction. Each append still returns only after its row is committed, so an accepted webhook is as durable as
/// before, at one commit per batch instead of one per request.
/// </summary>
internal sealed class AdoNetRawWebhookLog : IRawWebhookLog, IAsyncDisposable
{
    /// <summary>The most rows one transaction takes; the rest wait for the next.</summary>
    private const int MaxBatch = 256;

    private static readonly string[] InsertColumns = ["source", "kind", "at", "headers", "body", "outcomes"];

    private readonly DbDataSource _dataSource;
    private readonly StorageWriteGate _gate;
    private readonly Channel<PendingAppend> _pending = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AdoNetRawWebhookLog(DbDataSource dataSource, StorageWriteGate gate)
    {
        _dataSource = dataSource;
        _gate = gate;
        _writer = Task.Run(WriteBatchesAsync);
    }

    public Task AppendAsync(RawWebhook entry, CancellationToken cancellationToken) =>
        StorageTracing.TraceAsync("append raw webhook", entry.Source, async () =>
        {
            var pending = new PendingAppend(entry);
            if (!_pending.Writer.TryWrite(pending))
            {
                throw new InvalidOperationException("The raw webhook log is shut down.");
            }

            await pending.Committed.Task.WaitAsync(cancellationToken);
        });

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await _gate.RunAsync(() => InsertAsync(batch));
                batch.ForEach(p => p.Committed.TrySetResult());
            }
            catch (Exception ex)
            {
                // Not stored: every request of the batch answers 503 and the provider retries it.
                batch.ForEach(p => p.Committed.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    private async Task InsertAsync(List<PendingAppend> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes) VALUES (@source, @kind, @at, @headers, @body, @outcomes)";
        var parameters = InsertColumns.Select(name => command.AddParameter(name, DBNull.Value)).ToArray();
        foreach (var entry in batch.Select(p => p.Entry))
        {
            parameters[0].Value = entry.Source;
            parameters[1].Value = entry.Kind;
            parameters[2].Value = entry.ReceivedAt.ToUnixTimeMilliseconds();
            parameters[3].Value = JsonSerializer.Serialize(entry.Headers);
            parameters[4].Value = entry.Body.ToArray();
            parameters[5].Value = JsonSerializer.Serialize(entry.Outcomes);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    public async Task<IReadOnlyList<RawWebhook>> ReadAsync(string? source, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
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
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4)) ?? [],
                (byte[])reader.GetValue(5),
                JsonSerializer.Deserialize<List<EventOutcome>>(reader.GetString(6)) ?? []));
        }

        return entries;
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _gate.RunAsync(() => DeleteBeforeAsync(cutoff, cancellationToken));

    private async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM WebhookLog WHERE ReceivedAtMs < @cutoff";
        command.AddParameter("cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An append waiting for its batch's commit.</summary>
    private sealed record PendingAppend(RawWebhook Entry)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
