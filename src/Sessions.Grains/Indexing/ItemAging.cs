using Sessions.Abstractions.Indexing;

namespace Sessions.Grains.Indexing;

/// <summary>
/// An <see cref="IEntryAging{TItem}"/> whose rule is a pure function of the list item and the clock (a rule of
/// <c>Sessions.Abstractions</c>, which the entity GET applies too): the entry is refiled only when the rule changes
/// the item, with what the item's new state means for its status, facets and retention.
/// </summary>
public abstract class ItemAging<TItem> : IEntryAging<TItem>
    where TItem : class
{
    public abstract TimeSpan? SweepInterval { get; }

    public IndexEntry<TItem> AsOf(IndexEntry<TItem> entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var item = Judge(entry.Item, now);
        return ReferenceEquals(item, entry.Item) ? entry : Refile(entry, item);
    }

    /// <summary>The item as it stands at <paramref name="now"/>; the same instance when the rule changes nothing.</summary>
    protected abstract TItem Judge(TItem item, DateTimeOffset now);

    /// <summary>The entry filed with <paramref name="item"/>, which the rule changed.</summary>
    protected abstract IndexEntry<TItem> Refile(IndexEntry<TItem> entry, TItem item);
}
