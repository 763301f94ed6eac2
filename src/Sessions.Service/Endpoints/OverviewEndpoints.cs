using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary>Counts of one kind: the total and how many are in each status (servers also by health).</summary>
public sealed record KindCounts(int Total, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyDictionary<string, int>? ByHealth = null);

/// <summary><c>GET /api/overview</c>: one line per kind.</summary>
public sealed record Overview(KindCounts Servers, KindCounts Sessions, KindCounts Recordings, KindCounts Livestreams, KindCounts Clients);

/// <summary><c>/api/overview</c>: how many of each kind, by status.</summary>
public static class OverviewEndpoints
{
    public static IEndpointRouteBuilder MapOverviewEndpoints(this IEndpointRouteBuilder api)
    {
        var overview = api.MapGroup("/overview").WithTags("Overview");
        overview.MapGet("", GetOverviewAsync).WithName("GetOverview");
        overview.MapGet("/history", GetActivityHistory).WithName("GetActivityHistory")
            .WithSummary("Webhook events per second this process handled, active sessions and live livestreams, sampled over the last hour (oldest first).");
        return api;
    }

    public static Ok<IReadOnlyList<ActivitySample>> GetActivityHistory(ActivityHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return TypedResults.Ok(history.Samples);
    }

    public static async Task<Ok<Overview>> GetOverviewAsync(IndexReader index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var servers = index.CountAsync<ServerSnapshot>();
        var sessions = index.CountAsync<SessionSnapshot>();
        var recordings = index.CountAsync<RecordingSnapshot>();
        var livestreams = index.CountAsync<LivestreamSnapshot>();
        var clients = index.CountAsync<ClientSnapshot>();
        await Task.WhenAll(servers, sessions, recordings, livestreams, clients);
        return TypedResults.Ok(new Overview(
            new KindCounts(servers.Result.Total, servers.Result.ByStatus, EntityQueries.Facet(servers.Result, "health")),
            Counts(sessions.Result),
            Counts(recordings.Result),
            Counts(livestreams.Result),
            Counts(clients.Result)));
    }

    private static KindCounts Counts(IndexCounts counts) => new(counts.Total, counts.ByStatus);
}
