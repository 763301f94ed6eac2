using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using Sessions.Abstractions.Hosting;
using Sessions.Grains.Indexing;
using Sessions.Grains.Notifications;
using Sessions.Grains.Storage;

namespace Sessions.Grains.Tests;

/// <summary>Two in-process silos with memory storage, shared by the grain tests; every test uses fresh keys.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The journal both silos append to, as they would to one database.</summary>
    public InMemoryEntityJournal Journal { get; } = new();

    /// <summary>Small, so tests cross several snapshots with a handful of events.</summary>
    public const int SnapshotEvery = 3;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Entities);
            silo.Services.AddSingleton<IEntityJournal>(Journal);
            silo.Services.Configure<SnapshotOptions>(o => o.SnapshotEvery = SnapshotEvery);
            silo.Services.AddSingleton<IEntityChangeLog, NoEntityChangeLog>();
            silo.Services.AddSingleton<IIndexStore, InMemoryIndexStore>();
            silo.Services.AddSingleton<INotificationStore>(new InMemoryNotificationStore(TimeProvider.System));
            silo.Services.AddSingleton<DispatcherWakes>();
            silo.Services.AddIndexing();
            silo.Services.AddSerializer(s => s.AddSessionsSerialization());
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddSessionsSerialization()));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = nameof(ClusterCollection);
}
