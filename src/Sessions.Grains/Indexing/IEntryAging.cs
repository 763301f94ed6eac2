using Sessions.Abstractions.Indexing;

namespace Sessions.Grains.Indexing;

/// <summary>
/// What the tracker's clock does to a kind's index entries, applied by the index shard when an entry is filed, when the
/// shard loads, and on a sweep every <see cref="SweepInterval"/>: the one place where time, not a provider event, moves
/// an entity (a server that falls silent). No timer per entity: one sweep per shard.
/// </summary>
/// <typeparam name="TItem">The kind's snapshot type.</typeparam>
public interface IEntryAging<TItem>
{
    /// <summary>How often a shard sweeps its entries; null when time changes nothing for this kind (no sweep at all).</summary>
    TimeSpan? SweepInterval { get; }

    /// <summary>The entry as it stands at <paramref name="now"/>; the same instance when time changes nothing in it.</summary>
    IndexEntry<TItem> AsOf(IndexEntry<TItem> entry, DateTimeOffset now);
}

/// <summary>For kinds whose entries only events move.</summary>
public sealed class NoAging<TItem> : IEntryAging<TItem>
{
    public TimeSpan? SweepInterval => null;

    public IndexEntry<TItem> AsOf(IndexEntry<TItem> entry, DateTimeOffset now) => entry;
}
