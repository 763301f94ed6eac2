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

    private const int OutboxColumns = 8;

    /// <summary>
    /// The one statement that stores a PostgreSQL batch's appends (<see cref="PostgresAppends"/>). Parameters: $1 the service; $2–$7 the journal (type, key, version, recorded, payload, ord); $8–$14 the
    /// request rows (ord, source, kind, received, headers, body, outcomes); $15–$22 the notifications (ord, shard,
    /// entity, type, provider, occurred, recorded, payload). Rows keep the batch's order (identity columns follow
    /// it). A version already stored stores nothing; the batch never holds two appends of one version.
    /// </summary>
    internal const string PostgresAppendsSql = """
        WITH input AS (
            SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bytea[], $7::integer[])
                AS i (GrainType, GrainKey, Version, RecordedAtMs, Payload, Ord)),
        stored AS (
            INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload)
            SELECT $1, GrainType, GrainKey, Version, RecordedAtMs, Payload FROM input
            ON CONFLICT DO NOTHING
            RETURNING GrainType, GrainKey, Version),
        kept AS (
            SELECT Ord FROM input WHERE (GrainType, GrainKey, Version) IN (SELECT GrainType, GrainKey, Version FROM stored)),
        requests AS (
            INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes)
            SELECT Source, Kind, ReceivedAtMs, Headers, Body, Outcomes
            FROM unnest($8::integer[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::bytea[], $14::text[])
                WITH ORDINALITY AS r (Ord, Source, Kind, ReceivedAtMs, Headers, Body, Outcomes, N)
            WHERE Ord < 0 OR Ord IN (SELECT Ord FROM kept)
            ORDER BY N),
        outbox AS (
            INSERT INTO SessionsOutbox (ServiceId, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload)
            SELECT $1, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload
            FROM unnest($15::integer[], $16::integer[], $17::text[], $18::text[], $19::text[], $20::bigint[], $21::bigint[], $22::bytea[])
                WITH ORDINALITY AS o (Ord, Shard, EntityKey, Type, Provider, OccurredAtMs, RecordedAtMs, Payload, N)
            WHERE Ord IN (SELECT Ord FROM kept)
            ORDER BY N)
        SELECT Ord FROM kept
        """;

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
    /// One transaction, one round trip, one statement for every append of the batch however many there are (a
    /// statement per write cost PostgreSQL a parse, bind and executor start each, and the service a command and its
    /// parameters each): the journal rows, request rows and notifications travel as column arrays and go in as
    /// three multi-row inserts. The journal's insert is fenced by its key; request rows and notifications of an append
    /// go in only if its journal row did, and the statement answers which appends those were. Trims (one per
    /// snapshot) follow as statements of their own.
    /// </summary>
    private async Task<bool[]> CommitPostgresAsync(List<Write> batch)
    {
        var appends = new PostgresAppends();
        await using var connection = (NpgsqlConnection)await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var commands = new NpgsqlBatch(connection, transaction);
        for (var i = 0; i < batch.Count; i++)
        {
            switch (batch[i])
            {
                case JournalAppend append when appends.Add(i, append):
                    break;
                case JournalAppend:
                    // A second append of a version this batch already holds would conflict with the first: it fails alone.
                    break;
                case RequestAppend append:
                    appends.AddRequest(-1, append.Row);
                    break;
                case JournalTrim trim:
                    commands.BatchCommands.Add(Command(
                        "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version < $4",
                        [_serviceId, trim.GrainType, trim.Key, trim.BeforeVersion]));
                    break;
                default:
                    throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}");
            }
        }

        var stored = batch.Select(w => w is not JournalAppend).ToArray();
        if (appends.Any)
        {
            commands.BatchCommands.Insert(0, Command(PostgresAppendsSql, appends.Values(_serviceId)));
            await using var reader = await commands.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetInt32(0)] = true;
            }

            // The trims' results: an error of theirs surfaces here, before the commit.
            while (await reader.NextResultAsync())
            {
            }
        }
        else
        {
            await commands.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return stored;
    }

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

    /// <summary>
    /// A PostgreSQL batch's appends as column arrays, for <see cref="PostgresAppendsSql"/>: each append is known by its
    /// place in the batch (<c>Ord</c>); a request row of its own (no journal entry) has <c>Ord</c> −1 and always goes in.
    /// </summary>
    private sealed class PostgresAppends
    {
        private readonly List<string> _types = [], _keys = [];
        private readonly List<long> _versions = [], _recorded = [];
        private readonly List<byte[]> _payloads = [];
        private readonly List<int> _ords = [];
        private readonly List<object[]> _requests = [];
        private readonly List<int> _requestOrds = [];
        private readonly List<(int Ord, long RecordedAtMs, OutboxEntry Entry)> _outbox = [];

        public bool Any => _ords.Count > 0 || _requests.Count > 0;

        private readonly HashSet<(string, string, long)> _entries = [];

        /// <summary>Adds <paramref name="append"/> unless the batch holds its entity's version already.</summary>
        public bool Add(int ord, JournalAppend append)
        {
            if (!_entries.Add((append.GrainType, append.Key, append.Version)))
            {
                return false;
            }

            _types.Add(append.GrainType);
            _keys.Add(append.Key);
            _versions.Add(append.Version);
            _recorded.Add(append.RecordedAtMs);
            _payloads.Add(append.Payload);
            _ords.Add(ord);
            if (append.RequestRow is { } row)
            {
                AddRequest(ord, row);
            }

            _outbox.AddRange(append.Notifications.Select(n => (ord, append.RecordedAtMs, n)));
            return true;
        }

        public void AddRequest(int ord, object[] row)
        {
            _requestOrds.Add(ord);
            _requests.Add(row);
        }

        public object[] Values(string serviceId) =>
        [
            serviceId,
            _types.ToArray(), _keys.ToArray(), _versions.ToArray(), _recorded.ToArray(), _payloads.ToArray(), _ords.ToArray(),
            _requestOrds.ToArray(), Column<string>(_requests, 0), Column<string>(_requests, 1), Column<long>(_requests, 2),
            Column<string>(_requests, 3), Column<byte[]>(_requests, 4), Column<string>(_requests, 5),
            _outbox.Select(o => o.Ord).ToArray(), _outbox.Select(o => o.Entry.Shard).ToArray(),
            _outbox.Select(o => o.Entry.EntityKey).ToArray(), _outbox.Select(o => o.Entry.Type).ToArray(),
            _outbox.Select(o => o.Entry.Provider).ToArray(), _outbox.Select(o => o.Entry.OccurredAt.ToUnixTimeMilliseconds()).ToArray(),
            _outbox.Select(o => o.RecordedAtMs).ToArray(), _outbox.Select(o => o.Entry.Payload).ToArray(),
        ];

        private static T[] Column<T>(List<object[]> rows, int column) => [.. rows.Select(row => (T)row[column])];
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
