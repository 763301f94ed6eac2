using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Livestreams;
using Sessions.Canonical;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary><c>/api/livestreams</c>: livestreams by status and provider, and one livestream with its timeline.</summary>
public static class LivestreamEndpoints
{
    public static IEndpointRouteBuilder MapLivestreamEndpoints(this IEndpointRouteBuilder api)
    {
        var livestreams = api.MapGroup("/livestreams").WithTags("Livestreams");
        livestreams.MapGet("", ListLivestreamsAsync).WithName("ListLivestreams");
        livestreams.MapGet("/{provider}/{id}", GetLivestreamAsync).WithName("GetLivestream");
        return api;
    }

    public static Task<Results<Ok<Page<LivestreamSnapshot>>, ProblemHttpResult>> ListLivestreamsAsync(
        IndexReader index, string? status, string? provider,
        [Description(ListSearch.QDescription)] string? q,
        [Description(ListSearch.SinceDescription)] DateTimeOffset? since,
        [Description(ListSearch.UntilDescription)] DateTimeOffset? until, int? limit, string? cursor) =>
        EntityQueries.ListAsync<LivestreamSnapshot, LivestreamStatus>(index, status, provider, null, new(q, since, until), limit, cursor);

    public static Task<Results<Ok<LivestreamSnapshot>, ProblemHttpResult>> GetLivestreamAsync(string provider, string id, IGrainFactory grains) =>
        EntityQueries.GetAsync<ILivestreamGrain, LivestreamSnapshot>(grains, provider, id);
}
