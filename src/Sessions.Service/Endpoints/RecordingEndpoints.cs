using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Recordings;
using Sessions.Canonical;
using Sessions.Service.Queries;

namespace Sessions.Service.Endpoints;

/// <summary><c>/api/recordings</c>: recordings by status and provider, and one recording with its timeline.</summary>
public static class RecordingEndpoints
{
    public static IEndpointRouteBuilder MapRecordingEndpoints(this IEndpointRouteBuilder api)
    {
        var recordings = api.MapGroup("/recordings").WithTags("Recordings");
        recordings.MapGet("", ListRecordingsAsync).WithName("ListRecordings");
        recordings.MapGet("/{provider}/{id}", GetRecordingAsync).WithName("GetRecording");
        return api;
    }

    public static Task<Results<Ok<Page<RecordingSnapshot>>, ProblemHttpResult>> ListRecordingsAsync(
        IndexReader index, string? status, string? provider,
        [Description(ListSearch.QDescription)] string? q,
        [Description(ListSearch.SinceDescription)] DateTimeOffset? since,
        [Description(ListSearch.UntilDescription)] DateTimeOffset? until, int? limit, string? cursor) =>
        EntityQueries.ListAsync<RecordingSnapshot, RecordingStatus>(index, status, provider, null, new(q, since, until), limit, cursor);

    /// <summary>One recording, judged at the tracker's clock (one whose stream stayed disconnected past its reconnect window is stopped).</summary>
    public static Task<Results<Ok<RecordingSnapshot>, ProblemHttpResult>> GetRecordingAsync(string provider, string id, IGrainFactory grains, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return EntityQueries.GetAsync<IRecordingGrain, RecordingSnapshot>(grains, provider, id, recording => RecordingStreamRules.AsOf(recording, time.GetUtcNow()));
    }
}
