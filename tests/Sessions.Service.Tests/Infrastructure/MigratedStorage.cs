using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;
using Sessions.Service.Metrics;
using Sessions.Service.Storage;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>A database of <c>mode</c> with the schema applied, and the hot path's writer over it, as the service sets them up.</summary>
internal sealed class MigratedStorage : IAsyncDisposable
{
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private MigratedStorage(IOptions<HostingOptions> settings, DbDataSource dataSource, StorageWriteGate gate, SqliteUpkeep upkeep)
    {
        (Settings, DataSource, Gate) = (settings, dataSource, gate);
        Metrics = new SessionsMetrics(_meters.GetRequiredService<IMeterFactory>());
        Commits = new GroupCommit(dataSource, gate, Metrics, settings, upkeep);
    }

    public IOptions<HostingOptions> Settings { get; }

    /// <summary>The service's instruments, on a meter factory of this storage's own (<see cref="_meters"/>).</summary>
    public SessionsMetrics Metrics { get; }

    public DbDataSource DataSource { get; }

    public StorageWriteGate Gate { get; }

    public GroupCommit Commits { get; }

    public static Task<MigratedStorage> OpenAsync(string mode, string connectionString) => OpenAsync(mode, connectionString, SqliteUpkeep.Default);

    /// <summary>As <see cref="OpenAsync(string, string)"/>, with SQLite mode's upkeep as often as <paramref name="upkeep"/> says.</summary>
    public static async Task<MigratedStorage> OpenAsync(string mode, string connectionString, SqliteUpkeep upkeep)
    {
        var settings = StorageSettings.Of(mode, connectionString);
        var dataSource = StorageDataSource.Create(settings.Value.Storage.StorageMode, settings.Value.Storage.EffectiveConnectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        return new MigratedStorage(settings, dataSource, new StorageWriteGate(settings, new StorageWriteHealth(settings, TimeProvider.System)), upkeep);
    }

    public async ValueTask DisposeAsync()
    {
        await Commits.DisposeAsync();
        await DataSource.DisposeAsync();
        Metrics.Dispose();
        await _meters.DisposeAsync();
    }
}
