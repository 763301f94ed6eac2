using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

public sealed class SchemaMigratorTests(PostgresServer postgres)
{
    [Fact]
    public async Task SqliteScriptsApplyOnceAndASecondRunChangesNothing()
    {
        using var folder = new TempDirectory("migrate");
        await AssertAppliesOnceAsync(StorageMode.Sqlite, folder.SqliteConnectionString);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresScriptsApplyOnceAndASecondRunChangesNothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await AssertAppliesOnceAsync(StorageMode.Postgres, connectionString);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresCompressesLargeGrainStatesWithLz4()
    {
        var connectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await MigrateAsync(StorageMode.Postgres, connectionString);
        await using var dataSource = StorageDataSource.Create(StorageMode.Postgres, connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'orleansgrainstate'::regclass AND attname = 'payloadbinary'";

        // 'l' is lz4; the machine's PostgreSQL (Debian's) is built with it, so the script's fallback to pglz must not have run.
        Assert.Equal("l", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task SilosMigratingTogetherDoNotTripOverEachOther()
    {
        var connectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var runs = Enumerable.Range(0, 4).Select(_ => MigrateAsync(StorageMode.Postgres, connectionString));

        var applied = await Task.WhenAll(runs);

        Assert.Equal(SchemaMigrator.Scripts(StorageMode.Postgres).Count, applied.Sum());
    }

    [Fact]
    public async Task AScriptEditedAfterItWasAppliedIsRefused()
    {
        using var folder = new TempDirectory("migrate-edit");
        await MigrateAsync(StorageMode.Sqlite, folder.SqliteConnectionString);
        await using (var dataSource = StorageDataSource.Create(StorageMode.Sqlite, folder.SqliteConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await connection.ExecuteAsync("UPDATE SessionsSchemaHistory SET Sha256 = 'edited'");
        }

        var error = await Assert.ThrowsAsync<StartupException>(() => MigrateAsync(StorageMode.Sqlite, folder.SqliteConnectionString));

        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertAppliesOnceAsync(StorageMode mode, string connectionString)
    {
        var scripts = SchemaMigrator.Scripts(mode);
        Assert.NotEmpty(scripts);

        var first = await MigrateAsync(mode, connectionString);
        var queriesAfterFirst = await ReadQueriesAsync(mode, connectionString);
        var second = await MigrateAsync(mode, connectionString);
        var queriesAfterSecond = await ReadQueriesAsync(mode, connectionString);

        Assert.Equal(scripts.Count, first);
        Assert.Equal(0, second);
        Assert.Contains("WriteToStorageKey", queriesAfterFirst.Keys);
        Assert.Equal(queriesAfterFirst, queriesAfterSecond);
    }

    private static async Task<int> MigrateAsync(StorageMode mode, string connectionString)
    {
        await using var dataSource = StorageDataSource.Create(mode, connectionString);
        return await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<Dictionary<string, string>> ReadQueriesAsync(StorageMode mode, string connectionString)
    {
        await using var dataSource = StorageDataSource.Create(mode, connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            queries[reader.GetString(0)] = reader.GetString(1);
        }

        return queries;
    }
}
