using Sessions.Canonical;

namespace Sessions.Abstractions.Indexing;

/// <summary>Where an entry sits in a list: newest first by creation time, then by key; also the list cursor.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.IndexPosition")]
public readonly record struct IndexPosition(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] string Key) : IComparable<IndexPosition>
{
    public int CompareTo(IndexPosition other)
    {
        var byTime = other.CreatedAt.CompareTo(CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(Key, other.Key);
    }

    public static bool operator <(IndexPosition left, IndexPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(IndexPosition left, IndexPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(IndexPosition left, IndexPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(IndexPosition left, IndexPosition right) => left.CompareTo(right) >= 0;
}

/// <summary>
/// What an index shard knows of one entity: how to file it, its list item, and the <c>Terms</c> besides the id that a
/// list search (<c>?q=</c>) matches (a session's title and participants, a server's machine name, …; null in entries
/// stored before searches existed, until the entity files itself again).
/// </summary>
/// <typeparam name="TItem">The entity kind's snapshot type, in its compact list form.</typeparam>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.IndexEntry`1")]
public sealed record IndexEntry<TItem>(
    [property: Id(0)] EntityKind Kind,
    [property: Id(1)] string Provider,
    [property: Id(2)] string Id,
    [property: Id(3)] string Status,
    [property: Id(4)] IReadOnlyDictionary<string, string> Facets,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? FinishedAt,
    [property: Id(7)] long Version,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] TItem Item,
    [property: Id(10)] IReadOnlyList<string>? Terms = null)
{
    /// <summary>The grain key of the entity (<c>{provider}/{id}</c>).</summary>
    public string Key => Entities.EntityKey.Of(Provider, Id);

    /// <summary>Where the entry sorts in lists.</summary>
    public IndexPosition Position => new(CreatedAt, Key);

    /// <summary>Whether the id or one of the <see cref="Terms"/> contains <paramref name="text"/>, without case.</summary>
    public bool Mentions(string text) =>
        Id.Contains(text, StringComparison.OrdinalIgnoreCase)
        || (Terms?.Any(term => term.Contains(text, StringComparison.OrdinalIgnoreCase)) ?? false);
}

/// <summary>
/// A filter and page request against the index shards of one kind. <c>Search</c>: text the entry's id or one of its
/// terms must contain, without case; <c>Since</c> and <c>Until</c>: the entry's last event time is at or after the one
/// and before the other.
/// </summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.IndexQuery")]
public sealed record IndexQuery(
    [property: Id(0)] string? Status,
    [property: Id(1)] string? Provider,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Facets,
    [property: Id(3)] IndexPosition? After,
    [property: Id(4)] int Limit,
    [property: Id(5)] string? Search = null,
    [property: Id(6)] DateTimeOffset? Since = null,
    [property: Id(7)] DateTimeOffset? Until = null)
{
    /// <summary>Whether <paramref name="entry"/> passes the search and the time window (its last event time).</summary>
    public bool Admits<TItem>(IndexEntry<TItem> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (string.IsNullOrEmpty(Search) || entry.Mentions(Search))
            && (Since is not { } since || entry.UpdatedAt >= since)
            && (Until is not { } until || entry.UpdatedAt < until);
    }
}

/// <summary>Counts of one shard (or, summed, of one kind): total, by status, and by each facet's values.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.IndexCounts")]
public sealed record IndexCounts(
    [property: Id(0)] int Total,
    [property: Id(1)] IReadOnlyDictionary<string, int> ByStatus,
    [property: Id(2)] IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByFacet)
{
    public static IndexCounts Empty { get; } = new(0, new Dictionary<string, int>(), new Dictionary<string, IReadOnlyDictionary<string, int>>());

    /// <summary>The sum of several shards' counts.</summary>
    public static IndexCounts Sum(IEnumerable<IndexCounts> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var total = 0;
        var byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byFacet = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            total += part.Total;
            foreach (var (status, count) in part.ByStatus)
            {
                byStatus[status] = byStatus.GetValueOrDefault(status) + count;
            }

            foreach (var (facet, values) in part.ByFacet)
            {
                var sums = byFacet.TryGetValue(facet, out var existing) ? existing : byFacet[facet] = new(StringComparer.Ordinal);
                foreach (var (value, count) in values)
                {
                    sums[value] = sums.GetValueOrDefault(value) + count;
                }
            }
        }

        return new IndexCounts(total, byStatus, byFacet.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, int>)f.Value, StringComparer.Ordinal));
    }
}

/// <summary>One entity changed: what the live stream (<c>GET /api/stream</c>) sends.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.EntityChangeNotice")]
public sealed record EntityChangeNotice(
    [property: Id(0)] EntityKind Kind,
    [property: Id(1)] string Provider,
    [property: Id(2)] string Id,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset At);

/// <summary>
/// An entity's health changed (servers: <c>healthy</c>, <c>degraded</c>, <c>down</c>, <c>offline</c>): what the live
/// stream sends as a <c>health</c> event. <paramref name="At"/> is the time of the event that changed it, or, when the
/// tracker's clock did (a server fell silent), the time the index noticed.
/// </summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.HealthChangeNotice")]
public sealed record HealthChangeNotice(
    [property: Id(0)] EntityKind Kind,
    [property: Id(1)] string Provider,
    [property: Id(2)] string Id,
    [property: Id(3)] string Health,
    [property: Id(4)] string? HealthReason,
    [property: Id(5)] string? Previous,
    [property: Id(6)] DateTimeOffset At);
