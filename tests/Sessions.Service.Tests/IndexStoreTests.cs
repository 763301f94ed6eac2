using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sessions.Grains.Storage;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>Index shards' rows in the real databases: a write adds, replaces and removes entries and records its time, in one go.</summary>
public sealed class IndexStoreTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-30T12:00:00.123Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task SqliteKeepsWhatEachWriteChanged()
    {
        using var folder = new TempDirectory("index-store");
        await AssertKeepsWhatEachWriteChangedAsync("sqlite", folder.SqliteConnectionString);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresKeepsWhatEachWriteChanged() =>
        await AssertKeepsWhatEachWriteChangedAsync("postgres", await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken));

    private static async Task AssertKeepsWhatEachWriteChangedAsync(string mode, string connectionString)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (settings, neighbourSettings) = (StorageSettings.Of(mode, connectionString, "service-a"), StorageSettings.Of(mode, connectionString, "service-b"));
        await using var dataSource = StorageDataSource.Create(settings.Value.Storage.StorageMode, settings.Value.Storage.EffectiveConnectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        var store = Store(dataSource, settings);
        var neighbour = Store(dataSource, neighbourSettings);

        Assert.Equal((0, null), Describe(await store.ReadAsync("session/3", cancellationToken)));

        await store.WriteAsync("session/3", [Entry("a", "a1"), Entry("b", "b1"), Entry("c", "c1")], [], At, cancellationToken);
        await store.WriteAsync("session/4", [Entry("a", "other shard")], [], At, cancellationToken);
        await neighbour.WriteAsync("session/3", [Entry("a", "other service")], [], At, cancellationToken);
        await store.WriteAsync("session/3", [Entry("b", "b2"), Entry("d", "d1")], ["a", "never-stored"], At.AddSeconds(1), cancellationToken);

        var read = await store.ReadAsync("session/3", cancellationToken);
        Assert.Equal(["b2", "c1", "d1"], read.Entries.Select(Encoding.UTF8.GetString).Order(StringComparer.Ordinal));
        Assert.Equal(At.AddSeconds(1), read.SavedAt);
        Assert.Equal(["other shard"], (await store.ReadAsync("session/4", cancellationToken)).Entries.Select(Encoding.UTF8.GetString));
        Assert.Equal(["other service"], (await neighbour.ReadAsync("session/3", cancellationToken)).Entries.Select(Encoding.UTF8.GetString));
    }

    private static AdoNetIndexStore Store(DbDataSource dataSource, IOptions<HostingOptions> settings) =>
        new(dataSource, settings, new StorageWriteGate(settings));

    private static KeyValuePair<string, byte[]> Entry(string key, string payload) => KeyValuePair.Create(key, Encoding.UTF8.GetBytes(payload));

    private static (int, DateTimeOffset?) Describe(StoredShard shard) => (shard.Entries.Count, shard.SavedAt);
}
