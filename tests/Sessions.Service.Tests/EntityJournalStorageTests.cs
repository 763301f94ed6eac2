using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>
/// The entity journal in the real databases: appends of many entities share commits, a taken version stores nothing
/// (not even its request's raw log row), trims keep what a snapshot does not hold, and shards learn what changed.
/// </summary>
public sealed class EntityJournalStorageTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-30T12:00:00.123Z", CultureInfo.InvariantCulture);

    /// <summary>SQLite mode's heads saved as in the service, its trims run in the commit that takes them.</summary>
    private static readonly SqliteUpkeep TrimsAtOnce = SqliteUpkeep.Default with { TrimEvery = TimeSpan.Zero };

    [Fact]
    public async Task SqliteJournalKeepsEveryVersionOnceWithItsRequest()
    {
        using var folder = new TempDirectory("journal");
        await AssertJournalAsync("sqlite", folder.SqliteConnectionString);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresJournalKeepsEveryVersionOnceWithItsRequest() =>
        await AssertJournalAsync("postgres", await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken));

    [Fact]
    public async Task SqliteJournalWrittenBeforeItMovedToAppendOrderIsKeptWholeAndStillFenced()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-moved");

        // A database as the version before the move left it: the scripts up to 0008 applied and recorded, and a journal
        // written in their layout (clustered by entity and version).
        await using (var dataSource = StorageDataSource.Create(StorageMode.Sqlite, folder.SqliteConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
            await connection.ExecuteAsync("CREATE TABLE SessionsSchemaHistory (Script VARCHAR(200) NOT NULL PRIMARY KEY, Sha256 CHAR(64) NOT NULL, AppliedAt VARCHAR(40) NOT NULL)");
            foreach (var (name, sql) in SchemaMigrator.Scripts(StorageMode.Sqlite).Where(s => string.CompareOrdinal(s.Name, "0009") < 0))
            {
                await connection.ExecuteAsync(sql);
                await connection.ExecuteAsync("INSERT INTO SessionsSchemaHistory VALUES ($1, $2, '2026-12-01T00:00:00Z')",
                    name, SchemaMigrator.Digest(sql));
            }

            foreach (var (key, version) in new (string, long)[] { ("gw-1", 1), ("gw-2", 1), ("gw-1", 2), ("gw-1", 3) })
            {
                await connection.ExecuteAsync("INSERT INTO SessionsJournal VALUES ('sessions', 'server', $1, $2, $3, $4)",
                    $"liveswitch/{key}", version, At.ToUnixTimeMilliseconds(), CanonicalJson.Serialize(Entry(version, key, (int)version).Event!));
            }
        }

        await using var storage = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
        var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);

        var gw1 = await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-1", 1, cancellationToken);
        Assert.Equal([2L, 3L], gw1.Select(e => e.Version));
        Assert.Equal(CanonicalJson.Serialize(Entry(3, "gw-1", 3).Event!), CanonicalJson.Serialize(gw1[1].Event!));
        Assert.Single(await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-2", 0, cancellationToken));
        await Assert.ThrowsAsync<JournalConflictException>(() =>
            journal.AppendAsync(EntityKind.Server, "liveswitch/gw-1", Entry(3, "gw-1", 30), request: null));
        await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-1", Entry(4, "gw-1", 40), request: null);
        Assert.Equal([1L, 2L, 3L, 4L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-1", 0, cancellationToken)).Select(e => e.Version));
    }

    [Fact]
    public async Task SqliteJournalFindsEveryEntitysLatestRowAfterARestartWhetherItsHeadWasSavedOrNot()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-heads");

        // A first run saves the heads with every commit: gw-a ends at version 2, saved.
        await using (var first = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { SaveHeadsEvery = TimeSpan.Zero, TrimEvery = TimeSpan.Zero }))
        {
            var journal = new AdoNetEntityJournal(first.DataSource, first.Commits, first.Settings);
            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(1, "gw-a", 1), request: null);
            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(2, "gw-a", 2), request: null);
        }

        // A second run saves no heads before it stops answering (a crash: it is never shut down here): gw-a moves on to
        // version 3 and is trimmed below it, gw-b is new.
        var crashed = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { SaveHeadsEvery = TimeSpan.FromHours(1), TrimEvery = TimeSpan.Zero });
        try
        {
            var journal = new AdoNetEntityJournal(crashed.DataSource, crashed.Commits, crashed.Settings);
            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(3, "gw-a", 3), request: null);
            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-b", Entry(1, "gw-b", 1), request: null);
            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 3);

            // The next start finds the heads the crash did not save among the rows after the saved ones.
            await using var next = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
            var restarted = new AdoNetEntityJournal(next.DataSource, next.Commits, next.Settings);
            Assert.Equal([3L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));
            Assert.Equal([1L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-b", 0, cancellationToken)).Select(e => e.Version));
            await Assert.ThrowsAsync<JournalConflictException>(() =>
                restarted.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(3, "gw-a", 30), request: null));
            await Assert.ThrowsAsync<JournalConflictException>(() =>
                restarted.AppendAsync(EntityKind.Server, "liveswitch/gw-b", Entry(1, "gw-b", 10), request: null));
            await restarted.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(4, "gw-a", 4), request: null);
            Assert.Equal([3L, 4L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));
        }
        finally
        {
            await crashed.DisposeAsync();
        }
    }

    [Fact]
    public async Task SqliteJournalRunsWaitingTrimsInLaterCommitsOldestRowFirstAndReadsAboveTheSnapshotMeanwhile()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-trims");
        var trimEvery = TimeSpan.FromMilliseconds(300);
        await using var storage = await MigratedStorage.OpenAsync(
            "sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { TrimEvery = trimEvery, RowsRemovedPerCommit = 1 });
        var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
        foreach (var id in (string[])["gw-a", "gw-b"])
        {
            for (var version = 1; version <= 3; version++)
            {
                await journal.AppendAsync(EntityKind.Server, $"liveswitch/{id}", Entry(version, id, version), request: null);
            }
        }

        // A snapshot at version 2 of each: the trims are accepted at once; an activation reads above the snapshot, trimmed or not.
        var waiting = Stopwatch.StartNew();
        await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 2);
        await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-b", 2);
        Assert.Equal([3L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 2, cancellationToken)).Select(e => e.Version));

        // Once due, the next commit (here gw-c's first event) finds the rows of both and removes the oldest (one a
        // commit here); the commit after it the next.
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (trimEvery - waiting.Elapsed + TimeSpan.FromMilliseconds(100)).Ticks)), cancellationToken);
        await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-c", Entry(1, "gw-c", 1), request: null);
        Assert.Equal([2L, 3L], await VersionsAsync("gw-a"));
        Assert.Equal([1L, 2L, 3L], await VersionsAsync("gw-b"));
        await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-c", Entry(2, "gw-c", 2), request: null);
        Assert.Equal([2L, 3L], await VersionsAsync("gw-b"));

        async Task<IEnumerable<long>> VersionsAsync(string id) =>
            (await journal.ReadAsync(EntityKind.Server, $"liveswitch/{id}", 0, cancellationToken)).Select(e => e.Version);
    }

    private static async Task AssertJournalAsync(string mode, string connectionString)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var storage = await MigratedStorage.OpenAsync(mode, connectionString, TrimsAtOnce);
        var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
        var rawLog = new AdoNetRawWebhookLog(storage.DataSource, storage.Commits, storage.Gate);

        // Forty entities at once, each with its request row, and a request row of its own (a webhook of several
        // events, stored after them): they go down in shared commits.
        await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(n => journal.AppendAsync(EntityKind.Server, $"liveswitch/gw-{n}", Entry(1, $"gw-{n}", 0), Request($"gw-{n}")))
            .Append(rawLog.AppendAsync(Request("several events"), cancellationToken)));
        await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-0", Entry(2, "gw-0", 5), Request("gw-0 again"));

        // Version 2 of gw-0 is taken: nothing of this append is stored, the rest of its commit is.
        var taken = journal.AppendAsync(EntityKind.Server, "liveswitch/gw-0", Entry(2, "gw-0", 9), Request("loser"));
        var beside = journal.AppendAsync(EntityKind.Server, "liveswitch/gw-1", Entry(2, "gw-1", 9), Request("beside"));
        await Assert.ThrowsAsync<JournalConflictException>(() => taken);
        await beside;

        var gw0 = await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-0", 0, cancellationToken);
        Assert.Equal([1L, 2L], gw0.Select(e => e.Version));
        Assert.Equal(At.AddSeconds(5), gw0[1].Event!.OccurredAt);
        Assert.Equal(At, gw0[1].RecordedAt);
        Assert.Equal(CanonicalJson.Serialize(Entry(2, "gw-0", 5).Event!), CanonicalJson.Serialize(gw0[1].Event!));
        var rows = await rawLog.ReadAsync("liveswitch", null, 100, cancellationToken);
        Assert.Equal(43, rows.Count);
        Assert.Contains(rows, r => Encoding.UTF8.GetString(r.Body.Span) == "several events");
        Assert.DoesNotContain(rows, r => Encoding.UTF8.GetString(r.Body.Span) == "loser");

        // Two appends of one version at once (two activations racing, often in one commit): one is stored with its
        // request row, the other fails alone and leaves nothing.
        Task[] racers =
        [
            journal.AppendAsync(EntityKind.Server, "liveswitch/gw-2", Entry(2, "gw-2", 7), Request("racer 7")),
            journal.AppendAsync(EntityKind.Server, "liveswitch/gw-2", Entry(2, "gw-2", 8), Request("racer 8")),
        ];
        await Task.WhenAll(racers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var winner = Assert.Single(racers, r => r.IsCompletedSuccessfully) == racers[0] ? 7 : 8;
        Assert.IsType<JournalConflictException>(Assert.Single(racers, r => r.IsFaulted).Exception?.InnerException);
        var gw2 = await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-2", 1, cancellationToken);
        Assert.Equal(At.AddSeconds(winner), Assert.Single(gw2).Event!.OccurredAt);
        var racerRows = (await rawLog.ReadAsync("liveswitch", null, 100, cancellationToken))
            .Where(r => Encoding.UTF8.GetString(r.Body.Span).StartsWith("racer", StringComparison.Ordinal));
        Assert.Equal($"racer {winner}", Encoding.UTF8.GetString(Assert.Single(racerRows).Body.Span));

        // A tombstone and a trim: the entries below the kept version go, the latest stays.
        await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-0", new JournalEntry(3, At.AddDays(1), Event: null), request: null);
        await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-0", 3);
        var left = Assert.Single(await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-0", 0, cancellationToken));
        Assert.Equal((3L, (CanonicalEvent?)null), (left.Version, left.Event));
        Assert.Empty(await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-0", 3, cancellationToken));

        Assert.Equal(["liveswitch/gw-0"], await journal.KeysChangedSinceAsync(EntityKind.Server, At.AddHours(1), cancellationToken));
        Assert.Equal(40, (await journal.KeysChangedSinceAsync(EntityKind.Server, At, cancellationToken)).Count);
        Assert.Empty(await journal.KeysChangedSinceAsync(EntityKind.Session, At, cancellationToken));
    }

    private static JournalEntry Entry(long version, string id, int seconds) => new(version, At, new CanonicalEvent
    {
        Type = "mediaserver.registered",
        Provider = "liveswitch",
        Kind = EntityKind.Server,
        EntityId = id,
        OccurredAt = At.AddSeconds(seconds),
        DedupeKey = $"{id}:{version}:{seconds}",
        Change = new ServerStateChanged("mediaserver", ServerStatus.Registered, new ServerInfo(MachineName: "m", Addresses: ["10.0.0.1"])),
    });

    private static RawWebhook Request(string body) => new(
        0, "liveswitch", "liveswitch", At, new Dictionary<string, string> { ["content-type"] = "application/json" }, Encoding.UTF8.GetBytes(body),
        [new EventOutcome("mediaserver.registered", "server/liveswitch/x", "applied")]);
}
