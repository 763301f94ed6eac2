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
    private static readonly SqliteUpkeep TrimsAtOnce = SqliteUpkeep.Default with { TrimEvery = TimeSpan.Zero, RemoveEvery = TimeSpan.Zero };

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
    [Trait("Category", "Postgres")]
    public async Task PostgresTrimsStartWhereTheirEntitysLastTrimEndedAndEverySilosTrimReachesEveryRowBelowIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync(cancellationToken);
        await using var first = await MigratedStorage.OpenAsync("postgres", connectionString);
        await using var second = await MigratedStorage.OpenAsync("postgres", connectionString);
        var one = new AdoNetEntityJournal(first.DataSource, first.Commits, first.Settings);
        var other = new AdoNetEntityJournal(second.DataSource, second.Commits, second.Settings);
        for (var version = 1; version <= 8; version++)
        {
            await one.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(version, "gw-a", version), request: null);
        }

        // Two snapshots in one silo: the second trim starts where the first ended, and every row below it goes.
        await one.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 3);
        await one.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 6);
        Assert.Equal([6L, 7L, 8L], (await one.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));

        // The entity moves to another silo (a membership change), which knows nothing of those trims, and back.
        await other.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(9, "gw-a", 9), request: null);
        await other.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 8);
        await one.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(10, "gw-a", 10), request: null);
        await one.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 10);
        Assert.Equal([10L], (await other.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));
    }

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
        Assert.Equal(["liveswitch/gw-1", "liveswitch/gw-2"], (await journal.KeysChangedSinceAsync(EntityKind.Server, At, cancellationToken)).Order());
        Assert.Empty(await journal.KeysChangedSinceAsync(EntityKind.Server, At.AddSeconds(1), cancellationToken));
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
        await using (var first = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { SaveHeadsEvery = TimeSpan.Zero, TrimEvery = TimeSpan.Zero, RemoveEvery = TimeSpan.Zero }))
        {
            var journal = new AdoNetEntityJournal(first.DataSource, first.Commits, first.Settings);
            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(1, "gw-a", 1), request: null);
            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(2, "gw-a", 2), request: null);
        }

        // A second run saves no heads before it stops answering (a crash: it is never shut down here): gw-a moves on to
        // version 3 and is trimmed below it, gw-b is new.
        var crashed = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { SaveHeadsEvery = TimeSpan.FromHours(1), TrimEvery = TimeSpan.Zero, RemoveEvery = TimeSpan.Zero });
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
    public async Task SqliteJournalKeepsTheRowsItsTrimsFoundUntilTheirRemovalRoundAndRemovesEveryOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-rounds");

        // Trims are found at once, but no removal round is due for an hour: the rows wait until the writer stops.
        await using (var storage = await MigratedStorage.OpenAsync(
            "sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { TrimEvery = TimeSpan.Zero, RemoveEvery = TimeSpan.FromHours(1) }))
        {
            var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
            for (var version = 1; version <= 6; version++)
            {
                await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(version, "gw-a", version), request: null);
                await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-b", Entry(version, "gw-b", version), request: null);
            }

            // Two snapshots of gw-a, the second while the first's rows still wait (its trim stops where the first's found
            // rows), and one of gw-b: every row stays readable meanwhile.
            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 3);
            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-b", 2);
            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 5);
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-b", 0, cancellationToken)).Select(e => e.Version));
            Assert.Equal([6L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 5, cancellationToken)).Select(e => e.Version));

            // gw-c hears twenty events in a row (rows 13 to 32 of the file) and is trimmed below 18: the rows its trim finds
            // close together (16 to 29, one block) go at once, the three before them (13 to 15) wait with the others.
            for (var version = 1; version <= 20; version++)
            {
                await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-c", Entry(version, "gw-c", version), request: null);
            }

            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-c", 18);
            await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
            Assert.Equal(
                ["1", "2", "3", "18", "19", "20"],
                await connection.RowsAsync("SELECT Version FROM SessionsJournal WHERE GrainKey = 'liveswitch/gw-c' ORDER BY Version"));
            Assert.Equal([18L, 19L, 20L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-c", 17, cancellationToken)).Select(e => e.Version));
        }

        // The round ran at the stop: every row below each entity's latest snapshot is gone, the rest are kept.
        await using var next = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
        var restarted = new AdoNetEntityJournal(next.DataSource, next.Commits, next.Settings);
        Assert.Equal([5L, 6L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));
        Assert.Equal([2L, 3L, 4L, 5L, 6L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-b", 0, cancellationToken)).Select(e => e.Version));
        await using var rows = await next.DataSource.OpenConnectionAsync(cancellationToken);
        Assert.Equal(
            ["liveswitch/gw-a 2", "liveswitch/gw-b 5", "liveswitch/gw-c 3"],
            await rows.RowsAsync("SELECT GrainKey, count(*) FROM SessionsJournal GROUP BY GrainKey ORDER BY GrainKey"));
    }

    [Fact]
    public async Task SqliteJournalFindsAPassOfTrimsAFewACommitAndRemovesEveryRowBelowEachSnapshot()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-pass");

        // Six trims wait for an hour, then run at the stop as one pass found two a commit: three commits, the removal
        // round after the last.
        await using (var storage = await MigratedStorage.OpenAsync(
            "sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { TrimEvery = TimeSpan.FromHours(1), RemoveEvery = TimeSpan.Zero, TrimsPerCommit = 2 }))
        {
            var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
            string[] fleet = ["gw-a", "gw-b", "gw-c", "gw-d", "gw-e"];
            for (var version = 1; version <= 4; version++)
            {
                foreach (var id in fleet)
                {
                    await journal.AppendAsync(EntityKind.Server, $"liveswitch/{id}", Entry(version, id, version), request: null);
                }
            }

            // gw-f hears twenty in a row: rows found close together, which the pass's end removes at once.
            for (var version = 1; version <= 20; version++)
            {
                await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-f", Entry(version, "gw-f", version), request: null);
            }

            foreach (var id in fleet)
            {
                await journal.TrimAsync(EntityKind.Server, $"liveswitch/{id}", 3);
            }

            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-f", 18);
            Assert.Equal([1L, 2L, 3L, 4L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-e", 0, cancellationToken)).Select(e => e.Version));
            Assert.Equal(20, (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-f", 0, cancellationToken)).Count);
        }

        await using var next = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
        var restarted = new AdoNetEntityJournal(next.DataSource, next.Commits, next.Settings);
        Assert.Equal([18L, 19L, 20L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-f", 0, cancellationToken)).Select(e => e.Version));
        await using var rows = await next.DataSource.OpenConnectionAsync(cancellationToken);
        Assert.Equal(
            ["liveswitch/gw-a 3 4", "liveswitch/gw-b 3 4", "liveswitch/gw-c 3 4", "liveswitch/gw-d 3 4", "liveswitch/gw-e 3 4", "liveswitch/gw-f 18 20"],
            await rows.RowsAsync("SELECT GrainKey, min(Version), max(Version) FROM SessionsJournal GROUP BY GrainKey ORDER BY GrainKey"));
        Assert.Equal(["13"], await rows.RowsAsync("SELECT count(*) FROM SessionsJournal"));
    }

    [Fact]
    public async Task SqliteJournalRunsWaitingTrimsWithoutFurtherWritesOldestRowFirstAndReadsAboveTheSnapshotMeanwhile()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-trims");
        await using var storage = await MigratedStorage.OpenAsync(
            "sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with
            {
                TrimEvery = TimeSpan.FromMilliseconds(400), RemoveEvery = TimeSpan.FromMilliseconds(400), RowsRemovedPerCommit = 1,
            });
        var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
        foreach (var id in (string[])["gw-a", "gw-b"])
        {
            for (var version = 1; version <= 3; version++)
            {
                await journal.AppendAsync(EntityKind.Server, $"liveswitch/{id}", Entry(version, id, version), request: null);
            }
        }

        // A snapshot at version 2 of each: the trims are accepted at once, and no write comes after them. Once due, the
        // writer commits for them alone, one row a commit here, the oldest row first (gw-a's); an activation reads above
        // the snapshot all along, trimmed or not.
        await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 2);
        await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-b", 2);
        var seen = new List<(bool A, bool B)>();
        var waited = Stopwatch.StartNew();
        while (seen.LastOrDefault() != (true, true))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"trims still waiting; seen {string.Join(", ", seen)}");
            Assert.Equal([3L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 2, cancellationToken)).Select(e => e.Version));
            var trimmed = (await TrimmedAsync("gw-a"), await TrimmedAsync("gw-b"));
            if (seen.Count == 0 || seen[^1] != trimmed)
            {
                seen.Add(trimmed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        Assert.Equal((false, false), seen[0]);
        Assert.DoesNotContain((false, true), seen);
        Assert.Equal([2L, 3L], (await journal.ReadAsync(EntityKind.Server, "liveswitch/gw-b", 0, cancellationToken)).Select(e => e.Version));

        async Task<bool> TrimmedAsync(string id) =>
            (await journal.ReadAsync(EntityKind.Server, $"liveswitch/{id}", 0, cancellationToken)).Select(e => e.Version).SequenceEqual([2L, 3L]);
    }

    [Fact]
    public async Task SqliteJournalFinishesAPassAndItsRemovalWithoutWritesAtEachIdleMomentNotOnceATrimEvery()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-idle");

        // Six trims, found one a commit, and twelve rows, removed one a commit: eighteen commits for upkeep alone. Were
        // they a TrimEvery (2 s) apart, the last would come after half a minute; at the writer's idle moments it is
        // done within seconds of the pass being due.
        await using var storage = await MigratedStorage.OpenAsync(
            "sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with
            {
                TrimEvery = TimeSpan.FromSeconds(2), RemoveEvery = TimeSpan.Zero, RowsRemovedPerCommit = 1, TrimsPerCommit = 1,
            });
        var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
        string[] fleet = ["gw-a", "gw-b", "gw-c", "gw-d", "gw-e", "gw-f"];
        for (var version = 1; version <= 3; version++)
        {
            foreach (var id in fleet)
            {
                await journal.AppendAsync(EntityKind.Server, $"liveswitch/{id}", Entry(version, id, version), request: null);
            }
        }

        foreach (var id in fleet)
        {
            await journal.TrimAsync(EntityKind.Server, $"liveswitch/{id}", 3);
        }

        await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
        var waited = Stopwatch.StartNew();
        while ((await connection.RowsAsync("SELECT count(*) FROM SessionsJournal"))[0] != "6")
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the pass and its rows' removal still under way after 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        Assert.Equal(["3"], await connection.RowsAsync("SELECT DISTINCT Version FROM SessionsJournal"));
    }

    [Fact]
    public async Task SqliteJournalRunsItsWaitingTrimsAndSavesItsHeadsAtAGracefulStop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("journal-stop");

        // Nothing is due for an hour: the trim and the heads wait in memory until the writer stops.
        await using (var storage = await MigratedStorage.OpenAsync(
            "sqlite", folder.SqliteConnectionString, SqliteUpkeep.Default with { SaveHeadsEvery = TimeSpan.FromHours(1), TrimEvery = TimeSpan.FromHours(1), RemoveEvery = TimeSpan.FromHours(1) }))
        {
            var journal = new AdoNetEntityJournal(storage.DataSource, storage.Commits, storage.Settings);
            for (var version = 1; version <= 3; version++)
            {
                await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(version, "gw-a", version), request: null);
            }

            await journal.AppendAsync(EntityKind.Server, "liveswitch/gw-b", Entry(1, "gw-b", 1), request: null);
            await journal.TrimAsync(EntityKind.Server, "liveswitch/gw-a", 3);
        }

        // The rows below the snapshot are gone, every head is saved, and the saved heads account for every row: the
        // next start rescans nothing.
        await using (var dataSource = StorageDataSource.Create(StorageMode.Sqlite, folder.SqliteConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            Assert.Equal(["liveswitch/gw-a 3", "liveswitch/gw-b 1"], await connection.RowsAsync("SELECT GrainKey, Version FROM SessionsJournal ORDER BY Seq"));
            Assert.Equal(
                await connection.RowsAsync("SELECT GrainKey, Seq, Version FROM SessionsJournal ORDER BY GrainKey"),
                await connection.RowsAsync("SELECT GrainKey, Seq, Version FROM SessionsJournalHeads ORDER BY GrainKey"));
            Assert.Equal(
                await connection.RowsAsync("SELECT max(Seq) FROM SessionsJournal"),
                await connection.RowsAsync("SELECT ThroughSeq FROM SessionsJournalHeadsSaved"));
        }

        await using var next = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
        var restarted = new AdoNetEntityJournal(next.DataSource, next.Commits, next.Settings);
        Assert.Equal([3L], (await restarted.ReadAsync(EntityKind.Server, "liveswitch/gw-a", 0, cancellationToken)).Select(e => e.Version));
        await Assert.ThrowsAsync<JournalConflictException>(() =>
            restarted.AppendAsync(EntityKind.Server, "liveswitch/gw-a", Entry(3, "gw-a", 30), request: null));

        // An index shard's repair finds what changed from the saved heads' times (nothing is unsaved after a clean stop).
        Assert.Equal(["liveswitch/gw-a", "liveswitch/gw-b"], (await restarted.KeysChangedSinceAsync(EntityKind.Server, At, cancellationToken)).Order());
        Assert.Empty(await restarted.KeysChangedSinceAsync(EntityKind.Server, At.AddMilliseconds(1), cancellationToken));
        Assert.Empty(await restarted.KeysChangedSinceAsync(EntityKind.Session, At, cancellationToken));
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
