using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Entities;
using Sessions.Canonical;
using Sessions.Grains.Indexing;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary>One provider application, counted from its clients: how many are registered now, and how many are tracked.</summary>
public sealed record ApplicationCounts(string Id, int RegisteredClients, int Clients);

/// <summary>
/// <c>/api/clients</c> and <c>/api/applications</c>: LiveSwitch clients one by one, and the applications they name,
/// counted from the client index's facets (applications have no grain of their own).
/// </summary>
public static class ClientEndpoints
{
    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Applications");
        clients.MapGet("", ListClientsAsync).WithName("ListClients");
        clients.MapGet("/{provider}/{id}", GetClientAsync).WithName("GetClient");

        var applications = api.MapGroup("/applications").WithTags("Applications");
        applications.MapGet("", ListApplicationsAsync).WithName("ListApplications")
            .WithSummary("Every application a tracked client names, most registered clients first.");
        applications.MapGet("/{id}", GetApplicationAsync).WithName("GetApplication");
        return api;
    }

    public static Task<Results<Ok<Page<ClientSnapshot>>, ProblemHttpResult>> ListClientsAsync(
        IndexReader index, string? status, string? provider, string? application,
        [Description(ListSearch.QDescription)] string? q,
        [Description(ListSearch.SinceDescription)] DateTimeOffset? since,
        [Description(ListSearch.UntilDescription)] DateTimeOffset? until, int? limit, string? cursor) =>
        EntityQueries.ListAsync<ClientSnapshot, ClientStatus>(
            index, status, provider, EntityQueries.Facets((ClientFacets.Application, application)), new(q, since, until), limit, cursor);

    /// <summary>One client, judged at the tracker's clock (a registered client silent past <c>Silence:ClientUnregistersAfter</c> is unregistered).</summary>
    public static Task<Results<Ok<ClientSnapshot>, ProblemHttpResult>> GetClientAsync(
        string provider, string id, IGrainFactory grains, TimeProvider time, IOptions<SilenceOptions> silence)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(silence);
        return EntityQueries.GetAsync<IClientGrain, ClientSnapshot>(
            grains, provider, id, client => ClientSilenceRules.AsOf(client, time.GetUtcNow(), silence.Value.ClientUnregistersAfter));
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
            : EntityQueries.NotFound($"No tracked client names application '{id}'.");

    /// <summary>Every application a tracked client names, from the client index's two facets.</summary>
    private static async Task<IEnumerable<ApplicationCounts>> ApplicationsAsync(IndexReader index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var counts = await index.CountAsync<ClientSnapshot>();
        var registered = EntityQueries.Facet(counts, ClientFacets.RegisteredApplication);
        return EntityQueries.Facet(counts, ClientFacets.Application)
            .Select(a => new ApplicationCounts(a.Key, registered.GetValueOrDefault(a.Key), a.Value));
    }
}
