using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sessions.Service.Storage;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>
/// The hot path's queries on a fresh database that was never analysed (a new deployment as a fleet arrives): each is
/// served through its key, so its cost does not grow with the number of entities, statistics or not.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresPlanTests(PostgresServer postgres)
{
    private const int Entities = 4000;

    [Fact]
    public async Task ReadsAndWritesOfOneEntityUseTheKeyOnANeverAnalysedDatabase()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(cancellationToken));
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        await ExecuteAsync(dataSource,
            "ALTER TABLE OrleansGrainState SET (autovacuum_enabled = false); ALTER TABLE SessionsJournal SET (autovacuum_enabled = false);" +
            "INSERT INTO OrleansGrainState (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, GrainIdHash, GrainTypeHash, PayloadBinary, Version, ModifiedOn) " +
            $"SELECT 'sessions', 'server', 0, 0, 'liveswitch/gw-' || n, n, 1, '\\x00'::bytea, 1, now() FROM generate_series(1, {Entities}) n;" +
            "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload) " +
            $"SELECT 'sessions', 'server', 'liveswitch/gw-' || n, v, n, '\\x7b7d'::bytea FROM generate_series(1, {Entities}) n, generate_series(1, 3) v;");

        string[] hotPath =
        [
            // The snapshot's read and write (Orleans' queries in deploy/sql, with this entity's values).
            "SELECT PayloadBinary, Version FROM OrleansGrainState WHERE ServiceId = 'sessions' AND GrainTypeString = 'server' " +
            "AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND GrainIdExtensionString = 'liveswitch/gw-77'",
            "UPDATE OrleansGrainState SET PayloadBinary = '\\x01'::bytea, Version = Version + 1, ModifiedOn = now() WHERE ServiceId = 'sessions' " +
            "AND GrainTypeString = 'server' AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND GrainIdExtensionString = 'liveswitch/gw-77' AND Version = 1",

            // The journal's replay on activation and its trim behind a snapshot.
            "SELECT Version, RecordedAtMs, Payload FROM SessionsJournal WHERE ServiceId = 'sessions' AND GrainType = 'server' " +
            "AND GrainKey = 'liveswitch/gw-77' AND Version > 1 ORDER BY Version",
            "DELETE FROM SessionsJournal WHERE ServiceId = 'sessions' AND GrainType = 'server' AND GrainKey = 'liveswitch/gw-77' AND Version < 3",
        ];
        foreach (var query in hotPath)
        {
            var plan = await ExplainAsync(dataSource, query);

            Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
            Assert.Matches("Index (Only )?Scan using (orleansgrainstate|sessionsjournal)_pkey", plan);
        }
    }

    private static async Task<string> ExplainAsync(NpgsqlDataSource dataSource, string query)
    {
        await using var command = dataSource.CreateCommand($"EXPLAIN {query}");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
