using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Grains.Clients;
using Sessions.Grains.Recordings;
using Sessions.Grains.Servers;
using Sessions.Grains.Sessions;

namespace Sessions.Grains.Indexing;

/// <summary>Registers what entities need to file themselves in the index, and what its shards need to age their entries by the tracker's clock.</summary>
public static class IndexingServiceCollectionExtensions
{
    /// <summary>
    /// The silo's <see cref="IndexLanes"/> to the shards; server silence (<see cref="FleetOptions"/>) for the server
    /// index, session and client silence (<see cref="SilenceOptions"/>) for theirs, both bound by the host; a stream's
    /// reconnect window for recordings; no aging for livestreams.
    /// </summary>
    public static IServiceCollection AddIndexing(this IServiceCollection services)
    {
        services.TryAddSingleton<IndexLanes>();
        services.AddOptions<FleetOptions>();
        services.AddOptions<SilenceOptions>();
        services.TryAddSingleton(typeof(IEntryAging<>), typeof(NoAging<>));
        services.TryAddSingleton<IEntryAging<ServerSnapshot>, ServerSilence>();
        services.TryAddSingleton<IEntryAging<SessionSnapshot>, SessionSilence>();
        services.TryAddSingleton<IEntryAging<ClientSnapshot>, ClientSilence>();
        services.TryAddSingleton<IEntryAging<RecordingSnapshot>, RecordingStreamWindow>();
        return services;
    }
}
