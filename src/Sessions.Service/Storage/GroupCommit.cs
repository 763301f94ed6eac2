using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;
using Sessions.Service.Metrics;

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

    /// <summary>
    /// How long the writer finds no write before it commits due upkeep alone. Under load the queue is empty for moments
    /// between batches, and the next write's commit does the upkeep anyway, without a commit (and a sync) of its own.
    /// </summary>
    private const int UpkeepAloneAfterMs = 50;

    private const int JournalColumns = 6;

    private const int OutboxColumns = 8;

    private const int RequestColumns = 6;

    private const string InsertJournalRow = $"{InsertJournal}($1, $2, $3, $4, $5, $6)";

    private const string InsertRequestRow = $"{InsertRequest}VALUES ($1, $2, $3, $4, $5, $6)";

    /// <summary>
    /// PostgreSQL's trim: an entity's rows below a version (<c>$4</c>), from the version below which this writer last
    /// removed them (<c>$5</c>, 0 when it does not know). The rows it removed before stay in the key index as dead
    /// entries until vacuum, and a trim from version 0 walked every one of them: on the hot fleet, whose servers trim
    /// every second or two, PostgreSQL's CPU per request doubled between autovacuum runs (BENCHMARKS.md §7).
    /// </summary>
    private const string TrimJournal =
        "DELETE FROM SessionsJournal WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3 AND Version >= $5 AND Version < $4";

    /// <summary>How many entities' trim floors PostgreSQL mode's writer remembers; past it, it forgets them all and starts over.</summary>
    private const int TrimFloorsKept = 100_000;

    /// <summary>SQLite's journal insert: the row also points to its entity's previous row, and says where it went.</summary>
    private const string InsertJournalLinked =
        "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload, PrevSeq) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING Seq";

    /// <summary>
    /// Outbox statements by how many notifications they insert, each written once: building the text for every append
    /// was the largest share of the bytes a webhook allocated.
    /// </summary>
    private static readonly ConcurrentDictionary<int, string> OutboxStatements = new();

    private readonly DbDataSource _dataSource;
    private readonly StorageWriteGate _gate;
    private readonly SessionsMetrics _metrics;
    private readonly string _serviceId;
    private readonly BlockingCollection<Write> _pending = [];
    private readonly Task _writer;

    /// <summary>
    /// PostgreSQL mode: the version below which each entity's rows were removed by a committed trim (only the writer uses
    /// it). Rows below a trim never come back (an append goes above the entity's stored snapshot), so a later trim starts
    /// there; an entity forgotten starts from 0 again.
    /// </summary>
    private readonly Dictionary<JournalEntity, long> _trimmedBelow = [];

    /// <summary>The SQLite writer's connection and statements, kept between batches (only the writer's thread uses them).</summary>
    private SqliteStatements? _sqlite;

    public GroupCommit(DbDataSource dataSource, StorageWriteGate gate, SessionsMetrics metrics, IOptions<HostingOptions> options)
        : this(dataSource, gate, metrics, options, SqliteUpkeep.Default)
    {
    }

    /// <summary>With SQLite mode's upkeep (heads saved, trims run) as often as <paramref name="upkeep"/> says.</summary>
    internal GroupCommit(DbDataSource dataSource, StorageWriteGate gate, SessionsMetrics metrics, IOptions<HostingOptions> options, SqliteUpkeep upkeep)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _gate = gate;
        _metrics = metrics;
        _serviceId = options.Value.ServiceId;
        Heads = dataSource.IsPostgres() ? null : new SqliteJournalHeads(dataSource, _serviceId, upkeep);

        // One writer, on a thread of its own making synchronous calls (SQLite's provider is synchronous anyway). On the
        // thread pool every step of a commit, the wake-up when writes arrive and each answer of the database, waited in
        // the pool's queue behind the very requests the commit was to answer; and a second PostgreSQL writer that no
        // longer waits there only halves the batches.
        _writer = Task.Factory.StartNew(WriteBatches, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Where each entity's journal ends, in SQLite mode (null on PostgreSQL, whose journal is indexed by entity).</summary>
    public SqliteJournalHeads? Heads { get; }

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
        while (true)
        {
            if (!_pending.TryTake(out var first, IdleWait()))
            {
                if (_pending.IsCompleted)
                {
                    break;
                }

                CommitUpkeepAlone();
                continue;
            }

            batch.Add(first);
            while (batch.Count < MaxBatch && _pending.TryTake(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var stored = Commit(batch);
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

        // A graceful stop: what waits for upkeep (trims and their rows, unsaved heads) goes now, so the next start has
        // nothing to rescan and an entity removed by retention leaves no rows. A commit that fails leaves the rest.
        if (Heads is { } heads)
        {
            do
            {
                heads.MakeDue();
            }
            while (heads.IdleUpkeepAt is not null && CommitUpkeepAlone());
        }
    }

    /// <summary>
    /// How long the writer waits for writes before it commits SQLite mode's upkeep alone: until the upkeep is due, and at
    /// least <see cref="UpkeepAloneAfterMs"/> (forever when none waits).
    /// </summary>
    private int IdleWait() =>
        Heads?.IdleUpkeepAt is { } at
            ? (int)Math.Clamp(Math.Ceiling(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), at).TotalMilliseconds), UpkeepAloneAfterMs, int.MaxValue)
            : Timeout.Infinite;

    /// <summary>
    /// A commit of SQLite mode's upkeep alone, when no writes come: the waiting trims would otherwise wait for the next
    /// write, and the heads stay unsaved. A failure is reported to readiness by the gate; the upkeep is tried again later.
    /// </summary>
    private bool CommitUpkeepAlone()
    {
        var committed = false;
        try
        {
            Commit([]);
            committed = true;
        }
        catch (Exception)
        {
            // Reported by the gate; tried again later.
        }

        Heads?.UpkeptAlone(committed);
        return committed;
    }

    /// <summary>One commit through the gate, timed and counted (<see cref="SessionsMetrics.Commit"/>) whether it commits or not.</summary>
    private bool[] Commit(List<Write> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var stored = _gate.Run(() => _dataSource.IsPostgres() ? CommitPostgres(batch) : CommitSqlite(batch));
            _metrics.Commit(Stopwatch.GetElapsedTime(started), batch.Count, committed: true);
            return stored;
        }
        catch
        {
            _metrics.Commit(Stopwatch.GetElapsedTime(started), batch.Count, committed: false);
            throw;
        }
    }

    /// <summary>
    /// One transaction, one round trip: plain inserts, a journal append's rows (its journal row, its notifications, its
    /// request's raw log row) as statements of their own, pipelined. A taken version is rare (two activations of one
    /// entity during a membership change), so it is not guarded in every statement: its journal insert breaks the
    /// primary key, which aborts the transaction, and the batch runs again without that append, as often as another
    /// append turns out taken. The earlier shape, an append's other rows in a data-modifying CTE that saw whether its
    /// journal row went in, cost PostgreSQL ~80 µs an append against ~57 µs for the two inserts apart (BENCHMARKS.md §7).
    /// </summary>
    private bool[] CommitPostgres(List<Write> batch)
    {
        var stored = new bool[batch.Count];
        Array.Fill(stored, true);
        using var connection = (NpgsqlConnection)_dataSource.OpenConnection();
        while (true)
        {
            using var transaction = connection.BeginTransaction();
            using var commands = new NpgsqlBatch(connection, transaction);
            var journalInserts = new Dictionary<NpgsqlBatchCommand, int>();
            for (var i = 0; i < batch.Count; i++)
            {
                if (stored[i])
                {
                    AddCommands(commands, batch[i], journalInserts, i);
                }
            }

            if (commands.BatchCommands.Count == 0)
            {
                return stored;
            }

            try
            {
                commands.ExecuteNonQuery();
                transaction.Commit();
                RememberTrims(batch);
                return stored;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation
                && ex.BatchCommand is NpgsqlBatchCommand failed && journalInserts.TryGetValue(failed, out var taken))
            {
                stored[taken] = false;
            }
        }
    }

    /// <summary>After a commit: where each trim in it removed its entity's rows up to.</summary>
    private void RememberTrims(List<Write> batch)
    {
        foreach (var trim in batch.OfType<JournalTrim>())
        {
            if (_trimmedBelow.Count >= TrimFloorsKept)
            {
                _trimmedBelow.Clear();
            }

            var entity = new JournalEntity(trim.GrainType, trim.Key);
            _trimmedBelow[entity] = Math.Max(_trimmedBelow.GetValueOrDefault(entity), trim.BeforeVersion);
        }
    }

    /// <summary>The statements of one write; a journal append's own journal insert is recorded with its place in the batch.</summary>
    private void AddCommands(NpgsqlBatch commands, Write write, Dictionary<NpgsqlBatchCommand, int> journalInserts, int index)
    {
        switch (write)
        {
            case JournalAppend append:
                var journal = Command(InsertJournalRow, JournalValues(_serviceId, append));
                journalInserts.Add(journal, index);
                commands.BatchCommands.Add(journal);
                if (append.Notifications.Count > 0)
                {
                    var values = append.Notifications.SelectMany(n => OutboxValues(_serviceId, n, append.RecordedAtMs)).ToList();
                    commands.BatchCommands.Add(Command(OutboxStatements.GetOrAdd(append.Notifications.Count, OutboxStatement), values));
                }

                if (append.RequestRow is { } row)
                {
                    commands.BatchCommands.Add(Command(InsertRequestRow, row));
                }

                break;
            case JournalTrim trim:
                var floor = _trimmedBelow.GetValueOrDefault(new JournalEntity(trim.GrainType, trim.Key));
                commands.BatchCommands.Add(Command(TrimJournal, [_serviceId, trim.GrainType, trim.Key, trim.BeforeVersion, floor]));
                break;
            case RequestAppend append:
                commands.BatchCommands.Add(Command(InsertRequestRow, append.Row));
                break;
            default:
                throw new InvalidOperationException($"unknown write {write.GetType().Name}");
        }
    }

    /// <summary>The outbox insert of <paramref name="rows"/> notifications, one multi-row statement.</summary>
    private static string OutboxStatement(int rows) =>
        InsertOutbox + "VALUES " + string.Join(", ", Enumerable.Range(0, rows).Select(n => $"({Placeholders(1 + (n * OutboxColumns), OutboxColumns)})"));

    private static string Placeholders(int first, int count) => string.Join(", ", Enumerable.Range(first, count).Select(p => $"${p}"));

    /// <summary>
    /// One transaction through the single writer's gate, on the writer's own connection and statements, prepared once
    /// and kept across batches (opening a pooled connection and preparing its statements took a share of every batch,
    /// inside the gate). A batch that fails closes them; the next opens afresh.
    /// </summary>
    private bool[] CommitSqlite(List<Write> batch)
    {
        _sqlite ??= SqliteStatements.Open(_dataSource, Heads ?? throw new InvalidOperationException("SQLite mode keeps journal heads"));
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

    /// <summary>
    /// The SQLite writer's open connection and its statements. The journal there has no index by entity: an append
    /// finds its entity's head (this batch's, an unsaved one, else the saved one), is refused when its version is not
    /// above it, and links its row to it. A trim waits with the others; once they are due, one commit finds their rows
    /// (each back from its entity's head), and the next removal round removes them, oldest first, a share in each of its
    /// commits (<see cref="SqliteJournalHeads"/>). The heads this
    /// batch moves reach <see cref="SqliteJournalHeads"/> only once it has committed, and every few seconds a commit
    /// saves them all.
    /// </summary>
    private sealed class SqliteStatements(
        DbConnection connection, SqliteJournalHeads heads, DbCommand journal, DbCommand trimmedRows, DbCommand removeRow, DbCommand request,
        DbCommand outbox, DbCommand findHead, DbCommand saveHead, DbCommand saveThrough) : IDisposable
    {
        private readonly DbCommand[] _all = [journal, trimmedRows, removeRow, request, outbox, findHead, saveHead, saveThrough];

        public static SqliteStatements Open(DbDataSource dataSource, SqliteJournalHeads heads)
        {
            var connection = dataSource.OpenConnection();
            return new SqliteStatements(
                connection,
                heads,
                Prepare(connection, InsertJournalLinked, JournalColumns + 1),
                Prepare(connection, SqliteJournalHeads.TrimmedRows, 6),
                Prepare(connection, SqliteJournalHeads.RemoveRow, 1),
                Prepare(connection, InsertRequestRow, RequestColumns),
                Prepare(connection, OutboxStatement(1), OutboxColumns),
                Prepare(connection, SqliteJournalHeads.FindSaved, 3),
                Prepare(connection, SqliteJournalHeads.SaveHead, 6),
                Prepare(connection, SqliteJournalHeads.SaveThrough, 1));
        }

        public bool[] Commit(List<Write> batch, string serviceId)
        {
            using var transaction = connection.BeginTransaction();
            foreach (var command in _all)
            {
                command.Transaction = transaction;
            }

            var moved = new Dictionary<JournalEntity, JournalHead>();
            var stored = new bool[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                stored[i] = batch[i] switch
                {
                    JournalAppend append => Append(append, serviceId, moved),
                    JournalTrim t => Defer(t),
                    RequestAppend append => Run(request, append.Row) == 1,
                    _ => throw new InvalidOperationException($"unknown write {batch[i].GetType().Name}"),
                };
            }

            if (heads.TrimsToFind() is { Count: > 0 } trims)
            {
                heads.Found(trims.Count, [.. trims.SelectMany(t => TrimmedRows(t.Key, t.Value, serviceId, moved))]);
            }

            var removed = heads.RowsToRemove();
            foreach (var seq in removed)
            {
                Run(removeRow, [seq]);
            }

            var saving = heads.SaveDue;
            if (saving)
            {
                SaveHeads(serviceId, moved);
            }

            transaction.Commit();
            heads.Committed(moved, saving, removed.Count);
            return stored;
        }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }

            connection.Dispose();
        }

        private bool Append(JournalAppend append, string serviceId, Dictionary<JournalEntity, JournalHead> moved)
        {
            var entity = new JournalEntity(append.GrainType, append.Key);
            var head = Head(entity, serviceId, moved);
            if (head is { } latest && append.Version <= latest.Version)
            {
                return false;
            }

            var seq = (long)Scalar(journal, [.. JournalValues(serviceId, append), head is { } previous ? previous.Seq : DBNull.Value]);
            moved[entity] = new JournalHead(seq, append.Version, append.RecordedAtMs);
            RunAll(outbox, append.Notifications.Select(n => OutboxValues(serviceId, n, append.RecordedAtMs)));
            return append.RequestRow is not { } row || Run(request, row) == 1;
        }

        /// <summary>A trim is stored, as far as its caller goes, once it waits with the others: what it removes is never read.</summary>
        private bool Defer(JournalTrim t)
        {
            heads.DeferTrim(new JournalEntity(t.GrainType, t.Key), t.BeforeVersion);
            return true;
        }

        /// <summary>The rows a trim removes: its entity's below <paramref name="beforeVersion"/>, followed back from its head.</summary>
        private List<long> TrimmedRows(JournalEntity entity, long beforeVersion, string serviceId, Dictionary<JournalEntity, JournalHead> moved)
        {
            var rows = new List<long>();
            if (Head(entity, serviceId, moved) is { } head)
            {
                SetValues(trimmedRows, [head.Seq, serviceId, entity.GrainType, entity.Key, beforeVersion, heads.FoundBelow(entity)]);
                using var reader = trimmedRows.ExecuteReader();
                while (reader.Read())
                {
                    rows.Add(reader.GetInt64(0));
                }
            }

            return rows;
        }

        private JournalHead? Head(JournalEntity entity, string serviceId, Dictionary<JournalEntity, JournalHead> moved)
        {
            if (moved.TryGetValue(entity, out var head) || heads.TryGetUnsaved(entity, out head))
            {
                return head;
            }

            SetValues(findHead, [serviceId, entity.GrainType, entity.Key]);
            using var reader = findHead.ExecuteReader();
            return reader.Read() ? new JournalHead(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
        }

        /// <summary>Every unsaved head and this batch's, then the row they account for, in this batch's transaction.</summary>
        private void SaveHeads(string serviceId, Dictionary<JournalEntity, JournalHead> moved)
        {
            foreach (var (entity, head) in heads.UnsavedHeads.Where(h => !moved.ContainsKey(h.Key)).Concat(moved))
            {
                Run(saveHead, [serviceId, entity.GrainType, entity.Key, head.Seq, head.Version, head.RecordedAtMs]);
            }

            Run(saveThrough, [serviceId]);
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

        private static void SetValues(DbCommand command, object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }
        }

        private static int Run(DbCommand command, object[] values)
        {
            SetValues(command, values);
            return command.ExecuteNonQuery();
        }

        private static object Scalar(DbCommand command, object[] values)
        {
            SetValues(command, values);
            return command.ExecuteScalar() ?? throw new InvalidOperationException("the insert returned no row");
        }

        private static void RunAll(DbCommand command, IEnumerable<object[]> rows)
        {
            foreach (var values in rows)
            {
                Run(command, values);
            }
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
