using System.Collections.ObjectModel;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Livestreams;
using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Livestreams;

/// <summary>
/// Livestreams: the status is time-first, because reconnects cycle through idle, preparing, connected, live and
/// disconnected; between events of one time the rank preparing &lt; connected &lt; live &lt; disconnected &lt; idle &lt;
/// disabled decides (idle is the end of a broadcast). <c>deleted</c> is terminal and sticky; <c>disabled</c> is not.
/// Simulcast targets follow the same rule per target id. Settings are newest-wins per field; assets are a union.
/// Recordings the stream started and the provider never ends (FastPix) end with the broadcast
/// (<see cref="StreamRecordings"/>): each status event of the stream tells those recordings when they ended.
/// </summary>
public sealed class LivestreamStateMachine : IEntityStateMachine<LivestreamState, LivestreamSnapshot>
{
    private const int Sticky = 1;

    public static EntityKind Kind => EntityKind.Livestream;

    public static bool Apply(LivestreamState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        return evt.Change switch
        {
            LivestreamStatusChanged status => FoldStatus(state, evt, status),
            LivestreamUpdated updated => FoldSettings(state, EventStamp.TimeFirst(evt.OccurredAt, 0, evt.DedupeKey), updated.Settings),
            SimulcastTargetChanged target => FoldTarget(state, evt, target),
            LivestreamAssetCreated asset => SortedSets.Add(state.Assets, asset.AssetId),
            _ => false,
        };
    }

    public static LivestreamSnapshot Snapshot(LivestreamState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline) =>
        Render(state, header, timeline);

    public static LivestreamSnapshot ListItem(LivestreamState state, EntityHeader header) => Render(state, header, null);

    public static string Status(LivestreamState state) => StatusWords.Of(CurrentStatus(state));

    public static IReadOnlyDictionary<string, string> Facets(LivestreamState state) => ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The session the livestream belongs to, and its simulcast targets' ids.</summary>
    public static IReadOnlyList<string> SearchTerms(LivestreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return SearchText.Of(state.Targets.Keys.Prepend(state.SessionId.Value));
    }

    public static DateTimeOffset? FinishedAt(LivestreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.DeletedAt;
    }

    /// <summary>
    /// After a status event: a <c>stopped</c> event, at the time it ended, for each recording of the stream whose end is
    /// known (type <c>livestream.{word}</c>, the stream word that ended it). Every status event repeats them, so a
    /// retry or a late event that moves an end is told; the recordings answer repeats as duplicates. Each recording whose
    /// end is not known yet is told the stream's newest word after its start (type <c>stream.{word}</c>), with the
    /// window's end while the stream is disconnected, so the tracker's clock can stop it if nothing more is ever sent.
    /// </summary>
    public static IReadOnlyList<CanonicalEvent> FollowUps(LivestreamState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.Change is not LivestreamStatusChanged || state.RecordingStarts.Count == 0)
        {
            return [];
        }

