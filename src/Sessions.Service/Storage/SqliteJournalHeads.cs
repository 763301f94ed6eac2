using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;

namespace Sessions.Service.Storage;

/// <summary>
/// Where each entity's journal ends, in SQLite mode, whose journal has no index by entity (deploy/sql/sqlite/0010):
/// every row points to its entity's previous one, and an entity's rows are found by following them back from its
/// latest (its head). The heads that changed since they were last saved are kept here, in memory; the group commit
/// saves them all, in one of its commits, every few seconds (a row per entity that changed, where the dropped index took
/// an entry per event), with the last journal row they account for; a start reads the rows after that one again, so
/// heads lost with a crash come back. Only the group commit's writer changes heads, after its commit, so a reader never
/// follows a head to a row it cannot see. SQLite mode runs one process: these heads are also the fence between two
/// activations of one entity that the unique (entity, version) index was (an append not above its head is refused).
/// </summary>
/// <remarks>
/// Trims wait here too. An entity's rows lie a page apart (the rows between are other entities'), so one entity's
/// trim rewrote a page for each row it removed, and each page again as its other entities were trimmed in turn. Once
/// <see cref="SqliteUpkeep.TrimEvery"/> has passed, the waiting trims make a pass, whose rows the writer finds
/// <see cref="SqliteUpkeep.TrimsPerCommit"/> trims a commit (each back from its entity's head, down to where its last
/// trim found rows): a whole pass in one commit held every webhook in flight for tens of milliseconds. When the pass is
/// done, rows it found close together (most of a block in append order: an entity that hears most of the events) are
/// removed from the next commit on; the rest wait for the next removal round, every
/// <see cref="SqliteUpkeep.RemoveEvery"/>, which removes them oldest first. Either way at most
/// <see cref="SqliteUpkeep.RowsRemovedPerCommit"/> go in a commit. A page of a fleet's rows thus loses those of every
/// trim of the round in one commit, where removing each second's trims rewrote it about once for each entity on it (a
/// fleet under full load: a quarter of SQLite mode's rate; BENCHMARKS.md §7). The rows a trim removes are below the
/// entity's snapshot, which replays never read, so a trim that waits changes no answer; one lost with a crash leaves its
/// rows linked from the entity's kept rows (oldest removed first), and the entity's next trim follows its links past
/// them. When no writes come, the writer commits for this upkeep alone once it is due (<see cref="IdleUpkeepAt"/>), and
/// again at each idle moment while a pass or a round is under way; at a graceful stop it runs whatever waits
/// (<see cref="MakeDue"/>).
/// </remarks>
internal sealed class SqliteJournalHeads
{
    /// <summary>
    /// One entity's rows above a version, followed back from its head: <c>@head</c> when it is in memory, else NULL and the
    /// saved one. Each step is a row read by its key; the walk ends at the version asked for, or at a trimmed row. The
    /// steps' CROSS JOIN keeps SQLite from starting at the journal's other index, which a never-analysed file
    /// otherwise does (every row of the kind for every step).
    /// </summary>
    public const string ReadEntity =
        "WITH RECURSIVE chain (Seq, Version, RecordedAtMs, Payload, PrevSeq) AS (" +
        "SELECT Seq, Version, RecordedAtMs, Payload, PrevSeq FROM SessionsJournal " +
        "WHERE Seq = coalesce(@head, (SELECT Seq FROM SessionsJournalHeads WHERE ServiceId = @service AND GrainType = @type AND GrainKey = @key)) " +
        "AND ServiceId = @service AND GrainType = @type AND GrainKey = @key AND Version > @after " +
        "UNION ALL " +
        "SELECT j.Seq, j.Version, j.RecordedAtMs, j.Payload, j.PrevSeq FROM chain c CROSS JOIN SessionsJournal j " +
        "WHERE j.Seq = c.PrevSeq AND j.ServiceId = @service AND j.GrainType = @type AND j.GrainKey = @key AND j.Version > @after AND j.Version < c.Version) " +
        "SELECT Version, RecordedAtMs, Payload FROM chain ORDER BY Version";

