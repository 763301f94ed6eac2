using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Servers;
using Sessions.Canonical;
using Sessions.Grains.Servers;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary>
/// <c>GET /api/fleet</c>: fleet health by state, health, reason, role and region, and the servers that need attention
/// (down, then degraded; offline servers stopped cleanly and are not listed).
/// </summary>
public sealed record Fleet(
    int Total,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyDictionary<string, int> ByHealth,
    IReadOnlyDictionary<string, int> ByHealthReason,
    IReadOnlyDictionary<string, int> ByRole,
    IReadOnlyDictionary<string, int> ByRegion,
    IReadOnlyList<ServerSnapshot> Unhealthy);

/// <summary><c>/api/servers</c> and <c>/api/fleet</c>: media servers one by one, and the fleet's health as a whole.</summary>
public static class ServerEndpoints
{
    private const int MaxUnhealthy = 100;

    public static IEndpointRouteBuilder MapServerEndpoints(this IEndpointRouteBuilder api)
    {
        var fleet = api.MapGroup("/fleet").WithTags("Servers");
        fleet.MapGet("", GetFleetAsync).WithName("GetFleet");
        fleet.MapGet("/history", GetFleetHistoryAsync).WithName("GetFleetHistory")
            .WithSummary("Healthy, degraded, down and offline servers, sampled over the last 24 hours (oldest first), with gaps marked.")
            .WithDescription("from, to: ISO 8601 times; only samples in between are listed (default: the whole history kept, "
                + "Dashboard:FleetHistory, to now). A sample whose gapBefore is set follows a stretch of more than two sample "
                + "intervals with no samples, when the tracker was not running: gapBefore.from is the last sample before it.");

        var servers = api.MapGroup("/servers").WithTags("Servers");
        servers.MapGet("", ListServersAsync).WithName("ListServers");
        servers.MapGet("/{provider}/{id}", GetServerAsync).WithName("GetServer");
        return api;
    }

    /// <summary>The roles LiveSwitch servers have; a standard-webhooks source may report others, which are then known too.</summary>
    private static readonly string[] LiveSwitchRoles = ["gateway", "mediaserver", "sipconnector", "recordingmonitor", "recordingmover", "recordingmuxer"];

    /// <summary>
    /// One page of servers. <c>health</c> must be a health word and <c>role</c> a LiveSwitch role or one some server
    /// reported (else 400 naming the values it may be); <c>region</c> is free-form.
    /// </summary>
    public static async Task<Results<Ok<Page<ServerSnapshot>>, ProblemHttpResult>> ListServersAsync(
        IndexReader index, string? state, string? role, string? region, string? health, string? provider,
        [Description(ListSearch.QDescription)] string? q,
        [Description(ListSearch.SinceDescription)] DateTimeOffset? since,
        [Description(ListSearch.UntilDescription)] DateTimeOffset? until, int? limit, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (!string.IsNullOrEmpty(health) && !StatusWords.TryParse<ServerHealth>(health, out _))
        {
            return EntityQueries.BadRequest($"health '{health}' is not one of: {string.Join(", ", StatusWords.All<ServerHealth>())}.");
        }

        if (!string.IsNullOrEmpty(role) && !LiveSwitchRoles.Contains(role, StringComparer.OrdinalIgnoreCase))
        {
            var reported = EntityQueries.Facet(await index.CountAsync<ServerSnapshot>(), "role").Keys;
            if (!reported.Contains(role, StringComparer.OrdinalIgnoreCase))
            {
                var known = LiveSwitchRoles.Union(reported, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
                return EntityQueries.BadRequest($"role '{role}' is not one of: {string.Join(", ", known)}.");
            }
        }

        return await EntityQueries.ListAsync<ServerSnapshot, ServerStatus>(
            index, state, provider, EntityQueries.Facets(("role", role), ("region", region), ("health", health)), new(q, since, until), limit, cursor);
    }

    /// <summary>One server, its health judged at the tracker's clock (a server silent past <c>Fleet:SilentAfter</c> is down).</summary>
    public static Task<Results<Ok<ServerSnapshot>, ProblemHttpResult>> GetServerAsync(
        string provider, string id, IGrainFactory grains, TimeProvider time, IOptions<FleetOptions> fleet)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(fleet);
        return EntityQueries.GetAsync<IServerGrain, ServerSnapshot>(
            grains, provider, id, server => ServerHealthRules.AsOf(server, time.GetUtcNow(), fleet.Value.SilentAfter));
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
            EntityQueries.Facet(counts.Result, ServerStateMachine.HealthFacet),
            EntityQueries.Facet(counts.Result, ServerStateMachine.HealthReasonFacet),
            EntityQueries.Facet(counts.Result, "role"),
            EntityQueries.Facet(counts.Result, "region"),
            [.. down.Result.Items.Concat(degraded.Result.Items).Take(MaxUnhealthy)]));
    }

    /// <summary>The fleet's health over time; <c>from</c> later than <c>to</c> is a 400.</summary>
    public static async Task<Results<Ok<IReadOnlyList<FleetSample>>, ProblemHttpResult>> GetFleetHistoryAsync(
        FleetHistory history,
        [Description("ISO 8601 time; only samples at or after it (default: the history kept). Not a time, or after `to`: 400.")] DateTimeOffset? from,
        [Description("ISO 8601 time; only samples at or before it (default: now). Not a time: 400.")] DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (from > to)
        {
            return EntityQueries.BadRequest($"from ({from:O}) is later than to ({to:O}).");
        }

        return TypedResults.Ok(await history.ReadAsync(from, to, cancellationToken));
    }
}