        return
        [
            .. StreamRecordings.Ends(state).Select(end => new CanonicalEvent
            {
                Type = StreamRecordings.EndedTypePrefix + end.EndedBy,
                Provider = evt.Provider,
                Kind = EntityKind.Recording,
                EntityId = end.RecordingId,
                OccurredAt = end.EndedAt,
                DedupeKey = $"{evt.Provider}:{evt.EntityId}:recording-ended:{end.RecordingId}:{end.EndedAt.UtcTicks}",
                Change = new RecordingStatusChanged(
                    RecordingStatus.Stopped, end.EndedBy, Details: new RecordingDetails(StoppedAt: end.EndedAt)),
            }),
            .. StreamRecordings.Open(state).Select(open => new CanonicalEvent
            {
                Type = StreamRecordings.StreamTypePrefix + open.Latest.ProviderStatus,
                Provider = evt.Provider,
                Kind = EntityKind.Recording,
                EntityId = open.RecordingId,
                OccurredAt = open.Latest.At,
                DedupeKey = $"{evt.Provider}:{evt.EntityId}:recording-stream:{open.RecordingId}:{open.Latest.Key}",
                Change = new RecordingStreamStatus(open.Latest.Status, open.ReconnectBy),
            }),
        ];
    }

    private static bool FoldStatus(LivestreamState state, CanonicalEvent evt, LivestreamStatusChanged change)
    {
        var before = (CurrentStatus(state), state.ProviderStatus.Value, state.SessionId.Value);
        var rank = Rank(change.Status);
        var stamp = new EventStamp(change.Status == LivestreamStatus.Deleted ? Sticky : 0, evt.OccurredAt, rank, evt.DedupeKey);
        state.Status.KeepHighest(stamp, change.Status);
        state.ProviderStatus.KeepHighest(stamp, change.ProviderStatus);
        if (change.Status == LivestreamStatus.Deleted && (state.DeletedAt is not { } deleted || evt.OccurredAt < deleted))
        {
            state.DeletedAt = evt.OccurredAt;
        }

        var field = EventStamp.TimeFirst(evt.OccurredAt, rank, evt.DedupeKey);
        if (change.SessionId is { } sessionId)
        {
            state.SessionId.KeepLowest(field, sessionId);
        }

        var settingsChanged = change.Settings is { } settings && FoldSettings(state, field, settings);

        // Kept (the grain stores every event that is not a duplicate) but not shown: the recording itself shows it.
        StreamRecordings.Mark(state, new StatusMark(evt.OccurredAt, change.Status, change.ProviderStatus, evt.DedupeKey));
        if (change.StartedRecordingId is { } recordingId)
        {
            state.RecordingStarts.TryAdd(recordingId, evt.OccurredAt);
        }

        return settingsChanged || (CurrentStatus(state), state.ProviderStatus.Value, state.SessionId.Value) != before;
    }

    /// <summary>Tie rank between status events of the same time; the end of a broadcast (idle) outranks its steps.</summary>
    private static int Rank(LivestreamStatus status) => status switch
    {
        LivestreamStatus.Preparing => 1,
        LivestreamStatus.Connected => 2,
        LivestreamStatus.Live => 3,
        LivestreamStatus.Disconnected => 4,
        LivestreamStatus.Idle => 5,
        LivestreamStatus.Disabled => 6,
        LivestreamStatus.Deleted => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static bool FoldSettings(LivestreamState state, EventStamp stamp, LivestreamSettings settings) =>
        state.MaxResolution.Offer(stamp, settings.MaxResolution)
        | state.ReconnectWindowSeconds.Offer(stamp, settings.ReconnectWindowSeconds)
        | state.Recording.Offer(stamp, settings.Recording);

    private static bool FoldTarget(LivestreamState state, CanonicalEvent evt, SimulcastTargetChanged change)
    {
        var known = state.Targets.TryGetValue(change.TargetId, out var target);
        if (target is null)
        {
            target = new LivestreamTarget();
            state.Targets[change.TargetId] = target;
        }

        var before = known ? View(change.TargetId, target) : null;
        var rank = (int)change.Status;
        var tier = change.Status == SimulcastTargetStatus.Deleted ? Sticky : 0;
        target.Status.KeepHighest(new EventStamp(tier, evt.OccurredAt, rank, evt.DedupeKey), change.Status);
        target.Url.Offer(EventStamp.TimeFirst(evt.OccurredAt, rank, evt.DedupeKey), change.Url);
        return View(change.TargetId, target) != before;
    }

    /// <summary>A livestream heard of only through targets or assets reads as idle.</summary>
    private static LivestreamStatus CurrentStatus(LivestreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status.Stamp is null ? LivestreamStatus.Idle : state.Status.Value;
    }

    private static TargetView View(string id, LivestreamTarget target) =>
        new(id, target.Status.Value, target.Url.Value, target.Status.Stamp?.At ?? default);

    private static LivestreamSnapshot Render(LivestreamState state, EntityHeader header, IReadOnlyList<TimelineEntry>? timeline)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new LivestreamSnapshot(
            header.Provider,
            header.Id,
            CurrentStatus(state),
            state.ProviderStatus.Value,
            state.SessionId.Value,
            new LivestreamSettingsView(state.MaxResolution.Value, state.ReconnectWindowSeconds.Value, state.Recording.Value),
            [.. state.Targets.Select(pair => View(pair.Key, pair.Value)).OrderBy(view => view.Id, StringComparer.Ordinal)],
            [.. state.Assets],
            header.LastEventAt,
            timeline);
    }
}
