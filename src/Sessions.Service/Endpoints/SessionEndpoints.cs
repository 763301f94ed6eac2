using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;
using Sessions.Grains.Indexing;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary><c>/api/sessions</c>: sessions by status and provider, and one session with its timeline.</summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapGet("", ListSessionsAsync).WithName("ListSessions");
        sessions.MapGet("/{provider}/{id}", GetSessionAsync).WithName("GetSession");
        return api;
    }

    public static Task<Results<Ok<Page<SessionSnapshot>>, ProblemHttpResult>> ListSessionsAsync(
        IndexReader index, string? status, string? provider,
        [Description(ListSearch.QDescription)] string? q,
        [Description(ListSearch.SinceDescription)] DateTimeOffset? since,
        [Description(ListSearch.UntilDescription)] DateTimeOffset? until, int? limit, string? cursor) =>
        EntityQueries.ListAsync<SessionSnapshot, SessionStatus>(index, status, provider, null, new(q, since, until), limit, cursor);

    /// <summary>One session, judged at the tracker's clock (an active session silent past <c>Silence:SessionEndsAfter</c> is ended).</summary>
    public static Task<Results<Ok<SessionSnapshot>, ProblemHttpResult>> GetSessionAsync(
        string provider, string id, IGrainFactory grains, TimeProvider time, IOptions<SilenceOptions> silence)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(silence);
        return EntityQueries.GetAsync<ISessionGrain, SessionSnapshot>(
            grains, provider, id, session => SessionSilenceRules.AsOf(session, time.GetUtcNow(), silence.Value.SessionEndsAfter));
    }
}
