using CsCheck;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Canonical;
using Sessions.Grains.Indexing;

namespace Sessions.Grains.Tests.Indexing;

/// <summary>The pure index of one shard, without a cluster: versions, removals, counts, filtered lists, cursors, retention.</summary>
public sealed class ShardIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Statuses = ["active", "ended", "failed"];
    private static readonly string[] HealthFilters = ["down", "HEALTHY"];

    [Fact]
    public void ReclassifyRefilesWhatTheClockChangesInCountsAndFiltersAndMarksOnlyThoseToSave()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("a", facets: [("health", "healthy")]));
        index.Upsert(Entry("b", facets: [("health", "healthy")]));
        index.ChangesSaved(inPlaceToo: true);

        var changed = index.Reclassify(e => e.Id == "a" ? e with { Facets = new Dictionary<string, string> { ["health"] = "down" } } : e);

        Assert.Equal([("healthy", "down")], changed.Select(c => (c.Before.Facets["health"], c.After.Facets["health"])));
        Assert.Equal(new Dictionary<string, int> { ["healthy"] = 1, ["down"] = 1 }, index.Counts().ByFacet["health"]);
        Assert.Equal(["a"], Ids(index.List(Query(facets: new() { ["health"] = "down" }))));
        Assert.Equal(["a"], index.Changes(inPlaceToo: true).Upserted.Select(e => e.Id));
        index.ChangesSaved(inPlaceToo: true);
        Assert.Empty(index.Reclassify(e => e));
        Assert.False(index.HasChangesToSave(inPlaceToo: true));
    }

    [Fact]
    public void SearchAndLastEventWindowFilterBeforeThePageIsCut()
    {
        var index = new ShardIndex<string>();
        for (var i = 0; i < 20; i++)
        {
            // Every fourth entry has a participant called Ada; entry i last heard at minute i; an entry filed before
            // searches existed has no terms and is found by its id only.
            index.Upsert(Entry($"s{i:00}", createdMinute: i, facets: [("health", "down")]) with
            {
                UpdatedAt = T0.AddMinutes(i),
                Terms = i % 4 == 0 ? ["Ada Lovelace", "p-1"] : i == 1 ? null : ["Stand-up"],
            });
        }

        var search = Query(limit: 2) with { Search = "ADA" };
        var first = index.List(search);
        Assert.Equal(["s16", "s12"], Ids(first));
        Assert.Equal(["s08", "s04"], Ids(index.List(search with { After = first[^1].Position })));
        Assert.Equal(["s16", "s12"], Ids(index.List(search with { Facets = new Dictionary<string, string> { ["health"] = "down" } })));
        Assert.Equal(["s01"], Ids(index.List(Query() with { Search = "s01" })));

        var window = Query() with { Since = T0.AddMinutes(5), Until = T0.AddMinutes(9) };
        Assert.Equal(["s08", "s07", "s06", "s05"], Ids(index.List(window)));
        Assert.Equal(["s08"], Ids(index.List(window with { Search = "lovelace" })));
    }

    [Fact]
    public void NewerVersionRefilesAndAnOlderOrEqualOneIsIgnored()
    {
        var index = new ShardIndex<string>();

        Assert.True(index.Upsert(Entry("s1", version: 2, status: "active")));
        Assert.False(index.Upsert(Entry("s1", version: 1, status: "ended")));
        Assert.False(index.Upsert(Entry("s1", version: 2, status: "ended")));
        Assert.Equal(["s1"], Ids(index.List(Query(status: "active"))));
        Assert.Empty(index.List(Query(status: "ended")));

        Assert.True(index.Upsert(Entry("s1", version: 3, status: "ended")));
        Assert.Equal(["s1"], Ids(index.List(Query(status: "ended"))));
        Assert.Empty(index.List(Query(status: "active")));
        Assert.Equal(new Dictionary<string, int> { ["ended"] = 1 }, index.Counts().ByStatus);
    }

    [Fact]
    public void RemovalForgetsAnEntryOnlyWhenNoNewerVersionIsHeld()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("s1", version: 5, facets: [("health", "down")]));

        Assert.False(index.Remove(Key("s1"), 4));
        Assert.Equal(["s1"], Ids(index.List(Query())));

        Assert.True(index.Remove(Key("s1"), 5));
        Assert.Empty(index.List(Query()));
        Assert.Empty(index.List(Query(facets: new() { ["health"] = "down" })));
        Assert.Equal((0, 0, 0), (index.Counts().Total, index.Counts().ByStatus.Count, index.Counts().ByFacet.Count));
        Assert.False(index.Remove(Key("never-filed"), long.MaxValue));
    }

    [Fact]
    public void CountsByStatusAndFacetFollowRefilesAndLeaveOutEmptyValues()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("a", status: "registered", facets: [("health", "healthy"), ("region", "eu")]));
        index.Upsert(Entry("b", status: "registered", facets: [("health", "down"), ("region", "eu")]));
        index.Upsert(Entry("c", status: "stopped", facets: [("health", "down"), ("region", "us")]));
        index.Upsert(Entry("b", version: 2, status: "registered", facets: [("health", "healthy"), ("region", "eu")]));

        var counts = index.Counts();

        Assert.Equal(3, counts.Total);
        Assert.Equal(new Dictionary<string, int> { ["registered"] = 2, ["stopped"] = 1 }, counts.ByStatus);
        Assert.Equal(new Dictionary<string, int> { ["healthy"] = 2, ["down"] = 1 }, counts.ByFacet["health"]);
        Assert.Equal(new Dictionary<string, int> { ["eu"] = 2, ["us"] = 1 }, counts.ByFacet["region"]);
    }

    [Fact]
    public void ListsFilterByStatusAndProviderNewestFirst()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("old", provider: "acme", status: "active", createdMinute: 1));
        index.Upsert(Entry("new", provider: "acme", status: "active", createdMinute: 9));
        index.Upsert(Entry("ended", provider: "acme", status: "ended", createdMinute: 5));
        index.Upsert(Entry("other", provider: "dyte", status: "active", createdMinute: 7));

        Assert.Equal(["new", "old"], Ids(index.List(Query(status: "active", provider: "acme"))));
        Assert.Equal(["new", "other", "old"], Ids(index.List(Query(status: "active"))));
        Assert.Equal(["new", "ended", "old"], Ids(index.List(Query(provider: "acme"))));
        Assert.Equal(["new", "other"], Ids(index.List(Query(status: "active", limit: 2))));
    }

    [Fact]
    public void FacetFilterMatchesValuesWithoutCase()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("a", facets: [("health", "Down")], createdMinute: 2));
        index.Upsert(Entry("b", facets: [("health", "down")], createdMinute: 1));
        index.Upsert(Entry("c", facets: [("health", "healthy")]));

        Assert.Equal(["a", "b"], Ids(index.List(Query(facets: new() { ["health"] = "DOWN" }))));
        Assert.Empty(index.List(Query(facets: new() { ["Health"] = "down" })));
        Assert.Empty(index.List(Query(facets: new() { ["health"] = "degraded" })));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SeveralFacetsListOnlyEntriesMatchingAllWhicheverValueIsRarer(bool regionIsRarer)
    {
        var index = new ShardIndex<string>();
        bool IsEu(int i) => regionIsRarer ? i % 5 == 0 : i % 2 == 0;
        bool IsMedia(int i) => regionIsRarer ? i % 2 == 0 : i % 5 == 0;
        for (var i = 0; i < 20; i++)
        {
            index.Upsert(Entry($"e{i:00}", createdMinute: i, facets: [("region", IsEu(i) ? "eu" : "us"), ("role", IsMedia(i) ? "media" : "sip")]));
        }

        var euMedia = Query(facets: new() { ["region"] = "eu", ["role"] = "media" });

        Assert.Equal(["e10", "e00"], Ids(index.List(euMedia)));
        Assert.Equal(["e10"], Ids(index.List(euMedia with { Limit = 1 })));
        Assert.Equal(
            Enumerable.Range(0, 20).Where(i => IsEu(i) && !IsMedia(i)).Select(i => $"e{i:00}").Reverse(),
            Ids(index.List(Query(facets: new() { ["region"] = "eu", ["role"] = "sip" }))));
        Assert.Empty(index.List(Query(facets: new() { ["region"] = "eu", ["role"] = "recorder" })));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("active", null)]
    [InlineData(null, "region")]
    public void CursorsPageThroughEveryEntryOnceInListOrder(string? status, string? facet)
    {
        var index = new ShardIndex<string>();
        for (var i = 0; i < 23; i++)
        {
            // Several entries share a creation time, so the key breaks ties.
            index.Upsert(Entry($"s{i:00}", status: i % 3 == 0 ? "ended" : "active", createdMinute: i % 4, facets: [("region", i % 2 == 0 ? "eu" : "EU")]));
        }

        var query = Query(status: status, facets: facet is null ? null : new() { [facet] = "eu" }, limit: 5);
        var all = index.List(query with { Limit = 100 });
        var paged = new List<IndexEntry<string>>();
        IndexPosition? after = null;
        do
        {
            var page = index.List(query with { After = after });
            Assert.True(page.Count <= 5);
            paged.AddRange(page);
            after = page.Count == 5 ? page[^1].Position : null;
        }
        while (after is not null);

        Assert.Equal(status is null ? 23 : 15, all.Count);
        Assert.Equal(Ids(all), Ids(paged));
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
    }

    [Fact]
    public void ChangesHoldWhatToStoreUntilSaved()
    {
        var index = new ShardIndex<string>();
        index.Load(Entry("stored", version: 3));
        Assert.False(index.HasChangesToSave(inPlaceToo: true));

        index.Upsert(Entry("a"));
        index.Upsert(Entry("b"));
        index.Remove(Key("b"), 1);
        index.Remove(Key("stored"), 3);
        index.Upsert(Entry("a", version: 2, status: "ended"));
        var (upserted, removed) = index.Changes(inPlaceToo: true);

        Assert.Equal([("a", 2L)], upserted.Select(e => (e.Id, e.Version)));
        Assert.Equal([Key("b"), Key("stored")], removed.Order(StringComparer.Ordinal));

        index.ChangesSaved(inPlaceToo: true);
        Assert.False(index.HasChangesToSave(inPlaceToo: true));
        index.Upsert(Entry("a", version: 1));
        Assert.False(index.HasChangesToSave(inPlaceToo: true));
        index.Upsert(Entry("stored", version: 4));
        Assert.Equal([Key("stored")], index.Changes(inPlaceToo: true).Upserted.Select(e => e.Key));
        Assert.Empty(index.Changes(inPlaceToo: true).Removed);
    }

    [Fact]
    public void AnEntryRefiledInPlaceIsSavedOnlyWhenInPlaceChangesAreAskedFor()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("quiet"));
        index.Upsert(Entry("moved"));
        index.ChangesSaved(inPlaceToo: true);

        // A later event of the same status and facets (only its time moved) against one that changed status.
        index.Upsert(Entry("quiet", version: 2) with { UpdatedAt = T0.AddMinutes(1) });
        index.Upsert(Entry("moved", version: 2, status: "ended"));

        Assert.Equal(["moved"], index.Changes(inPlaceToo: false).Upserted.Select(e => e.Id));
        index.ChangesSaved(inPlaceToo: false);
        Assert.False(index.HasChangesToSave(inPlaceToo: false));
        Assert.True(index.HasChangesToSave(inPlaceToo: true));

        // Refiled in place again, then moved: it is due with the next save of any kind, at its latest version.
        index.Upsert(Entry("quiet", version: 3) with { UpdatedAt = T0.AddMinutes(2) });
        Assert.Equal([("quiet", 3L)], index.Changes(inPlaceToo: true).Upserted.Select(e => (e.Id, e.Version)));
        index.Upsert(Entry("quiet", version: 4, status: "ended"));
        Assert.Equal([("quiet", 4L)], index.Changes(inPlaceToo: false).Upserted.Select(e => (e.Id, e.Version)));
        index.ChangesSaved(inPlaceToo: false);
        Assert.False(index.HasChangesToSave(inPlaceToo: true));

        // A removal takes it out of the in-place changes too.
        index.Upsert(Entry("moved", version: 3));
        index.ChangesSaved(inPlaceToo: true);
        index.Upsert(Entry("moved", version: 4));
        Assert.True(index.HasChangesToSave(inPlaceToo: true));
        index.Remove(Key("moved"), 4);
        var (upserted, removed) = index.Changes(inPlaceToo: true);
        Assert.Empty(upserted);
        Assert.Equal([Key("moved")], removed);
    }

    [Fact]
    public void FinishedListsKeysDueBeforeTheCutoffInKeyOrderAfterTheCursor()
    {
        var index = new ShardIndex<string>();
        index.Upsert(Entry("d", finishedMinute: 1));
        index.Upsert(Entry("b", finishedMinute: 2));
        index.Upsert(Entry("a", finishedMinute: 3));
        index.Upsert(Entry("c", finishedMinute: 10));
        index.Upsert(Entry("e"));
        var cutoff = T0.AddMinutes(10);

        Assert.Equal([Key("a"), Key("b")], index.Finished(cutoff, null, 2));
        Assert.Equal([Key("d")], index.Finished(cutoff, Key("b"), 2));
        Assert.Empty(index.Finished(cutoff, Key("d"), 2));
        Assert.Empty(index.Finished(T0.AddMinutes(1), null, 10));
    }

    [Fact]
    public void CountsAndListsAlwaysAgreeWithTheEntriesHeld()
    {
        var upsert = Gen.Select(
            Gen.Int[0, 7], Gen.Long[0, 4], Gen.OneOf(Statuses), Gen.OneOf<string?>(null, "down", "Down", "healthy"), Gen.Int[0, 3],
            (key, version, status, health, minute) => new Op(false, key, version, status, health, minute));
        var remove = Gen.Select(Gen.Int[0, 7], Gen.Long[0, 4], (key, version) => new Op(true, key, version, "", null, 0));
        var ops = Gen.Frequency((3, upsert), (1, remove)).Array[0, 60];

        ops.Sample(sequence =>
        {
            var index = new ShardIndex<string>();
            var model = new Dictionary<string, IndexEntry<string>>(StringComparer.Ordinal);
            foreach (var op in sequence)
            {
                // Providers differ between keys, never between versions of one key.
                var provider = op.Key % 2 == 0 ? "acme" : "dyte";
                var key = Key($"k{op.Key}", provider);
                model.TryGetValue(key, out var held);
                if (op.Remove)
                {
                    index.Remove(key, op.Version);
                    if (held is not null && held.Version <= op.Version)
                    {
                        model.Remove(key);
                    }
                }
                else
                {
                    var entry = Entry($"k{op.Key}", op.Version, op.Status, provider, op.Minute, facets: op.Health is null ? [] : [("health", op.Health)]);
                    index.Upsert(entry);
                    if (held is null || held.Version < op.Version)
                    {
                        model[key] = entry;
                    }
                }
            }

            var listed = index.List(Query(limit: int.MaxValue));
            Assert.Equal(model.Values.OrderBy(e => e.Position), listed);
            AssertCountsAreARecountOf(listed, index.Counts());
            foreach (var status in Statuses)
            {
                Assert.Equal(listed.Where(e => e.Status == status), index.List(Query(status: status, limit: int.MaxValue)));
            }

            foreach (var health in HealthFilters)
            {
                Assert.Equal(
                    listed.Where(e => e.Facets.TryGetValue("health", out var value) && value.Equals(health, StringComparison.OrdinalIgnoreCase)),
                    index.List(Query(facets: new() { ["health"] = health }, limit: int.MaxValue)));
            }
        }, iter: 500);
    }

    private static void AssertCountsAreARecountOf(IReadOnlyList<IndexEntry<string>> entries, IndexCounts counts)
    {
        Assert.Equal(entries.Count, counts.Total);
        Assert.Equal(
            entries.GroupBy(e => e.Status, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).Order(),
            counts.ByStatus.Select(c => (c.Key, c.Value)).Order());
        Assert.Equal(
            entries.SelectMany(e => e.Facets).GroupBy(f => (f.Key, f.Value)).Select(g => (g.Key.Key, g.Key.Value, g.Count())).Order(),
            counts.ByFacet.SelectMany(f => f.Value.Select(v => (f.Key, v.Key, v.Value))).Order());
    }

    private static string Key(string id, string provider = "acme") => EntityKey.Of(provider, id);

    private static List<string> Ids(IEnumerable<IndexEntry<string>> entries) => [.. entries.Select(e => e.Id)];

    private static IndexQuery Query(string? status = null, string? provider = null, Dictionary<string, string>? facets = null, int limit = 100) =>
        new(status, provider, facets, null, limit);

    private static IndexEntry<string> Entry(
        string id,
        long version = 1,
        string status = "active",
        string provider = "acme",
        int createdMinute = 0,
        int? finishedMinute = null,
        (string Facet, string Value)[]? facets = null) =>
        new(
            EntityKind.Session,
            provider,
            id,
            status,
            (facets ?? []).ToDictionary(f => f.Facet, f => f.Value, StringComparer.Ordinal),
            T0.AddMinutes(createdMinute),
            finishedMinute is { } minute ? T0.AddMinutes(minute) : null,
            version,
            T0,
            id);

    private sealed record Op(bool Remove, int Key, long Version, string Status, string? Health, int Minute);
}
