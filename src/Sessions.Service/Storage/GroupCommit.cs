using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// Every write of the hot path, whichever entity or request it belongs to, made durable in shared commits: writes
/// that arrive while a commit is under way wait for the next one, which takes them all in one transaction (one round
/// trip on PostgreSQL). Each write's task completes only after the commit that holds it, so a webhook is still
/// answered only once its events are stored, at one commit per batch instead of one per event. A journal append whose
/// version is already stored changes nothing (nor does its request row) and fails alone with
/// <see cref="JournalConflictException"/>; the rest of its batch commits.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>The most writes one transaction takes; the rest wait for the next.</summary>
    private const int MaxBatch = 512;

    private const string InsertJournal =
        "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload) VALUES ";

    private const string InsertRequest = "INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes) ";

    private readonly DbDataSource _dataSource;
    private readonly StorageWriteGate _gate;
    private readonly string _serviceId;
    private readonly Channel<Write> _pending = Channel.CreateUnbounded<Write>();
    private readonly Task[] _writers;

    public GroupCommit(DbDataSource dataSource, StorageWriteGate gate, IOptions<HostingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _gate = gate;
        _serviceId = options.Value.ServiceId;

        // SQLite takes one writer at a time. PostgreSQL commits one batch while the next one fills and travels.
        var writers = dataSource.IsPostgres() ? 2 : 1;
        _writers = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(WriteBatchesAsync))];
    }

    /// <summary>Stores one journal entry and, when given, its request's raw log row, in the next commit.</summary>
    public Task AppendAsync(string grainType, string key, long version, long recordedAtMs, byte[] payload, RawWebhook? request) =>
        EnqueueAsync(new JournalAppend(grainType, key, version, recordedAtMs, payload, request));

    /// <summary>Removes one entity's journal entries below <paramref name="beforeVersion"/>, in the next commit.</summary>
    public Task TrimAsync(string grainType, string key, long beforeVersion) => EnqueueAsync(new JournalTrim(grainType, key, beforeVersion));

    /// <summary>Stores one request's raw log row, in the next commit.</summary>
    public Task AppendAsync(RawWebhook request) => EnqueueAsync(new RequestAppend(request));

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task EnqueueAsync(Write write)
    {
        if (!_pending.Writer.TryWrite(write))
        {
            throw new InvalidOperationException("Storage is shut down.");
        }

        await write.Done.Task;
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var stored = await _gate.RunAsync(() => _dataSource.IsPostgres() ? CommitPostgresAsync(batch) : CommitSqliteAsync(batch));
                for (var i = 0; i < batch.Count; i++)
                {
                    if (stored[i])
                    {
                        batch[i].Done.TrySetResult();
                    }
                    else
                    {
                        var append = (JournalAppend)batch[i];
                        batch[i].Done.TrySetException(new JournalConflictException(
                            $"{append.GrainType} {append.Key}: version {append.Version} is already stored"));
                    }
                }
            }
            catch (Exception ex)
            {
                // Not stored: every request of the batch answers 503 and its provider retries.
                batch.ForEach(w => w.Done.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    /// <summary>One transaction, one round trip: a statement per write, each journal insert fenced by its key.</summary>
    private async Task<bool[]> CommitPostgresAsync(List<Write> batch)
    {
        await using var connection = (NpgsqlConnection)await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var commands = new NpgsqlBatch(connection, transaction);
        foreach (var write in batch)
        {
            commands.BatchCommands.Add(write switch
            {
                // The request row goes in only if the journal row did (the CTE sees the insert's result).
                JournalAppend { Request: { } request } append => Command(
                    $"WITH j AS ({InsertJournal}($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1) " +
                    $"{InsertRequest}SELECT $7, $8, $9, $10, $11, $12 WHERE EXISTS (SELECT FROM j)",
                    [.. JournalValues(append), .. RequestValues(request)]),
                JournalAppend append => Command($"{InsertJournal}($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", JournalValues(append)),
                JournalTrim trim => Command(
                    "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4",
                    [_serviceId, trim.GrainType, trim.Key, trim.BeforeVersion]),
                RequestAppend append => Command($"{InsertRequest}VALUES ($1, $2, $3, $4, $5, $6)", RequestValues(append.Request)),
                _ => throw new InvalidOperationException($"unknown write {write.GetType().Name}"),
            });
        }

        await commands.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return [.. batch.Select((write, i) => write is not JournalAppend || commands.BatchCommands[i].RecordsAffected == 1)];
    }

    /// <summary>One transaction through the single writer's gate: statements prepared once, run per write.</summary>
    private async Task<bool[]> CommitSqliteAsync(List<Write> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var journal = Prepare(connection, transaction,
            $"{InsertJournal}($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", 6);
        await using var trim = Prepare(connection, transaction,
            "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4", 4);
        await using var request = Prepare(connection, transaction, $"{InsertRequest}VALUES ($1, $2, $3, $4, $5, $6)", 6);
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            stored[i] = batch[i] switch
            {
                JournalAppend append => await RunAsync(journal, JournalValues(append)) == 1
                    && (append.Request is not { } row || await RunAsync(request, RequestValues(row)) == 1),
                JournalTrim t => await RunAsync(trim, [_serviceId, t.GrainType, t.Key, t.BeforeVersion]) >= 0,
                RequestAppend append => await RunAsync(request, RequestValues(append.Request)) == 1,
                _ => throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}"),
            };
        }

        await transaction.CommitAsync();
        return stored;
    }

    private object[] JournalValues(JournalAppend append) =>
        [_serviceId, append.GrainType, append.Key, append.Version, append.RecordedAtMs, append.Payload];

    private static object[] RequestValues(RawWebhook request) =>
    [
        request.Source,
        request.Kind,
        request.ReceivedAt.ToUnixTimeMilliseconds(),
        JsonSerializer.Serialize(request.Headers),
        request.Body.ToArray(),
        JsonSerializer.Serialize(request.Outcomes),
    ];

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.AddParameter($"${i}", DBNull.Value);
        }

        return command;
    }

    private static Task<int> RunAsync(DbCommand command, object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQueryAsync();
    }

    /// <summary>One write waiting for its batch's commit.</summary>
    private abstract record Write
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record JournalAppend(string GrainType, string Key, long Version, long RecordedAtMs, byte[] Payload, RawWebhook? Request) : Write;

    private sealed record JournalTrim(string GrainType, string Key, long BeforeVersion) : Write;

    private sealed record RequestAppend(RawWebhook Request) : Write;
}
