using System.Data.Common;
using Sessions.Service.Storage;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;

namespace Sessions.Service.Tests;

/// <summary>
/// The journal's queries on SQLite (rows in append order, each pointing to its entity's previous one, the entities'
/// heads in a table of their own), as the service runs them, on a file that was never analysed: each reads rows by their
/// key, and the shards' question of what changed comes from its index alone, so their cost does not grow with the number
/// of entities or with the rows in the journal.
/// </summary>
public sealed class SqlitePlanTests
{
    private const int Entities = 4000;

    [Fact]
    public async Task JournalQueriesReadRowsByTheirKeysOnANeverAnalysedFile()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("plans");
        await using var storage = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
        await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);

        // Three versions of each entity, appended round by round, each row linked to the one before; the heads saved.
        for (var version = 1; version <= 3; version++)
        {
            await connection.ExecuteAsync(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + Entities + ") " +
                "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload, PrevSeq) " +
                $"SELECT 'sessions', 'server', 'liveswitch/gw-' || i, {version}, i * 3 + {version}, x'7b7d', " +
                $"{(version == 1 ? "NULL" : $"{(version - 2) * Entities} + i")} FROM n");
        }

        await connection.ExecuteAsync(
            "INSERT INTO SessionsJournalHeads SELECT ServiceId, GrainType, GrainKey, Seq, Version, RecordedAtMs FROM SessionsJournal WHERE Version = 3");
        await connection.ExecuteAsync("INSERT INTO SessionsJournalHeadsSaved VALUES ('sessions', $1)", 3 * Entities);

        var entity = new Dictionary<string, object>
        {
            ["@service"] = "sessions", ["@type"] = "server", ["@key"] = "liveswitch/gw-77", ["@after"] = 1L,
        };
        (string Query, Dictionary<string, object> Values, string Plan)[] journal =
        [
            // Replay on activation, from a head saved or in memory: the head by its key, then row after row by theirs.
            (SqliteJournalHeads.ReadEntity, new(entity) { ["@head"] = DBNull.Value },
             "SEARCH SessionsJournalHeads USING PRIMARY KEY (ServiceId=? AND GrainType=? AND GrainKey=?)"),
            (SqliteJournalHeads.ReadEntity, new(entity) { ["@head"] = (2 * Entities) + 77L }, "SEARCH j USING INTEGER PRIMARY KEY (rowid=?)"),

            // The writer: an entity's saved head; the rows of a trim behind a snapshot, back from the head; their removal.
            (SqliteJournalHeads.FindSaved, Numbered("sessions", "server", "liveswitch/gw-77"),
             "SEARCH SessionsJournalHeads USING PRIMARY KEY (ServiceId=? AND GrainType=? AND GrainKey=?)"),
            (SqliteJournalHeads.TrimmedRows, Numbered((2 * Entities) + 77L, "sessions", "server", "liveswitch/gw-77", 3L),
             "SEARCH j USING INTEGER PRIMARY KEY (rowid=?)"),
            (SqliteJournalHeads.RemoveRow, Numbered(77L), "SEARCH SessionsJournal USING INTEGER PRIMARY KEY (rowid=?)"),

            // A start: the rows after the last saved heads, a range of the rows' own key.
            (SqliteJournalHeads.Unsaved, new() { ["@service"] = "sessions" }, "SEARCH SessionsJournal USING INTEGER PRIMARY KEY (rowid>?)"),

            // An index shard's repair: which entities of a kind changed since a moment, from the saved heads' index alone.
            (SqliteJournalHeads.SavedSince, new() { ["@service"] = "sessions", ["@type"] = "server", ["@since"] = 11000L },
             "SEARCH SessionsJournalHeads USING COVERING INDEX IX_SessionsJournalHeads_RecordedAtMs (ServiceId=? AND GrainType=? AND RecordedAtMs>?)"),
        ];
        foreach (var (query, values, expected) in journal)
        {
            var plan = await ExplainAsync(connection, query, values);

            Assert.DoesNotContain("SCAN SessionsJournal", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("SCAN j", plan, StringComparison.Ordinal);
            Assert.True(plan.Contains(expected, StringComparison.Ordinal), plan);
        }

        // The walk follows the links: gw-77's versions above 1, from its saved head.
        await using var read = connection.CreateCommand();
        read.CommandText = SqliteJournalHeads.ReadEntity;
        foreach (var (name, value) in new Dictionary<string, object>(entity) { ["@head"] = DBNull.Value })
        {
            read.AddParameter(name, value);
        }

        var versions = new List<long>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt64(0));
        }

        Assert.Equal([2L, 3L], versions);
    }

    private static Dictionary<string, object> Numbered(params object[] values) =>
        values.Select((value, i) => (Name: $"${i + 1}", Value: value)).ToDictionary(p => p.Name, p => p.Value);

    private static async Task<string> ExplainAsync(DbConnection connection, string query, Dictionary<string, object> values)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"EXPLAIN QUERY PLAN {query}";
        foreach (var (name, value) in values)
        {
            command.AddParameter(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join('\n', lines);
    }
}