    /// <summary>
    /// One entity's rows below a version (<c>$5</c>), followed back from its head (<c>$1</c>) to the last removed row or
    /// the version below which its last trim found rows (<c>$6</c>), whichever comes first.
    /// </summary>
    public const string TrimmedRows =
        "WITH RECURSIVE chain (Seq, Version, PrevSeq) AS (" +
        "SELECT Seq, Version, PrevSeq FROM SessionsJournal WHERE Seq = $1 " +
        "UNION ALL " +
        "SELECT j.Seq, j.Version, j.PrevSeq FROM chain c CROSS JOIN SessionsJournal j " +
        "WHERE j.Seq = c.PrevSeq AND j.ServiceId = $2 AND j.GrainType = $3 AND j.GrainKey = $4 AND j.Version < c.Version AND j.Version >= $6) " +
        "SELECT Seq FROM chain WHERE Version < $5";

    public const string RemoveRow = "DELETE FROM SessionsJournal WHERE Seq = $1";

    /// <summary>An entity's saved head, for one not in memory.</summary>
    public const string FindSaved = "SELECT Seq, Version, RecordedAtMs FROM SessionsJournalHeads WHERE ServiceId = $1 AND GrainType = $2 AND GrainKey = $3";

    public const string SaveHead =
        "INSERT INTO SessionsJournalHeads (ServiceId, GrainType, GrainKey, Seq, Version, RecordedAtMs) VALUES ($1, $2, $3, $4, $5, $6) " +
        "ON CONFLICT (ServiceId, GrainType, GrainKey) DO UPDATE SET Seq = excluded.Seq, Version = excluded.Version, RecordedAtMs = excluded.RecordedAtMs";

    /// <summary>
    /// The entities of a kind whose saved head (their latest row when saved) is from a moment on: an index shard's repair
    /// after a crash, with the unsaved heads (<see cref="UnsavedSince"/>); the journal has no index by time in SQLite mode.
    /// </summary>
    public const string SavedSince =
        "SELECT GrainKey FROM SessionsJournalHeads WHERE ServiceId = @service AND GrainType = @type AND RecordedAtMs >= @since";

    /// <summary>Run after every unsaved head was saved: they account for every row there is.</summary>
    public const string SaveThrough =
        "INSERT INTO SessionsJournalHeadsSaved (ServiceId, ThroughSeq) VALUES ($1, (SELECT coalesce(max(Seq), 0) FROM SessionsJournal)) " +
        "ON CONFLICT (ServiceId) DO UPDATE SET ThroughSeq = excluded.ThroughSeq";

    /// <summary>The rows appended since the heads were last saved, in append order: the last of each entity is its head.</summary>
    public const string Unsaved =
        "SELECT Seq, GrainType, GrainKey, Version, RecordedAtMs FROM SessionsJournal WHERE ServiceId = @service " +
        "AND Seq > coalesce((SELECT ThroughSeq FROM SessionsJournalHeadsSaved WHERE ServiceId = @service), 0) ORDER BY Seq";

    private readonly DbDataSource _dataSource;
    private readonly string _serviceId;
    private readonly long _saveEvery;

    /// <summary>Read from the journal at first use (readers and the writer alike wait for it); a failed read is tried again.</summary>
    private readonly Lazy<ConcurrentDictionary<JournalEntity, JournalHead>> _unsaved;

    private readonly long _trimEvery;

    private readonly int _rowsPerCommit;

    /// <summary>The trims waiting to run: each entity's and the version below which it removes (only the writer uses them).</summary>
    private readonly Dictionary<JournalEntity, long> _trims = [];

    private readonly int _trimsPerCommit;

    /// <summary>The trims of the current pass, in the order their rows are found; the first <see cref="_passFound"/> found.</summary>
    private KeyValuePair<JournalEntity, long>[] _pass = [];

    private int _passFound;

    /// <summary>The rows the current pass's trims found so far.</summary>
    private readonly List<long> _passRows = [];

