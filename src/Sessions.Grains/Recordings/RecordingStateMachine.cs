using System.Collections.ObjectModel;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Recordings;
using Sessions.Grains.Entities;
using Sessions.Grains.Livestreams;
using Sessions.Canonical;

namespace Sessions.Grains.Recordings;

/// <summary>
/// Recordings: the status is rank-first, pending &lt; recording &lt; stopped &lt; uploading &lt; ready &lt; failed &lt;
/// expired, so no late event moves a recording back (a late UPLOADING cannot downgrade UPLOADED) and the terminal
/// states are sticky; event time, then dedupe key, decide between events of one status. Failed outranks ready: a
/// failure reported for a recording (a LiveSwitch move or mux failure, a StreamRec upload failure) means its file cannot
/// be trusted even if a ready was announced. Expired outranks both: afterwards nothing is downloadable. Details are
/// last-writer-wins per field by event time among the events that carry them; the session is the first one named. A
/// recording of a stream (FastPix) also keeps its stream's newest word, for <see cref="RecordingStreamRules"/>.
/// </summary>
public sealed class RecordingStateMachine : IEntityStateMachine<RecordingState, RecordingSnapshot>
{
    private static readonly EntityHeader Nobody = new("", "", default, default);

    public static EntityKind Kind => EntityKind.Recording;

    public static bool Apply(RecordingState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.Change is RecordingStreamStatus stream)
        {
            var previous = ListItem(state, Nobody);
            state.StreamReconnectBy.KeepHighest(EventStamp.TimeFirst(evt.OccurredAt, (int)stream.Status, evt.DedupeKey), stream.ReconnectBy);
            return ListItem(state, Nobody) != previous;
        }

        if (evt.Change is not RecordingStatusChanged change)
        {
            return false;
        }

        var before = ListItem(state, Nobody);
        var rank = (int)change.Status;
        var stamp = new EventStamp(rank, evt.OccurredAt, rank, evt.DedupeKey);
        state.Status.KeepHighest(stamp, change.Status);
        state.ProviderStatus.KeepHighest(stamp, change.ProviderStatus);
        if (IsFinished(change.Status, evt) && (state.FinishedAt is not { } finished || evt.OccurredAt < finished))
        {
            state.FinishedAt = evt.OccurredAt;
        }

        var field = EventStamp.TimeFirst(evt.OccurredAt, rank, evt.DedupeKey);
        if (change.SessionId is { } sessionId)
        {
            state.SessionId.KeepLowest(field, sessionId);
        }

        if (change.Details is { } details)
        {
            state.StartedAt.Offer(field, details.StartedAt);
            state.StoppedAt.Offer(field, details.StoppedAt);
            state.DurationMs.Offer(field, details.DurationMs);
            state.SizeBytes.Offer(field, details.SizeBytes);
            state.DownloadUrl.Offer(field, details.DownloadUrl);
            state.DownloadUrlExpiresAt.Offer(field, details.DownloadUrlExpiresAt);
            state.FailureReason.Offer(field, details.FailureReason);
        }

        return ListItem(state, Nobody) != before;
    }

    public static RecordingSnapshot Snapshot(RecordingState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline) =>
        Render(state, header, timeline);

    public static RecordingSnapshot ListItem(RecordingState state, EntityHeader header) => Render(state, header, null);

    public static string Status(RecordingState state) => StatusWords.Of(CurrentStatus(state));

    public static IReadOnlyDictionary<string, string> Facets(RecordingState state) => ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The session the recording belongs to.</summary>
    public static IReadOnlyList<string> SearchTerms(RecordingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return SearchText.Of([state.SessionId.Value]);
    }

    public static DateTimeOffset? FinishedAt(RecordingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.FinishedAt;
    }

    /// <summary>
    /// Ready, failed and expired are the ends of a recording. So is a stop told by its stream (FastPix, which announces
    /// no more of the recording): nothing follows it, and retention must not keep it forever.
    /// </summary>
    private static bool IsFinished(RecordingStatus status, CanonicalEvent evt) =>
        status is RecordingStatus.Ready or RecordingStatus.Failed or RecordingStatus.Expired
        || (status is RecordingStatus.Stopped && evt.Type.StartsWith(StreamRecordings.EndedTypePrefix, StringComparison.Ordinal));

    /// <summary>Every recording event carries a status; an empty state (never rendered by the grain) reads as pending.</summary>
    private static RecordingStatus CurrentStatus(RecordingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status.Value;
    }

    private static RecordingSnapshot Render(RecordingState state, EntityHeader header, IReadOnlyList<TimelineEntry>? timeline)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new RecordingSnapshot(
            header.Provider,
            header.Id,
            state.SessionId.Value,
            CurrentStatus(state),
            state.ProviderStatus.Value,
            state.StartedAt.Value,
            state.StoppedAt.Value,
            state.DurationMs.Value,
            state.SizeBytes.Value,
            state.DownloadUrl.Value,
            state.DownloadUrlExpiresAt.Value,
            state.FailureReason.Value,
            header.LastEventAt,
            timeline,
            state.StreamReconnectBy.Value is null ? null : state.StreamReconnectBy.Stamp?.At,
            state.StreamReconnectBy.Value);
    }
}
