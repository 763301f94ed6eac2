using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// Every write of the hot path, whichever entity or request it belongs to, made durable in shared commits: writes
/// that arrive while a commit is under way wait for the next one, which takes them all in one transaction (one round
/// trip on PostgreSQL). Each write's task completes only after the commit that holds it, so a webhook is still
/// answered only once its events are stored, at one commit per batch instead of one per event. A journal append's
/// notifications go into the outbox (<c>SessionsOutbox</c>) in the same commit. A journal append whose version is
/// already stored changes nothing (nor does its request row or its notifications) and fails alone with
/// <see cref="JournalConflictException"/>; the rest of its batch commits.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>The most writes one transaction takes; the rest wait for the next.</summary>
    private const int MaxBatch = 512;

    private const string InsertJournal =
        "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload) VALUES ";

    private const string InsertRequest = "INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes) ";

    private const string InsertOutbox =
        "INSERT INTO SessionsOutbox (ServiceId, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload) ";

    private const int JournalColumns = 6;

    private const int OutboxColumns = 8;

    private const int RequestColumns = 6;

    /// <summary>
    /// Journal statements by shape (request row or not, how many notifications), each written once: building the text
    /// for every append was the largest share of the bytes a webhook allocated.
    /// </summary>
    private static readonly ConcurrentDictionary<(bool Request, int Notifications), string> JournalStatements = new();

    private readonly DbDataSource _dataSource;
    private readonly StorageWriteGate _gate;
    private readonly string _serviceId;
    private readonly Channel<Write> _pending = Channel.CreateUnbounded<Write>();
    private readonly Task[] _writers;

    /// <summary>The SQLite writer's connection and statements, kept between batches (only the one writer task uses them).</summary>
    private SqliteStatements? _sqlite;

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

    /// <summary>Stores one journal entry and, when given, its request's raw log row and its notifications, in the next commit.</summary>
    public Task AppendAsync(
        string grainType, string key, long version, long recordedAtMs, byte[] payload, RawWebhook? request, IReadOnlyList<OutboxEntry> notifications) =>
        EnqueueAsync(new JournalAppend(grainType, key, version, recordedAtMs, payload, request is null ? null : RequestValues(request), notifications));

    /// <summary>Removes one entity's journal entries below <paramref name="beforeVersion"/>, in the next commit.</summary>
    public Task TrimAsync(string grainType, string key, long beforeVersion) => EnqueueAsync(new JournalTrim(grainType, key, beforeVersion));

    /// <summary>Stores one request's raw log row, in the next commit.</summary>
    public Task AppendAsync(RawWebhook request) => EnqueueAsync(new RequestAppend(request.Source, RequestValues(request)));

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_writers);
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
        }
    }

    private async Task EnqueueAsync(Write write)
    {
        using var span = StorageTracing.StartWrite(write.Operation, write, static w => w.Target);
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

    /// <summary>
    /// One transaction, one round trip: a statement per write, each journal insert fenced by its key. A journal append's
    /// request row and notifications are data-modifying parts of its statement, which go in only if the journal row did
    /// (they see the insert's result), so the statement's row count says whether the entry was stored.
    /// </summary>
    private async Task<bool[]> CommitPostgresAsync(List<Write> batch)
    {
        await using var connection = (NpgsqlConnection)await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var commands = new NpgsqlBatch(connection, transaction);
        var expected = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            (expected[i], var command) = batch[i] switch
            {
                JournalAppend append => JournalCommand(append),
                JournalTrim trim => (-1, Command(
                    "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4",
                    [_serviceId, trim.GrainType, trim.Key, trim.BeforeVersion])),
                RequestAppend append => (-1, Command($"{InsertRequest}VALUES ($1, $2, $3, $4, $5, $6)", append.Row)),
                _ => throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}"),
            };
            commands.BatchCommands.Add(command);
        }

        await commands.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return [.. expected.Select((count, i) => count < 0 || commands.BatchCommands[i].RecordsAffected == count)];
    }

    /// <summary>
    /// The statement of one journal append, and the row count it reports when the entry is stored: the journal row, then
    /// (in a CTE that sees its result) the notifications, then the request row; the last part is the statement's own.
    /// </summary>
    private (int Expected, NpgsqlBatchCommand Command) JournalCommand(JournalAppend append)
    {
        var notifications = append.Notifications.Count;
        var values = new List<object>(JournalColumns + (notifications * OutboxColumns) + RequestColumns);
        values.AddRange(JournalValues(_serviceId, append));
        foreach (var notification in append.Notifications)
        {
            values.AddRange(OutboxValues(_serviceId, notification, append.RecordedAtMs));
        }

        if (append.RequestRow is { } row)
        {
            values.AddRange(row);
        }

        var sql = JournalStatements.GetOrAdd((append.RequestRow is not null, notifications), JournalStatement);
        return (append.RequestRow is null && notifications > 0 ? notifications : 1, Command(sql, values));
    }

    /// <summary>The text of a journal append's statement, by whether it carries a request row and how many notifications.</summary>
    private static string JournalStatement((bool Request, int Notifications) shape)
    {
        var journal = $"{InsertJournal}({Placeholders(1, JournalColumns)}) ON CONFLICT DO NOTHING";
        if (!shape.Request && shape.Notifications == 0)
        {
            return journal;
        }

        var parts = $"j AS ({journal} RETURNING 1)";
        var next = JournalColumns + 1;
        string? outbox = null;
        if (shape.Notifications > 0)
        {
            var rows = Enumerable.Range(0, shape.Notifications).Select(n => $"({Placeholders(next + (n * OutboxColumns), OutboxColumns)})");
            outbox = $"{InsertOutbox}SELECT * FROM (VALUES {string.Join(", ", rows)}) AS v WHERE EXISTS (SELECT FROM j)";
            next += shape.Notifications * OutboxColumns;
        }

        if (!shape.Request)
        {
            return $"WITH {parts} {outbox}";
        }

        if (outbox is not null)
        {
            parts += $", o AS ({outbox})";
        }

        return $"WITH {parts} {InsertRequest}SELECT {Placeholders(next, RequestColumns)} WHERE EXISTS (SELECT FROM j)";
    }

    private static string Placeholders(int first, int count) => string.Join(", ", Enumerable.Range(first, count).Select(p => $"${p}"));

    /// <summary>
    /// One transaction through the single writer's gate, on the writer's own connection and statements, prepared once
    /// and kept across batches (opening a pooled connection and preparing four statements took a share of every batch,
    /// inside the gate). A batch that fails closes them; the next opens afresh.
    /// </summary>
    private async Task<bool[]> CommitSqliteAsync(List<Write> batch)
    {
        _sqlite ??= await SqliteStatements.OpenAsync(_dataSource);
        try
        {
            return await _sqlite.CommitAsync(batch, _serviceId);
        }
        catch
        {
            await _sqlite.DisposeAsync();
            _sqlite = null;
            throw;
        }
    }

    private static object[] JournalValues(string serviceId, JournalAppend append) =>
        [serviceId, append.GrainType, append.Key, append.Version, append.RecordedAtMs, append.Payload];

    private static object[] OutboxValues(string serviceId, OutboxEntry entry, long recordedAtMs) =>
        [serviceId, entry.Shard, entry.EntityKey, entry.Type, entry.Provider, entry.OccurredAt.ToUnixTimeMilliseconds(), recordedAtMs, entry.Payload];

    /// <summary>A request's raw log row, made by the caller (its JSON and its copy of the body), not inside the single writer's commit.</summary>
    private static object[] RequestValues(RawWebhook request) =>
    [
        request.Source,
        request.Kind,
        request.ReceivedAt.ToUnixTimeMilliseconds(),
        JsonSerializer.Serialize(request.Headers, RawLogJson.Default.IReadOnlyDictionaryStringString),
        request.Body.ToArray(),
        JsonSerializer.Serialize(request.Outcomes, RawLogJson.Default.IReadOnlyListEventOutcome),
    ];

    private static NpgsqlBatchCommand Command(string sql, IReadOnlyList<object> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = values[i] });
        }

        return command;
    }

    /// <summary>The SQLite writer's open connection and its four statements.</summary>
    private sealed class SqliteStatements(DbConnection connection, DbCommand journal, DbCommand trim, DbCommand request, DbCommand outbox) : IAsyncDisposable
    {
        public static async Task<SqliteStatements> OpenAsync(DbDataSource dataSource)
        {
            var connection = await dataSource.OpenConnectionAsync();
            return new SqliteStatements(
                connection,
                Prepare(connection, $"{InsertJournal}($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", 6),
                Prepare(connection, "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4", 4),
                Prepare(connection, $"{InsertRequest}VALUES ($1, $2, $3, $4, $5, $6)", 6),
                Prepare(connection, $"{InsertOutbox}VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", OutboxColumns));
        }

        public async Task<bool[]> CommitAsync(List<Write> batch, string serviceId)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var command in (DbCommand[])[journal, trim, request, outbox])
            {
                command.Transaction = transaction;
            }

            var stored = new bool[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                stored[i] = batch[i] switch
                {
                    JournalAppend append => await RunAsync(journal, JournalValues(serviceId, append)) == 1
                        && await RunAllAsync(outbox, append.Notifications.Select(n => OutboxValues(serviceId, n, append.RecordedAtMs)))
                        && (append.RequestRow is not { } row || await RunAsync(request, row) == 1),
                    JournalTrim t => await RunAsync(trim, [serviceId, t.GrainType, t.Key, t.BeforeVersion]) >= 0,
                    RequestAppend append => await RunAsync(request, append.Row) == 1,
                    _ => throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}"),
                };
            }

            await transaction.CommitAsync();
            return stored;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in (DbCommand[])[journal, trim, request, outbox])
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
        }

        private static DbCommand Prepare(DbConnection connection, string sql, int parameters)
        {
            var command = connection.CreateCommand();
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

        private static async Task<bool> RunAllAsync(DbCommand command, IEnumerable<object[]> rows)
        {
            foreach (var values in rows)
            {
                await RunAsync(command, values);
            }

            return true;
        }
    }

    /// <summary>One write waiting for its batch's commit.</summary>
    private abstract record Write
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What its trace span is called, and what it writes to.</summary>
        public abstract string Operation { get; }

        public abstract string Target { get; }
    }

    private sealed record JournalAppend(
        string GrainType, string Key, long Version, long RecordedAtMs, byte[] Payload, object[]? RequestRow, IReadOnlyList<OutboxEntry> Notifications) : Write
    {
        public override string Operation => RequestRow is null ? "append journal" : "append journal and raw webhook";

        public override string Target => $"{GrainType}/{Key}";
    }

    private sealed record JournalTrim(string GrainType, string Key, long BeforeVersion) : Write
    {
        public override string Operation => "trim journal";

        public override string Target => $"{GrainType}/{Key}";
    }

    private sealed record RequestAppend(string Source, object[] Row) : Write
    {
        public override string Operation => "append raw webhook";

        public override string Target => Source;
    }
}