    /// <summary>The rows of a block: 2 to this power, consecutive in append order (a page holds about ten).</summary>
    private const int BlockBits = 4;

    /// <summary>How many rows of one block a pass's trims find for them to be removed at once.</summary>
    private const int DenseRows = 8;

    private readonly long _removeEvery;

    /// <summary>The rows the trims found since the current removal round began (only the writer uses them).</summary>
    private readonly List<long> _found = [];

    /// <summary>The current removal round's rows, oldest first, each once; the first <see cref="_removed"/> of them are removed.</summary>
    private long[] _removing = [];

    private int _removed;

    /// <summary>
    /// Rows found close together (at least <see cref="DenseRows"/> of a block of <c>2^</c><see cref="BlockBits"/> rows by
    /// one pass's trims: an entity that hears most of the events), which gain nothing by waiting for a round: removed
    /// from the commit after the pass on, oldest first, before the round's; the first <see cref="_denseRemoved"/> are removed.
    /// </summary>
    private long[] _dense = [];

    private int _denseRemoved;

    /// <summary>Whether the rows <see cref="RowsToRemove"/> handed out last are <see cref="_dense"/>'s.</summary>
    private bool _removingDense;

    /// <summary>
    /// Where each entity's trims found rows down to (the version below which they found them): those since the current
    /// round began, and those of the current round's. A trim stops there, so rows that wait are not found again; an
    /// entity is forgotten once the round that removes its rows is done (its walk ends at the removed rows).
    /// </summary>
    private Dictionary<JournalEntity, long> _foundBelow = [];

    private Dictionary<JournalEntity, long> _removingBelow = [];

    private long _nextSave;

    private long _nextTrims;

    private long _nextRemoval;

    /// <summary>The earliest the writer commits for upkeep alone again: a commit for it every <see cref="SqliteUpkeep.TrimEvery"/> at most.</summary>
    private long _nextIdleUpkeep;

