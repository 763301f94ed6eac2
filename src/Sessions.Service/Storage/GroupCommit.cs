using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
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

    private const int OutboxColumns = 8;

    private readonly DbDataSource _dataSource;
    private readonly StorageWriteGate _gate;
    private readonly string _serviceId;
    private readonly BlockingCollection<Write> _pending = [];
    private readonly Task _writer;

    /// <summary>The SQLite writer's connection and statements, kept between batches (only the writer's thread uses them).</summary>
    private SqliteStatements? _sqlite;

    public GroupCommit(DbDataSource dataSource, StorageWriteGate gate, IOptions<HostingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _gate = gate;
        _serviceId = options.Value.ServiceId;

        // One writer, on a thread of its own making synchronous calls (SQLite's provider is synchronous anyway). On the
        // thread pool every step of a commit, the wake-up when writes arrive and each answer of the database, waited in
        // the pool's queue behind the very requests the commit was to answer; and a second PostgreSQL writer that no
        // longer waits there only halves the batches.
        _writer = Task.Factory.StartNew(WriteBatches, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Stores one journal entry and, when given, its request's raw log row and its notifications, in the next commit.</summary>
    public Task AppendAsync(
        string grainType, string key, long version, long recordedAtMs, byte[] payload, RawWebhook? request, IReadOnlyList<OutboxEntry> notifications) =>
        EnqueueAsync(new JournalAppend(grainType, key, version, recordedAtMs, payload, request is null ? null : RequestRow.Of(request), notifications));

    /// <summary>Removes one entity's journal entries below <paramref name="beforeVersion"/>, in the next commit.</summary>
    public Task TrimAsync(string grainType, string key, long beforeVersion) => EnqueueAsync(new JournalTrim(grainType, key, beforeVersion));

    /// <summary>Stores one request's raw log row, in the next commit.</summary>
    public Task AppendAsync(RawWebhook request) => EnqueueAsync(new RequestAppend(request.Source, RequestRow.Of(request)));

    public async ValueTask DisposeAsync()
    {
        _pending.CompleteAdding();
        await _writer;
        _sqlite?.Dispose();
        _pending.Dispose();
    }

    private async Task EnqueueAsync(Write write)
    {
        using var span = StorageTracing.StartWrite(write.Operation, write, static w => w.Target);
        try
        {
            _pending.Add(write);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            throw new InvalidOperationException("Storage is shut down.", ex);
        }

        await write.Done.Task;
    }

    private void WriteBatches()
    {
        var batch = new List<Write>(MaxBatch);
        while (_pending.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _pending.TryTake(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var stored = _gate.Run(() => _dataSource.IsPostgres() ? CommitPostgres(batch) : CommitSqlite(batch));
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
    /// One transaction, one round trip: the batch's appends in one statement (<see cref="AppendRows"/>), each trim in a
    /// statement of its own. The statement returns the appends whose journal row went in.
    /// </summary>
    private bool[] CommitPostgres(List<Write> batch)
    {
        using var connection = (NpgsqlConnection)_dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var commands = new NpgsqlBatch(connection, transaction);
        var rows = new AppendRows(_serviceId);
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            switch (batch[i])
            {
                case JournalAppend append:
                    rows.Add(i, append);
                    break;
                case JournalTrim trim:
                    stored[i] = true;
                    commands.BatchCommands.Add(Command(
                        "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4",
                        [_serviceId, trim.GrainType, trim.Key, trim.BeforeVersion]));
                    break;
                case RequestAppend append:
                    stored[i] = true;
                    rows.Add(append.Row);
                    break;
                default:
                    throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}");
            }
        }

        if (!rows.IsEmpty)
        {
            commands.BatchCommands.Insert(0, rows.Command());
        }

        using (var reader = commands.ExecuteReader())
        {
            if (!rows.IsEmpty)
            {
                while (reader.Read())
                {
                    stored[rows.WriteOf(reader.GetInt64(0))] = true;
                }
            }

            while (reader.NextResult())
            {
            }
        }

        transaction.Commit();
        return stored;
    }

    /// <summary>
    /// One transaction through the single writer's gate, on the writer's own connection and statements, prepared once
    /// and kept across batches (opening a pooled connection and preparing four statements took a share of every batch,
    /// inside the gate). A batch that fails closes them; the next opens afresh.
    /// </summary>
    private bool[] CommitSqlite(List<Write> batch)
    {
        _sqlite ??= SqliteStatements.Open(_dataSource);
        try
        {
            return _sqlite.Commit(batch, _serviceId);
        }
        catch
        {
            _sqlite.Dispose();
            _sqlite = null;
            throw;
        }
    }

    private static object[] JournalValues(string serviceId, JournalAppend append) =>
        [serviceId, append.GrainType, append.Key, append.Version, append.RecordedAtMs, append.Payload];

    private static object[] OutboxValues(string serviceId, OutboxEntry entry, long recordedAtMs) =>
        [serviceId, entry.Shard, entry.EntityKey, entry.Type, entry.Provider, entry.OccurredAt.ToUnixTimeMilliseconds(), recordedAtMs, entry.Payload];

    private static NpgsqlBatchCommand Command(string sql, IReadOnlyList<object> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = values[i] });
        }

        return command;
    }

    /// <summary>
    /// A PostgreSQL batch's appends as one statement, its rows passed as arrays (one per column): the journal rows go in
    /// with <c>ON CONFLICT DO NOTHING</c>, and the notifications and request rows only with a journal row that did, so an
    /// append whose version is taken still changes nothing and fails alone. Two appends of one version in the batch: the
    /// first is offered, the second conflicts. Against a statement per append, this is a fifth less of PostgreSQL's work
    /// per batch (<c>benchmarks/pg-batch-shape.py</c>) and one text, prepared once, for every batch.
    /// </summary>
    private sealed class AppendRows(string serviceId)
    {
        private const string Sql = """
            WITH a AS (
                SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bytea[])
                    WITH ORDINALITY AS a (GrainType, GrainKey, Version, RecordedAtMs, Payload, Ordinal)),
            offered AS (
                SELECT DISTINCT ON (GrainType, GrainKey, Version) * FROM a ORDER BY GrainType, GrainKey, Version, Ordinal),
            j AS (
                INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload)
                SELECT $1, GrainType, GrainKey, Version, RecordedAtMs, Payload FROM offered ORDER BY Ordinal
                ON CONFLICT DO NOTHING
                RETURNING GrainType, GrainKey, Version),
            stored AS (
                SELECT offered.Ordinal FROM offered JOIN j USING (GrainType, GrainKey, Version)),
            o AS (
                INSERT INTO SessionsOutbox (ServiceId, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload)
                SELECT $1, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload
                FROM unnest($7::bigint[], $8::integer[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bytea[])
                    WITH ORDINALITY AS n (Append, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload, Position)
                WHERE Append IN (SELECT Ordinal FROM stored)
                ORDER BY Position),
            r AS (
                INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes)
                SELECT Source, Kind, ReceivedAtMs, Headers, Body, Outcomes
                FROM unnest($15::bigint[], $16::text[], $17::text[], $18::bigint[], $19::text[], $20::bytea[], $21::text[])
                    WITH ORDINALITY AS q (Append, Source, Kind, ReceivedAtMs, Headers, Body, Outcomes, Position)
                WHERE Append = 0 OR Append IN (SELECT Ordinal FROM stored)
                ORDER BY Position)
            SELECT Ordinal FROM stored
            """;

        private readonly List<int> _writes = [];
        private readonly List<string> _grainTypes = [];
        private readonly List<string> _keys = [];
        private readonly List<long> _versions = [];
        private readonly List<long> _recordedAt = [];
        private readonly List<byte[]> _payloads = [];
        private readonly List<(long Append, OutboxEntry Entry, long RecordedAtMs)> _notifications = [];
        private readonly List<(long Append, RequestRow Row)> _requests = [];

        public bool IsEmpty => _writes.Count == 0 && _requests.Count == 0;

        /// <summary>Adds the journal append at <paramref name="write"/> in the batch, with its notifications and request row.</summary>
        public void Add(int write, JournalAppend append)
        {
            _writes.Add(write);
            _grainTypes.Add(append.GrainType);
            _keys.Add(append.Key);
            _versions.Add(append.Version);
            _recordedAt.Add(append.RecordedAtMs);
            _payloads.Add(append.Payload);
            long ordinal = _writes.Count;
            _notifications.AddRange(append.Notifications.Select(n => (ordinal, n, append.RecordedAtMs)));
            if (append.RequestRow is { } row)
            {
                _requests.Add((ordinal, row));
            }
        }

        /// <summary>Adds a request's raw log row stored on its own, not with a journal append.</summary>
        public void Add(RequestRow row) => _requests.Add((0, row));

        /// <summary>The batch position of the append the statement returned as stored (ordinals count from 1).</summary>
        public int WriteOf(long ordinal) => _writes[(int)(ordinal - 1)];

        public NpgsqlBatchCommand Command() => GroupCommit.Command(Sql,
        [
            serviceId, _grainTypes.ToArray(), _keys.ToArray(), _versions.ToArray(), _recordedAt.ToArray(), _payloads.ToArray(),
            Column(_notifications, n => n.Append), Column(_notifications, n => n.Entry.Shard), Column(_notifications, n => n.Entry.EntityKey),
            Column(_notifications, n => n.Entry.Type), Column(_notifications, n => n.Entry.Provider),
            Column(_notifications, n => n.Entry.OccurredAt.ToUnixTimeMilliseconds()), Column(_notifications, n => n.RecordedAtMs),
            Column(_notifications, n => n.Entry.Payload),
            Column(_requests, r => r.Append), Column(_requests, r => r.Row.Source), Column(_requests, r => r.Row.Kind),
            Column(_requests, r => r.Row.ReceivedAtMs), Column(_requests, r => r.Row.Headers), Column(_requests, r => r.Row.Body),
            Column(_requests, r => r.Row.Outcomes),
        ]);

        private static TColumn[] Column<TRow, TColumn>(List<TRow> rows, Func<TRow, TColumn> column) => [.. rows.Select(column)];
    }

    /// <summary>The SQLite writer's open connection and its four statements.</summary>
    private sealed class SqliteStatements(DbConnection connection, DbCommand journal, DbCommand trim, DbCommand request, DbCommand outbox) : IDisposable
    {
        public static SqliteStatements Open(DbDataSource dataSource)
        {
            var connection = dataSource.OpenConnection();
            return new SqliteStatements(
                connection,
                Prepare(connection, $"{InsertJournal}($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", 6),
                Prepare(connection, "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4", 4),
                Prepare(connection, $"{InsertRequest}VALUES ($1, $2, $3, $4, $5, $6)", 6),
                Prepare(connection, $"{InsertOutbox}VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", OutboxColumns));
        }

        public bool[] Commit(List<Write> batch, string serviceId)
        {
            using var transaction = connection.BeginTransaction();
            foreach (var command in (DbCommand[])[journal, trim, request, outbox])
            {
                command.Transaction = transaction;
            }

            var stored = new bool[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                stored[i] = batch[i] switch
                {
                    JournalAppend append => Run(journal, JournalValues(serviceId, append)) == 1
                        && RunAll(outbox, append.Notifications.Select(n => OutboxValues(serviceId, n, append.RecordedAtMs)))
                        && (append.RequestRow is not { } row || Run(request, row.Values) == 1),
                    JournalTrim t => Run(trim, [serviceId, t.GrainType, t.Key, t.BeforeVersion]) >= 0,
                    RequestAppend append => Run(request, append.Row.Values) == 1,
                    _ => throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}"),
                };
            }

            transaction.Commit();
            return stored;
        }

        public void Dispose()
        {
            foreach (var command in (DbCommand[])[journal, trim, request, outbox])
            {
                command.Dispose();
            }

            connection.Dispose();
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

        private static int Run(DbCommand command, object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            return command.ExecuteNonQuery();
        }

        private static bool RunAll(DbCommand command, IEnumerable<object[]> rows)
        {
            foreach (var values in rows)
            {
                Run(command, values);
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
        string GrainType, string Key, long Version, long RecordedAtMs, byte[] Payload, RequestRow? RequestRow, IReadOnlyList<OutboxEntry> Notifications) : Write
    {
        public override string Operation => RequestRow is null ? "append journal" : "append journal and raw webhook";

        public override string Target => $"{GrainType}/{Key}";
    }

    private sealed record JournalTrim(string GrainType, string Key, long BeforeVersion) : Write
    {
        public override string Operation => "trim journal";

        public override string Target => $"{GrainType}/{Key}";
    }

    private sealed record RequestAppend(string Source, RequestRow Row) : Write
    {
        public override string Operation => "append raw webhook";

        public override string Target => Source;
    }

    /// <summary>A request's raw log row, made by the caller (its JSON and its copy of the body), not inside the single writer's commit.</summary>
    private sealed record RequestRow(string Source, string Kind, long ReceivedAtMs, string Headers, byte[] Body, string Outcomes)
    {
        public object[] Values => [Source, Kind, ReceivedAtMs, Headers, Body, Outcomes];

        public static RequestRow Of(RawWebhook request) => new(
            request.Source,
            request.Kind,
            request.ReceivedAt.ToUnixTimeMilliseconds(),
            JsonSerializer.Serialize(request.Headers, RawLogJson.Default.IReadOnlyDictionaryStringString),
            request.Body.ToArray(),
            JsonSerializer.Serialize(request.Outcomes, RawLogJson.Default.IReadOnlyListEventOutcome));
    }
}
