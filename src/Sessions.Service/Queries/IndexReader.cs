using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Hosting;
using Sessions.Abstractions.Indexing;

namespace Sessions.Service.Queries;

/// <summary>One page of a list: the items and, when there are more, the cursor that continues after the last one.</summary>
public sealed record Page<TItem>(IReadOnlyList<TItem> Items, string? NextCursor);

/// <summary>Reads the index shards of one kind in parallel and merges their answers: lists by cursor, and counts; and sweeps what is past retention.</summary>
public sealed class IndexReader(IGrainFactory grains)
{
    /// <summary>Entities asked to expire at once: enough to keep storage busy without queueing the silo behind a sweep.</summary>
    private const int SweepConcurrency = 8;

    /// <summary>Due keys fetched per call to a shard.</summary>
    private const int SweepPageSize = 500;

    /// <summary>
    /// One page of entries matching the filter (and <paramref name="search"/>, when given), newest first, continuing
    /// after <paramref name="cursor"/>. Each shard filters before it cuts its page, so every page is full while more match.
    /// </summary>
    public async Task<Page<TItem>> ListAsync<TItem>(
        string? status, string? provider, IReadOnlyDictionary<string, string>? facets, string? cursor, int limit, ListSearch? search = null)
    {
        // One more than asked tells whether another page exists.
        var query = new IndexQuery(
            status, provider, facets is { Count: > 0 } ? facets : null, DecodeCursor(cursor), limit + 1,
            string.IsNullOrEmpty(search?.Q) ? null : search.Q, search?.Since, search?.Until);
        var answers = await Task.WhenAll(Shards<TItem>().Select(s => s.ListAsync(query)));
        var merged = answers.SelectMany(a => a).Order(Comparer<IndexEntry<TItem>>.Create((a, b) => a.Position.CompareTo(b.Position))).ToList();
        var items = merged.Take(limit).ToList();
        var next = merged.Count > limit ? EncodeCursor(items[^1].Position) : null;
        return new Page<TItem>([.. items.Select(e => e.Item)], next);
    }

    /// <summary>The counts of one kind, summed over its shards.</summary>
    public async Task<IndexCounts> CountAsync<TItem>() =>
        IndexCounts.Sum(await Task.WhenAll(Shards<TItem>().Select(s => s.CountAsync())));

    /// <summary>
    /// Asks every entity of one kind finished before <paramref name="finishedBefore"/> to remove its state, a few at a
    /// time, and returns how many did. The shards only list who is due, so none of them waits on an entity; each
    /// entity that expires tells its shard to forget it.
    /// </summary>
    public async Task<int> SweepAsync<TItem>(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        var kind = SnapshotKinds.Of<TItem>();
        var removed = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = SweepConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(FinishedKeysAsync<TItem>(finishedBefore), options, async (key, _) =>
        {
            if (await grains.GetByKey(kind, key).ExpireAsync(finishedBefore))
            {
                Interlocked.Increment(ref removed);
            }
        });
        return removed;
    }

    /// <summary>Every shard of one kind.</summary>
    public IEnumerable<IIndexShardGrain<TItem>> Shards<TItem>() =>
        Enumerable.Range(0, IndexShards.Count).Select(n => grains.Reference<IIndexShardGrain<TItem>>(IndexShards.Key(SnapshotKinds.Of<TItem>(), n)));

    /// <summary>The keys of one kind's entities finished before <paramref name="finishedBefore"/>, shard by shard, a page at a time.</summary>
    private async IAsyncEnumerable<string> FinishedKeysAsync<TItem>(DateTimeOffset finishedBefore)
    {
        foreach (var shard in Shards<TItem>())
        {
            string? after = null;
            IReadOnlyList<string> page;
            do
            {
                page = await shard.ListFinishedAsync(finishedBefore, after, SweepPageSize);
                foreach (var key in page)
                {
                    yield return key;
                }

                after = page.Count > 0 ? page[^1] : null;
            }
            while (page.Count == SweepPageSize);
        }
    }

    /// <summary>An opaque cursor: Base64url of the position's time and key.</summary>
    public static string EncodeCursor(IndexPosition position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{position.CreatedAt.UtcTicks}:{position.Key}")));

    /// <summary>The position a cursor names; throws <see cref="FormatException"/> for anything this service did not issue.</summary>
    public static IndexPosition? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                return new IndexPosition(new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Falls through to the one message below.
        }

        throw new FormatException("cursor is not one this service issued; pass nextCursor from the previous page unchanged");
    }
}
