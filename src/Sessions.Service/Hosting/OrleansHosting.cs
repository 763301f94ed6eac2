using System.Net;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Sessions.Abstractions.Hosting;
using Sessions.Grains.Storage;
using Sessions.Service.Storage;

namespace Sessions.Service.Hosting;

/// <summary>Orleans set-up per role and storage mode.</summary>
internal static class OrleansHosting
{
    /// <summary>The ADO.NET invariant Orleans 10.4 knows for SQLite; it loads Microsoft.Data.Sqlite.</summary>
    private const string SqliteInvariant = "System.Data.SQLite";

    private const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// The name Orleans' ADO.NET grain storage is registered under. Grains persist to <see cref="StorageNames.Entities"/>,
    /// which hands each read to it and each write through the <see cref="StorageWriteGate"/>.
    /// </summary>
    public const string AdoNetStorageName = "entities-adonet";

    /// <summary>How long a front-end waits for a grain call before answering 503 (<c>Orleans:ClientMessaging:ResponseTimeout</c>).</summary>
    public static readonly TimeSpan ClientResponseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Co-hosts a silo in this process, after the schema migration when storage is a database.</summary>
    public static void AddSilo(WebApplicationBuilder builder, HostingOptions settings)
    {
        var storage = settings.Storage;
        if (storage.StorageMode is StorageMode.Sqlite)
        {
            builder.Services.AddHostedService<SqliteSiloLock>();
        }

        if (storage.StorageMode is not StorageMode.Memory)
        {
            builder.Services.AddSingleton<SchemaMigrator>();
            builder.Services.AddHostedService<SchemaMigrationService>();
        }

        builder.UseOrleans(silo =>
        {
            silo.Services.AddSerializer(s => s.AddSessionsSerialization());
            if (TelemetryHosting.TracesExported(builder.Configuration))
            {
                silo.AddActivityPropagation();
            }

            // Kubernetes hosting, registered later, applies ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID on top of this;
            // HostingOptions takes its identity from the same variables then, so the two never disagree.
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
            silo.Configure<GrainCollectionOptions>(builder.Configuration.GetSection("Orleans:GrainCollection"));
            switch (storage.StorageMode)
            {
                case StorageMode.Sqlite:
                    UseLocalhostClustering(silo, settings);
                    AddGatedAdoNetStorage(silo, SqliteInvariant, storage.EffectiveConnectionString);
                    break;
                case StorageMode.Postgres:
                    ConfigureEndpoints(silo, settings);
                    silo.UseAdoNetClustering(o =>
                    {
                        o.Invariant = PostgresInvariant;
                        o.ConnectionString = storage.EffectiveConnectionString;
                    });
                    AddGatedAdoNetStorage(silo, PostgresInvariant, storage.EffectiveConnectionString);
                    break;
                case StorageMode.Memory:
                    UseLocalhostClustering(silo, settings);
                    silo.AddMemoryGrainStorage(StorageNames.Entities);
                    break;
            }
        });
    }

    /// <summary>Joins an existing cluster as a client, so HTTP front-ends scale apart from silos.</summary>
    public static void AddClient(WebApplicationBuilder builder, HostingOptions settings)
    {
        builder.UseOrleansClient(client =>
        {
            client.Services.AddSerializer(s => s.AddSessionsSerialization());
            if (TelemetryHosting.TracesExported(builder.Configuration))
            {
                client.AddActivityPropagation();
            }

            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));

            // A call already sent to a silo that is then killed is not failed when the silo is declared dead: it waits for
            // the response timeout (30 s by Orleans' default). A webhook answered 503 sooner is retried sooner.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClientResponseTimeout);
            client.Configure<ClientMessagingOptions>(builder.Configuration.GetSection("Orleans:ClientMessaging"));
            if (settings.Storage.StorageMode is StorageMode.Postgres)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = settings.Storage.EffectiveConnectionString;
                });
            }
            else
            {
                client.UseLocalhostClustering(settings.Orleans.GatewayPortNumber, settings.ServiceId, settings.ClusterId);
            }
        });
    }

    private static void AddGatedAdoNetStorage(ISiloBuilder silo, string invariant, string connectionString)
    {
        silo.AddAdoNetGrainStorage(AdoNetStorageName, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Entities, (services, _) => new GatedGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(AdoNetStorageName), services.GetRequiredService<StorageWriteGate>()));
    }

    private static void UseLocalhostClustering(ISiloBuilder silo, HostingOptions settings) =>
        silo.UseLocalhostClustering(settings.Orleans.SiloPortNumber, settings.Orleans.GatewayPortNumber, null, settings.ServiceId, settings.ClusterId);

    private static void ConfigureEndpoints(ISiloBuilder silo, HostingOptions settings)
    {
        var (siloPort, gatewayPort) = (settings.Orleans.SiloPortNumber, settings.Orleans.GatewayPortNumber);
        if (settings.Orleans.SiloHosting is SiloHosting.Kubernetes)
        {
            // Kubernetes hosting listens on all interfaces, names the silo after POD_NAME and watches the cluster's pods, so
            // the silo of a deleted pod is declared dead without waiting for missed probes. It would advertise POD_IP only
            // if no address were set, but Orleans' own default (an address of this host) is applied before it: set POD_IP here.
            silo.Configure<EndpointOptions>(o =>
            {
                (o.SiloPort, o.GatewayPort) = (siloPort, gatewayPort);
                if (settings.AdvertisedPodIP is { } podIP)
                {
                    o.AdvertisedIPAddress = podIP;
                }
            });
            silo.UseKubernetesHosting();
        }
        else if (settings.Orleans.AdvertisedHost is { Length: > 0 } host)
        {
            // In containers the address peers reach is the container's own; listen on all interfaces.
            silo.ConfigureEndpoints(host, siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
        }
    }
}
