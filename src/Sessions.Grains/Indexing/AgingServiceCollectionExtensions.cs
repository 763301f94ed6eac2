using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sessions.Abstractions.Servers;
using Sessions.Grains.Servers;

namespace Sessions.Grains.Indexing;

/// <summary>Registers what the index shards need to age their entries by the tracker's clock.</summary>
public static class AgingServiceCollectionExtensions
{
    /// <summary>Server silence (<see cref="FleetOptions"/>, bound by the host) for the server index; no aging for the other kinds.</summary>
    public static IServiceCollection AddEntryAging(this IServiceCollection services)
    {
        services.AddOptions<FleetOptions>();
        services.TryAddSingleton(typeof(IEntryAging<>), typeof(NoAging<>));
        services.TryAddSingleton<IEntryAging<ServerSnapshot>, ServerSilence>();
        return services;
    }
}
