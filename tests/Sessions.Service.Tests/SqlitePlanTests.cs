using System.Data.Common;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;

namespace Sessions.Service.Tests;

/// <summary>
/// The journal's queries on SQLite (rows in append order, the entity's key in an index beside them), on a file that was
/// never analysed: each is served by an index, and the shards' question of what changed by that index alone, so their
/// cost does not grow with the number of entities or with the rows in the journal.
/// </summary>
public sealed class SqlitePlanTests
{
    private const int Entities = 4000;

    [Fact]
    public async Task JournalQueriesAreServedByItsIndexesOnANeverAnalysedFile()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("plans");
        await using var storage = await MigratedStorage.OpenAsync("sqlite", folder.SqliteConnectionString);
        await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + Entities + ") " +
            "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload) " +
            "SELECT 'sessions', 'server', 'liveswitch/gw-' || i, v.v, i * 3 + v.v, x'7b7d' FROM n, (SELECT 1 AS v UNION ALL SELECT 2 UNION ALL SELECT 3) v");

        (string Query, string Index)[] journal =
        [
            // Replay on activation, and the trim behind a snapshot: one entity, through its key.
            ("SELECT Version, RecordedAtMs, Payload FROM SessionsJournal WHERE ServiceId = 'sessions' AND GrainType = 'server' " +
             "AND GrainKey = 'liveswitch/gw-77' AND Version > 1 ORDER BY Version", "USING INDEX UX_SessionsJournal_Entity"),
            ("DELETE FROM SessionsJournal WHERE ServiceId = 'sessions' AND GrainType = 'server' AND GrainKey = 'liveswitch/gw-77' AND Version < 3",
             "USING INDEX UX_SessionsJournal_Entity"),

            // An index shard's repair: which entities of a kind changed since a moment, from the index alone.
            ("SELECT DISTINCT GrainKey FROM SessionsJournal WHERE ServiceId = 'sessions' AND GrainType = 'server' AND RecordedAtMs >= 11000",
             "USING COVERING INDEX IX_SessionsJournal_RecordedAtMs"),
        ];
        foreach (var (query, index) in journal)
        {
            var plan = await ExplainAsync(connection, query);

            Assert.DoesNotContain("SCAN SessionsJournal", plan, StringComparison.Ordinal);
            Assert.Contains($"SEARCH SessionsJournal {index}", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<string> ExplainAsync(DbConnection connection, string query)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"EXPLAIN QUERY PLAN {query}";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join('\n', lines);
    }
}
