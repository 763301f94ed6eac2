using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Entities;
using Sessions.Webhooks.Events;

namespace Sessions.Service.Endpoints;

/// <summary>One-entity reads: <c>GET /api/{servers|sessions|recordings|livestreams}/{provider}/{id}</c>.</summary>
public static class EntityEndpoints
{
    public static RouteGroupBuilder MapEntityEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/servers/{provider}/{id}", (string provider, string id, IGrainFactory grains) => GetAsync(EntityKind.Server, provider, id, grains))
            .WithName("GetServer").WithTags("Servers");
        api.MapGet("/sessions/{provider}/{id}", (string provider, string id, IGrainFactory grains) => GetAsync(EntityKind.Session, provider, id, grains))
            .WithName("GetSession").WithTags("Sessions");
        api.MapGet("/recordings/{provider}/{id}", (string provider, string id, IGrainFactory grains) => GetAsync(EntityKind.Recording, provider, id, grains))
            .WithName("GetRecording").WithTags("Recordings");
        api.MapGet("/livestreams/{provider}/{id}", (string provider, string id, IGrainFactory grains) => GetAsync(EntityKind.Livestream, provider, id, grains))
            .WithName("GetLivestream").WithTags("Livestreams");
        return api;
    }

    public static async Task<Results<Ok<EntitySnapshot>, ProblemHttpResult>> GetAsync(
        EntityKind kind, string provider, string id, IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var snapshot = await grains.Get(kind, provider, id).GetAsync();
        return snapshot is null
            ? TypedResults.Problem(
                title: "Not found",
                detail: $"No {kind.ToString().ToLowerInvariant()} '{id}' from provider '{provider}' has been seen.",
                statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(snapshot);
    }
}
