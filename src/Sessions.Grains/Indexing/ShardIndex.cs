using Sessions.Abstractions.Indexing;

namespace Sessions.Grains.Indexing;

/// <summary>
/// The in-memory index of one shard, pure (no Orleans calls, no I/O, no clock): entries by key, sorted positions per
/// (status, provider) bucket and per facet value, counts by status and by facet value, and which keys changed since the
/// shard last wrote. An entry older (by version) than the one held is ignored, so the order updates arrive in does not
/// matter.
/// </summary>
internal sealed class ShardIndex<TItem>
{
    private readonly Dictionary<string, IndexEntry<TItem>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Status, string Provider), SortedSet<IndexPosition>> _buckets = [];
    private readonly Dictionary<string, int> _byStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byFacet = new(StringComparer.Ordinal);

    /// <summary>Positions per facet value, so a facet filter walks its own candidates rather than whole buckets.</summary>
    private readonly Dictionary<(string Facet, string Value), SortedSet<IndexPosition>> _byFacetValue = new(FacetValueComparer.Instance);

    /// <summary>Keys filed, or refiled into another place (status, facets), since they were last saved.</summary>
    private readonly HashSet<string> _upserted = new(StringComparer.Ordinal);

    /// <summary>
    /// Keys refiled in place since they were last saved, and not in <see cref="_upserted"/>: the same status, facets and
    /// position, what most events do (they move their entity's last event time). Saved when the caller asks for them.
    /// </summary>
    private readonly HashSet<string> _refiled = new(StringComparer.Ordinal);

    /// <summary>Keys removed since the last save.</summary>
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    /// <summary>Whether there is anything to save, counting entries refiled in place only when <paramref name="inPlaceToo"/>.</summary>
    public bool HasChangesToSave(bool inPlaceToo) => _upserted.Count > 0 || _removed.Count > 0 || (inPlaceToo && _refiled.Count > 0);

    /// <summary>Files an entry read back from storage: it is saved already, so it is not a change.</summary>
    public void Load(IndexEntry<TItem> entry) => Put(entry);

    /// <summary>Files or refiles an entry unless the one held is as new or newer; true when it was filed.</summary>
    public bool Upsert(IndexEntry<TItem> entry)
    {
        var filed = Put(entry);
        if (filed is Filing.None)
        {
            return false;
        }

        var key = entry.Key;
        if (filed is Filing.InPlace && !_upserted.Contains(key))
        {
            _refiled.Add(key);
        }
        else
        {
            _upserted.Add(key);
            _refiled.Remove(key);
        }

        _removed.Remove(key);
        return true;
    }

    /// <summary>The entry held under <paramref name="key"/>, or null.</summary>
    public IndexEntry<TItem>? Get(string key) => _entries.GetValueOrDefault(key);

    /// <summary>
    /// Puts every entry through <paramref name="asOf"/> and refiles those it changes (same key and version, another item or
    /// facets): what the clock does to entries. A change to save, so the stored entry holds what was last judged (and
    /// announced), and a shard that loads it tells a later change from one already known.
    /// Returns each refiled entry with the one it replaced.
    /// </summary>
    public IReadOnlyList<(IndexEntry<TItem> Before, IndexEntry<TItem> After)> Reclassify(Func<IndexEntry<TItem>, IndexEntry<TItem>> asOf)
    {
        ArgumentNullException.ThrowIfNull(asOf);
        var changed = new List<(IndexEntry<TItem>, IndexEntry<TItem>)>();
        foreach (var held in _entries.Values)
        {
            var now = asOf(held);
            if (!ReferenceEquals(now, held))
            {
                changed.Add((held, now));
            }
        }

        foreach (var (before, after) in changed)
        {
            File(before, -1);
            _entries[after.Key] = after;
            File(after, +1);
            _upserted.Add(after.Key);
            _refiled.Remove(after.Key);
        }

        return changed;
    }

    /// <summary>Forgets <paramref name="key"/> unless the entry held is newer than <paramref name="version"/>; true when it did.</summary>
    public bool Remove(string key, long version)
    {
        if (!_entries.TryGetValue(key, out var held) || held.Version > version)
        {
            return false;
        }

        File(held, -1);
        _entries.Remove(key);
        _upserted.Remove(key);
        _refiled.Remove(key);
        _removed.Add(key);
        return true;
    }

    /// <summary>
    /// What changed since it was last saved: the entries to store (those refiled in place only when
    /// <paramref name="inPlaceToo"/>), and the keys to delete.
    /// </summary>
    public (IReadOnlyList<IndexEntry<TItem>> Upserted, IReadOnlyList<string> Removed) Changes(bool inPlaceToo) =>
        ([.. (inPlaceToo ? _upserted.Concat(_refiled) : _upserted).Select(key => _entries[key])], [.. _removed]);

    /// <summary>The <see cref="Changes"/> asked with the same <paramref name="inPlaceToo"/> are stored.</summary>
    public void ChangesSaved(bool inPlaceToo)
    {
        _upserted.Clear();
        _removed.Clear();
        if (inPlaceToo)
        {
            _refiled.Clear();
        }
    }

    /// <summary>Up to <see cref="IndexQuery.Limit"/> entries matching the query, after its cursor, in list order.</summary>
    public IReadOnlyList<IndexEntry<TItem>> List(IndexQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Facets is { Count: > 0 } facets)
        {
            return ListByFacets(query, facets);
        }

        var page = new List<IndexEntry<TItem>>();
        foreach (var ((status, provider), positions) in _buckets)
        {
            if ((query.Status is not null && status != query.Status) || (query.Provider is not null && provider != query.Provider))
            {
                continue;
            }

            page.AddRange(After(positions, query.After).Select(position => _entries[position.Key]).Where(query.Admits).Take(query.Limit));
        }

        page.Sort((a, b) => a.Position.CompareTo(b.Position));
        return page.Count > query.Limit ? page[..query.Limit] : page;
    }

    /// <summary>The total, and the counts by status and by each facet's values (values with no entries left out).</summary>
    public IndexCounts Counts() =>
        new(
            _entries.Count,
            new Dictionary<string, int>(_byStatus, StringComparer.Ordinal),
            _byFacet.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, int>)new Dictionary<string, int>(f.Value, StringComparer.Ordinal), StringComparer.Ordinal));

    /// <summary>
    /// Up to <paramref name="limit"/> keys of entries finished before <paramref name="finishedBefore"/>, in ordinal key
    /// order after <paramref name="afterKey"/> (from the first when null): what retention is due to expire.
    /// </summary>
    public IReadOnlyList<string> Finished(DateTimeOffset finishedBefore, string? afterKey, int limit) =>
    [
        .. _entries
            .Where(e => e.Value.FinishedAt < finishedBefore && (afterKey is null || string.CompareOrdinal(e.Key, afterKey) > 0))
            .Select(e => e.Key)
            .Order(StringComparer.Ordinal)
            .Take(limit),
    ];

    private static IEnumerable<IndexPosition> After(SortedSet<IndexPosition> positions, IndexPosition? after)
    {
        if (after is not { } cursor)
        {
            return positions;
        }

        return positions.Count == 0 || cursor >= positions.Max
            ? []
            : positions.GetViewBetween(cursor, positions.Max).Where(p => p != cursor);
    }

    private static bool Matches(IndexEntry<TItem> entry, IndexQuery query, IReadOnlyDictionary<string, string> facets) =>
        (query.Status is null || entry.Status == query.Status)
        && (query.Provider is null || entry.Provider == query.Provider)
        && facets.All(f => entry.Facets.TryGetValue(f.Key, out var value) && string.Equals(value, f.Value, StringComparison.OrdinalIgnoreCase))
        && query.Admits(entry);

    private static void Place<TKey>(Dictionary<TKey, SortedSet<IndexPosition>> sets, TKey key, IndexPosition position, int delta)
        where TKey : notnull
    {
        if (delta > 0)
        {
            if (!sets.TryGetValue(key, out var set))
            {
                set = sets[key] = [];
            }

            set.Add(position);
        }
        else if (sets.TryGetValue(key, out var set) && set.Remove(position) && set.Count == 0)
        {
            sets.Remove(key);
        }
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var count = counts.GetValueOrDefault(key) + delta;
        if (count == 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = count;
        }
    }

    /// <summary>Files <paramref name="entry"/> in place of the entry held under its key, unless that one is as new or newer.</summary>
    private Filing Put(IndexEntry<TItem> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = entry.Key;
        if (_entries.TryGetValue(key, out var held))
        {
            if (held.Version >= entry.Version)
            {
                return Filing.None;
            }

            if (FiledAlike(held, entry))
            {
                // Most events change neither status nor facets: the entry's place in every set stays where it is.
                _entries[key] = entry;
                return Filing.InPlace;
            }

            File(held, -1);
        }

        _entries[key] = entry;
        File(entry, +1);
        return Filing.Placed;
    }

    /// <summary>
    /// Whether two entries of one key sit in the same bucket, positions and counts. Their keys are equal, so their
    /// positions are equal when their creation times are (comparing positions would build both keys again).
    /// </summary>
    private static bool FiledAlike(IndexEntry<TItem> held, IndexEntry<TItem> entry)
    {
        if (held.Status != entry.Status || held.Provider != entry.Provider || held.CreatedAt != entry.CreatedAt
            || held.Facets.Count != entry.Facets.Count)
        {
            return false;
        }

        foreach (var (facet, value) in held.Facets)
        {
            if (!entry.Facets.TryGetValue(facet, out var now) || !string.Equals(now, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Walks the positions of the rarest facet value asked for, in list order, and checks the rest of the filter on each:
    /// the fleet's few down servers are found without passing the many healthy ones.
    /// </summary>
    private List<IndexEntry<TItem>> ListByFacets(IndexQuery query, IReadOnlyDictionary<string, string> facets)
    {
        SortedSet<IndexPosition>? candidates = null;
        foreach (var (facet, value) in facets)
        {
            if (!_byFacetValue.TryGetValue((facet, value), out var positions))
            {
                return [];
            }

            if (candidates is null || positions.Count < candidates.Count)
            {
                candidates = positions;
            }
        }

        return
        [
            .. After(candidates!, query.After)
                .Select(position => _entries[position.Key])
                .Where(entry => Matches(entry, query, facets))
                .Take(query.Limit),
        ];
    }

    /// <summary>Adds an entry to (<paramref name="delta"/> +1) or takes it out of (-1) its bucket, positions and counts.</summary>
    private void File(IndexEntry<TItem> entry, int delta)
    {
        var position = entry.Position;
        Place(_buckets, (entry.Status, entry.Provider), position, delta);
        Add(_byStatus, entry.Status, delta);
        foreach (var (facet, value) in entry.Facets)
        {
            if (!_byFacet.TryGetValue(facet, out var values))
            {
                values = _byFacet[facet] = new(StringComparer.Ordinal);
            }

            Add(values, value, delta);
            if (values.Count == 0)
            {
                _byFacet.Remove(facet);
            }

            Place(_byFacetValue, (facet, value), position, delta);
        }
    }

    /// <summary>What <see cref="Put"/> did with an entry.</summary>
    private enum Filing
    {
        /// <summary>Nothing: the entry held is as new or newer.</summary>
        None,

        /// <summary>Replaced the entry held, in the same bucket, positions and counts.</summary>
        InPlace,

        /// <summary>Filed anew, or moved to another bucket, positions or counts.</summary>
        Placed,
    }

    /// <summary>Facet names exactly, values without case: list filters match facet values without case.</summary>
    private sealed class FacetValueComparer : IEqualityComparer<(string Facet, string Value)>
    {
        public static readonly FacetValueComparer Instance = new();

        public bool Equals((string Facet, string Value) x, (string Facet, string Value) y) =>
            string.Equals(x.Facet, y.Facet, StringComparison.Ordinal) && string.Equals(x.Value, y.Value, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Facet, string Value) obj) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.Facet), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Value));
    }
}
