using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Service.Queries;
using Sessions.Canonical;

namespace Sessions.Service.Endpoints;

/// <summary>Counts of one kind: the total and how many are in each status (servers also by health).</summary>
public sealed record KindCounts(int Total, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyDictionary<string, int>? ByHealth = null);

/// <summary><c>GET /api/overview</c>: one line per kind.</summary>
public sealed record Overview(KindCounts Servers, KindCounts Sessions, KindCounts Recordings, KindCounts Livestreams, KindCounts Clients);

/// <summary>One provider application, counted from its clients: how many are registered now, and how many are tracked.</summary>
public sealed record ApplicationCounts(string Id, int RegisteredClients, int Clients);

/// <summary><c>GET /api/fleet</c>: fleet health by state, health, role and region, and the servers that are not healthy.</summary>
public sealed record Fleet(
    int Total,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyDictionary<string, int> ByHealth,
    IReadOnlyDictionary<string, int> ByRole,
    IReadOnlyDictionary<string, int> ByRegion,
    IReadOnlyList<ServerSnapshot> Unhealthy);

/// <summary>The read side of <c>/api</c>: overview, fleet, lists with filters and cursors, and one entity with its timeline.</summary>
public static class QueryEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;
    private const int MaxUnhealthy = 100;

    public static RouteGroupBuilder MapQueryEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/overview", GetOverviewAsync).WithName("GetOverview").WithTags("Overview");
        api.MapGet("/fleet", GetFleetAsync).WithName("GetFleet").WithTags("Servers");
        api.MapGet("/fleet/history", (FleetHistory history) => TypedResults.Ok(history.Samples))
            .WithName("GetFleetHistory").WithTags("Servers").WithSummary("Healthy, degraded and down servers, sampled over the last hour (oldest first).");

        api.MapGet("/servers", ListServersAsync).WithName("ListServers").WithTags("Servers");
        api.MapGet("/servers/{provider}/{id}", (string provider, string id, IGrainFactory grains) =>
            GetAsync<IServerGrain, ServerSnapshot>(grains, EntityKind.Server, provider, id)).WithName("GetServer").WithTags("Servers");

        api.MapGet("/sessions", (IndexReader index, string? status, string? provider, int? limit, string? cursor) =>
            ListAsync<SessionSnapshot, SessionStatus>(index, status, provider, null, limit, cursor)).WithName("ListSessions").WithTags("Sessions");
        api.MapGet("/sessions/{provider}/{id}", (string provider, string id, IGrainFactory grains) =>
            GetAsync<ISessionGrain, SessionSnapshot>(grains, EntityKind.Session, provider, id)).WithName("GetSession").WithTags("Sessions");

        api.MapGet("/recordings", (IndexReader index, string? status, string? provider, int? limit, string? cursor) =>
            ListAsync<RecordingSnapshot, RecordingStatus>(index, status, provider, null, limit, cursor)).WithName("ListRecordings").WithTags("Recordings");
        api.MapGet("/recordings/{provider}/{id}", (string provider, string id, IGrainFactory grains) =>
            GetAsync<IRecordingGrain, RecordingSnapshot>(grains, EntityKind.Recording, provider, id)).WithName("GetRecording").WithTags("Recordings");

        api.MapGet("/livestreams", (IndexReader index, string? status, string? provider, int? limit, string? cursor) =>
            ListAsync<LivestreamSnapshot, LivestreamStatus>(index, status, provider, null, limit, cursor)).WithName("ListLivestreams").WithTags("Livestreams");
        api.MapGet("/livestreams/{provider}/{id}", (string provider, string id, IGrainFactory grains) =>
            GetAsync<ILivestreamGrain, LivestreamSnapshot>(grains, EntityKind.Livestream, provider, id)).WithName("GetLivestream").WithTags("Livestreams");

        api.MapGet("/clients", (IndexReader index, string? status, string? provider, string? application, int? limit, string? cursor) =>
            ListAsync<ClientSnapshot, ClientStatus>(index, status, provider, Facets((ClientFacets.Application, application)), limit, cursor))
            .WithName("ListClients").WithTags("Applications");
        api.MapGet("/clients/{provider}/{id}", (string provider, string id, IGrainFactory grains) =>
            GetAsync<IClientGrain, ClientSnapshot>(grains, EntityKind.Client, provider, id)).WithName("GetClient").WithTags("Applications");

        api.MapGet("/applications", ListApplicationsAsync).WithName("ListApplications").WithTags("Applications")
            .WithSummary("Every application a tracked client names, most registered clients first.");
        api.MapGet("/applications/{id}", GetApplicationAsync).WithName("GetApplication").WithTags("Applications");
        return api;
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
            new KindCounts(servers.Result.Total, servers.Result.ByStatus, Facet(servers.Result, "health")),
            Counts(sessions.Result),
            Counts(recordings.Result),
            Counts(livestreams.Result),
            Counts(clients.Result)));
    }

    public static async Task<Ok<Page<ApplicationCounts>>> ListApplicationsAsync(IndexReader index)
    {
        var applications = (await ApplicationsAsync(index))
            .OrderByDescending(a => a.RegisteredClients).ThenBy(a => a.Id, StringComparer.Ordinal);
        return TypedResults.Ok(new Page<ApplicationCounts>([.. applications], null));
    }

    public static async Task<Results<Ok<ApplicationCounts>, ProblemHttpResult>> GetApplicationAsync(IndexReader index, string id) =>
        (await ApplicationsAsync(index)).FirstOrDefault(a => a.Id == id) is { } application
            ? TypedResults.Ok(application)
            : TypedResults.Problem(title: "Not found", detail: $"No tracked client names application '{id}'.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>Every application a tracked client names, from the client index's two facets.</summary>
    private static async Task<IEnumerable<ApplicationCounts>> ApplicationsAsync(IndexReader index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var counts = await index.CountAsync<ClientSnapshot>();
        var registered = Facet(counts, ClientFacets.RegisteredApplication);
        return Facet(counts, ClientFacets.Application).Select(a => new ApplicationCounts(a.Key, registered.GetValueOrDefault(a.Key), a.Value));
    }

    public static async Task<Ok<Fleet>> GetFleetAsync(IndexReader index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var counts = index.CountAsync<ServerSnapshot>();
        var down = index.ListAsync<ServerSnapshot>(null, null, new Dictionary<string, string> { ["health"] = "down" }, null, MaxUnhealthy);
        var degraded = index.ListAsync<ServerSnapshot>(null, null, new Dictionary<string, string> { ["health"] = "degraded" }, null, MaxUnhealthy);
        await Task.WhenAll(counts, down, degraded);
        return TypedResults.Ok(new Fleet(
            counts.Result.Total,
            counts.Result.ByStatus,
            Facet(counts.Result, "health"),
            Facet(counts.Result, "role"),
            Facet(counts.Result, "region"),
            [.. down.Result.Items.Concat(degraded.Result.Items).Take(MaxUnhealthy)]));
    }

    public static Task<Results<Ok<Page<ServerSnapshot>>, ProblemHttpResult>> ListServersAsync(
        IndexReader index, string? state, string? role, string? region, string? health, string? provider, int? limit, string? cursor)
    {
        return ListAsync<ServerSnapshot, ServerStatus>(index, state, provider, Facets(("role", role), ("region", region), ("health", health)), limit, cursor);
    }

    public static async Task<Results<Ok<Page<TItem>>, ProblemHttpResult>> ListAsync<TItem, TStatus>(
        IndexReader index, string? status, string? provider, IReadOnlyDictionary<string, string>? facets, int? limit, string? cursor)
        where TStatus : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(index);
        TStatus? wanted = null;
        if (status is not null)
        {
            if (!StatusWords.TryParse<TStatus>(status, out var parsed))
            {
                return BadRequest($"status '{status}' is not one of: {string.Join(", ", StatusWords.All<TStatus>())}.");
            }

            wanted = parsed;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return BadRequest($"limit must be between 1 and {MaxLimit}.");
        }

        try
        {
            IndexReader.DecodeCursor(cursor);
        }
        catch (FormatException ex)
        {
            return BadRequest(ex.Message);
        }

        var page = await index.ListAsync<TItem>(wanted is { } word ? StatusWords.Of(word) : null, provider, facets, cursor, limit ?? DefaultLimit);
        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<TSnapshot>, ProblemHttpResult>> GetAsync<TGrain, TSnapshot>(
        IGrainFactory grains, EntityKind kind, string provider, string id)
        where TGrain : IEntityGrain<TSnapshot>
        where TSnapshot : class
    {
        ArgumentNullException.ThrowIfNull(grains);
        var snapshot = await grains.GetGrain<TGrain>(EntityKey.Of(provider, id)).GetAsync();
        return snapshot is null
            ? TypedResults.Problem(
                title: "Not found",
                detail: $"No {StatusWords.Of(kind)} '{id}' from provider '{provider}' has been seen.",
                statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(snapshot);
    }

    /// <summary>The facet filters a list request sets; parameters left out filter nothing.</summary>
    private static Dictionary<string, string> Facets(params (string Name, string? Value)[] filters)
    {
        var facets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in filters)
        {
            if (!string.IsNullOrEmpty(value))
            {
                facets[name] = value;
            }
        }

        return facets;
    }

    private static KindCounts Counts(IndexCounts counts) => new(counts.Total, counts.ByStatus);

    private static IReadOnlyDictionary<string, int> Facet(IndexCounts counts, string facet) =>
        counts.ByFacet.TryGetValue(facet, out var values) ? values : new Dictionary<string, int>();

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Invalid query", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
