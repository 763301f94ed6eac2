using Sessions.Abstractions.Hosting;
using Sessions.Canonical;

namespace Sessions.Abstractions.Entities;

/// <summary>Finds the grain that owns an entity of a given kind.</summary>
public static class EntityGrains
{
    /// <summary>The grain for <paramref name="kind"/> with key <c>{provider}/{id}</c>.</summary>
    public static IEntityGrain Get(this IGrainFactory grains, EntityKind kind, string provider, string id)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetByKey(kind, EntityKey.Of(provider, id));
    }

    /// <summary>The grain for <paramref name="kind"/> with the grain key <paramref name="key"/> as <see cref="EntityKey.Of"/> makes it.</summary>
    public static IEntityGrain GetByKey(this IGrainFactory grains, EntityKind kind, string key)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return kind switch
        {
            EntityKind.Server => grains.Reference<IServerGrain>(key),
            EntityKind.Session => grains.Reference<ISessionGrain>(key),
            EntityKind.Recording => grains.Reference<IRecordingGrain>(key),
            EntityKind.Livestream => grains.Reference<ILivestreamGrain>(key),
            EntityKind.Client => grains.Reference<IClientGrain>(key),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no grain for this entity kind"),
        };
    }
}