    public SqliteJournalHeads(DbDataSource dataSource, string serviceId, SqliteUpkeep upkeep)
    {
        ArgumentNullException.ThrowIfNull(upkeep);
        (_dataSource, _serviceId) = (dataSource, serviceId);
        _saveEvery = Ticks(upkeep.SaveHeadsEvery);
        _trimEvery = Ticks(upkeep.TrimEvery);
        _rowsPerCommit = upkeep.RowsRemovedPerCommit;
        _trimsPerCommit = upkeep.TrimsPerCommit;
        _removeEvery = Ticks(upkeep.RemoveEvery);
        _nextSave = Stopwatch.GetTimestamp() + _saveEvery;
        _nextTrims = Stopwatch.GetTimestamp() + _trimEvery;
        _nextRemoval = Stopwatch.GetTimestamp() + _removeEvery;
        _unsaved = new(Recover, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>Whether the next commit should save the heads.</summary>
    public bool SaveDue => Stopwatch.GetTimestamp() >= _nextSave;

    /// <summary>
    /// The trims whose rows the next commit should find, at most <see cref="SqliteUpkeep.TrimsPerCommit"/>: the next of
    /// the current pass. When none is left and trims wait and are due, they make the next pass; it stays begun whether
    /// or not the commit does.
    /// </summary>
    public ArraySegment<KeyValuePair<JournalEntity, long>> TrimsToFind()
    {
        if (_passFound == _pass.Length && _trims.Count > 0 && Stopwatch.GetTimestamp() >= _nextTrims)
        {
            _pass = [.. _trims];
            _passFound = 0;
            _trims.Clear();
            _nextTrims = Stopwatch.GetTimestamp() + _trimEvery;
        }

        return new ArraySegment<KeyValuePair<JournalEntity, long>>(_pass, _passFound, Math.Min(_trimsPerCommit, _pass.Length - _passFound));
    }

    /// <summary>The version below which <paramref name="entity"/>'s rows were found already (0: none waits).</summary>
    public long FoundBelow(JournalEntity entity) =>
        _foundBelow.TryGetValue(entity, out var below) || _removingBelow.TryGetValue(entity, out below) ? below : 0;

    /// <summary>
    /// The rows a commit removes, at most <see cref="SqliteUpkeep.RowsRemovedPerCommit"/>, oldest first: those found
    /// close together while any wait, else the current round's. When that round is done and the next is due, the rows
    /// found since make the next; it stays begun whether or not the commit does.
    /// </summary>
    public ArraySegment<long> RowsToRemove()
    {
        _removingDense = _denseRemoved < _dense.Length;
        if (_removingDense)
        {
            return new ArraySegment<long>(_dense, _denseRemoved, Math.Min(_rowsPerCommit, _dense.Length - _denseRemoved));
        }

        if (_removed == _removing.Length && RoundWaits && Stopwatch.GetTimestamp() >= _nextRemoval)
        {
            _found.Sort();
            _removing = [.. _found.Where((seq, i) => i == 0 || seq != _found[i - 1])];
            _removed = 0;
            _found.Clear();
            (_removingBelow, _foundBelow) = (_foundBelow, []);
            _nextRemoval = Stopwatch.GetTimestamp() + _removeEvery;
        }

        return new ArraySegment<long>(_removing, _removed, Math.Min(_rowsPerCommit, _removing.Length - _removed));
    }

    /// <summary>The writer's: an entity's trim, kept until trims are due (a later one of the same entity reaches further).</summary>
    public void DeferTrim(JournalEntity entity, long beforeVersion) =>
        _trims[entity] = _trims.TryGetValue(entity, out var waiting) ? Math.Max(waiting, beforeVersion) : beforeVersion;

    /// <summary>
    /// When (a <see cref="Stopwatch"/> timestamp) the writer, with no writes coming, should commit for upkeep alone: the
    /// waiting trims, the rows they found, the unsaved heads; null when nothing waits.
    /// </summary>
    public long? IdleUpkeepAt
    {
        get
        {
            long? at = _passFound < _pass.Length || _removed < _removing.Length || _denseRemoved < _dense.Length ? _nextIdleUpkeep
                : _trims.Count > 0 ? Math.Max(_nextTrims, _nextIdleUpkeep)
                : RoundWaits ? Math.Max(_nextRemoval, _nextIdleUpkeep)
                : null;
            return _unsaved.IsValueCreated && !_unsaved.Value.IsEmpty ? Math.Min(at ?? long.MaxValue, Math.Max(_nextSave, _nextIdleUpkeep)) : at;
        }
    }

    /// <summary>Whether trims ran since the current removal round began (rows found, or entities to forget).</summary>
    private bool RoundWaits => _found.Count > 0 || _foundBelow.Count > 0;

    /// <summary>
    /// The writer's, after a commit for upkeep alone: a pass or a round under way goes on at the writer's next idle moment;
    /// after a failed commit the next waits <see cref="SqliteUpkeep.TrimEvery"/>. Upkeep not under way waits its own time.
    /// </summary>
    public void UpkeptAlone(bool committed) => _nextIdleUpkeep = Stopwatch.GetTimestamp() + (committed ? 0 : _trimEvery);

    /// <summary>The writer's, at a graceful stop: the waiting trims, the next removal round and the heads' save are due at once.</summary>
    public void MakeDue() => _nextTrims = _nextRemoval = _nextSave = 0;

    /// <summary>The heads not saved yet.</summary>
    public IEnumerable<KeyValuePair<JournalEntity, JournalHead>> UnsavedHeads => _unsaved.Value;

    /// <summary>The row a reader starts from when it is not saved yet; null when the saved head is current.</summary>
    public long? UnsavedRow(string grainType, string key) =>
        _unsaved.Value.TryGetValue(new JournalEntity(grainType, key), out var head) ? head.Seq : null;

    /// <summary>The keys of a kind's entities whose unsaved head (their latest row) is from <paramref name="sinceMs"/> on.</summary>
    public IEnumerable<string> UnsavedSince(string grainType, long sinceMs) =>
        _unsaved.Value.Where(h => h.Key.GrainType == grainType && h.Value.RecordedAtMs >= sinceMs).Select(h => h.Key.Key);

    /// <summary>The writer's view of an unsaved head.</summary>
    public bool TryGetUnsaved(JournalEntity entity, out JournalHead head) => _unsaved.Value.TryGetValue(entity, out head);

    /// <summary>
    /// The writer's, once it has found the rows of the trims <see cref="TrimsToFind"/> handed out, before its commit: they
    /// wait no more. When the pass is done, its rows wait for a removal round, or, found close together, are removed from
    /// the next commit on. They may go whether or not this commit does: every row a trim finds is below its entity's
    /// stored snapshot, and only appends of higher versions were in the commit with it.
    /// </summary>
    public void Found(int trims, IReadOnlyCollection<long> rows)
    {
        _passFound += trims;
        _passRows.AddRange(rows);
        if (_passFound < _pass.Length)
        {
            return;
        }

        // Set only now, so a removal round begun meanwhile does not forget an entity whose rows it does not hold.
        foreach (var (entity, below) in _pass)
        {
            _foundBelow[entity] = below;
        }

        _pass = [];
        _passFound = 0;
        var sorted = _passRows.Order().ToArray();
        _passRows.Clear();
        var dense = new List<long>();
        for (var i = 0; i < sorted.Length;)
        {
            var block = sorted[i] >> BlockBits;
            var end = i;
            while (end < sorted.Length && sorted[end] >> BlockBits == block)
            {
                end++;
            }

            (end - i >= DenseRows ? dense : _found).AddRange(new ArraySegment<long>(sorted, i, end - i));
            i = end;
        }

        if (dense.Count > 0)
        {
            _dense = [.. _dense.Skip(_denseRemoved), .. dense];
            Array.Sort(_dense);
            _denseRemoved = 0;
        }
    }

    /// <summary>
    /// After the writer's commit: the heads it moved, or, when it saved them, none left unsaved; and how many of the rows
    /// <see cref="RowsToRemove"/> handed out it removed.
    /// </summary>
    public void Committed(Dictionary<JournalEntity, JournalHead> moved, bool saved, int removed)
    {
        if (_removingDense)
        {
            _denseRemoved += removed;
        }
        else
        {
            _removed += removed;
            if (_removed == _removing.Length)
            {
                _removingBelow.Clear();
            }
        }

        var unsaved = _unsaved.Value;
        if (saved)
        {
            unsaved.Clear();
            _nextSave = Stopwatch.GetTimestamp() + _saveEvery;
            return;
        }

        foreach (var (entity, head) in moved)
        {
            unsaved[entity] = head;
        }
    }

    private static long Ticks(TimeSpan interval) => (long)(interval.TotalSeconds * Stopwatch.Frequency);

    private ConcurrentDictionary<JournalEntity, JournalHead> Recover()
    {
        var heads = new ConcurrentDictionary<JournalEntity, JournalHead>();
        using var connection = _dataSource.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = Unsaved;
        command.AddParameter("service", _serviceId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            heads[new JournalEntity(reader.GetString(1), reader.GetString(2))] = new JournalHead(reader.GetInt64(0), reader.GetInt64(3), reader.GetInt64(4));
        }

        return heads;
    }
}

/// <summary>
/// How often SQLite mode's writer saves the heads that changed, begins a pass finding the rows of the trims that wait and
/// begins a round removing those found; how many rows a commit removes and how many trims' rows it finds:
/// <see cref="Default"/> in the service; tests choose their own.
/// </summary>
internal sealed record SqliteUpkeep(TimeSpan SaveHeadsEvery, TimeSpan TrimEvery, TimeSpan RemoveEvery, int RowsRemovedPerCommit, int TrimsPerCommit)
{
    public static SqliteUpkeep Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 256, 4);
}

/// <summary>An entity of the journal: its grain type and key.</summary>
internal readonly record struct JournalEntity(string GrainType, string Key);

/// <summary>An entity's latest journal row, the version it holds, and when it was recorded.</summary>
internal readonly record struct JournalHead(long Seq, long Version, long RecordedAtMs);
