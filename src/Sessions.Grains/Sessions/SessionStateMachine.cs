using System.Collections.ObjectModel;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Sessions;
using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Sessions;

/// <summary>
/// Sessions: the status is time-first (ties: ended wins); each participant is present when its newest join/leave is a
/// join (ties: left wins); each connection keeps the furthest lifecycle state reached (rank-first); links and artefacts
/// are unions. <see cref="SessionSeen"/> moves only last-seen, which the grain's header keeps.
/// </summary>
public sealed class SessionStateMachine : IEntityStateMachine<SessionState, SessionSnapshot>
{
    /// <summary>
    /// Join/leave marks kept per participant (the newest win). Presence needs only the newest; the peak sweep runs over
    /// the kept marks, so a participant who flapped more often than this only counts from its oldest kept mark on.
    /// </summary>
    public const int MaxMarksPerParticipant = 32;

    /// <summary>Artefacts kept per session; the oldest announcements fall out first.</summary>
    public const int MaxArtefacts = 100;

    private const int Joined = 0;
    private const int Left = 1;

    /// <summary>Artefact kinds a session has many of; they are told apart by URL, the others are one per kind.</summary>
    private static readonly HashSet<string> RepeatableArtefacts = new(StringComparer.Ordinal) { "snapshot" };

    public static EntityKind Kind => EntityKind.Session;

    public static bool Apply(SessionState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        return evt.Change switch
        {
            SessionStatusChanged status => FoldStatus(state, evt, status),
            ParticipantChanged participant => FoldParticipant(state, evt, participant),
            ConnectionChanged connection => FoldConnection(state, evt, connection),
            SessionLinked link => FoldLink(state, link),
            SessionArtefactAdded artefact => FoldArtefact(state, evt, artefact),
            _ => false,
        };
    }

    public static SessionSnapshot Snapshot(SessionState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline) =>
        Render(state, header, timeline, full: true);

    public static SessionSnapshot ListItem(SessionState state, EntityHeader header) => Render(state, header, null, full: false);

    public static string Status(SessionState state) => StatusWords.Of(CurrentStatus(state));

    public static IReadOnlyDictionary<string, string> Facets(SessionState state) => ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The title, the organizer, and every participant's id and name.</summary>
    public static IReadOnlyList<string> SearchTerms(SessionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return SearchText.Of(
            new[] { state.Title.Value, state.Organizer.Value }.Concat(state.Participants.SelectMany(p => new[] { p.Key, p.Value.Name.Value })));
    }

    public static DateTimeOffset? FinishedAt(SessionState state) => EndedAt(state);

    private static bool FoldStatus(SessionState state, CanonicalEvent evt, SessionStatusChanged change)
    {
        var before = Head(state);
        var stamp = EventStamp.TimeFirst(evt.OccurredAt, (int)change.Status, evt.DedupeKey);
        state.Status.KeepHighest(stamp, change.Status);
        if (change.Status == SessionStatus.Active && (state.FirstActiveAt is not { } first || evt.OccurredAt < first))
        {
            state.FirstActiveAt = evt.OccurredAt;
        }

        state.Title.Offer(stamp, change.Title);
        state.Organizer.Offer(stamp, change.Organizer);
        if (change.Status == SessionStatus.Ended)
        {
            state.EndReason.Offer(stamp, change.Reason);
        }

        return Head(state) != before;
    }

    private static bool FoldParticipant(SessionState state, CanonicalEvent evt, ParticipantChanged change)
    {
        var known = state.Participants.TryGetValue(change.ParticipantId, out var participant);
        if (participant is null)
        {
            participant = new SessionParticipant();
            state.Participants[change.ParticipantId] = participant;
        }

        var before = known ? View(change.ParticipantId, participant) : null;
        var stamp = EventStamp.TimeFirst(evt.OccurredAt, change.Present ? Joined : Left, evt.DedupeKey);
        participant.Name.Offer(stamp, change.Name);
        if (change.Present && (participant.LastJoinedAt is not { } last || evt.OccurredAt > last))
        {
            participant.LastJoinedAt = evt.OccurredAt;
        }

        var changed = false;
        if (Mark(participant.Marks, stamp))
        {
            var peak = Peak(state);
            changed = peak != state.PeakParticipants;
            state.PeakParticipants = peak;
        }

        return changed | (View(change.ParticipantId, participant) != before);
    }

    /// <summary>Adds a join/leave mark, keeping the newest <see cref="MaxMarksPerParticipant"/>; true when the kept marks changed.</summary>
    private static bool Mark(List<EventStamp> marks, EventStamp stamp)
    {
        var index = marks.BinarySearch(stamp);
        if (index >= 0)
        {
            return false;
        }

        marks.Insert(~index, stamp);
        if (marks.Count <= MaxMarksPerParticipant)
        {
            return true;
        }

        marks.RemoveAt(0);
        return ~index != 0;
    }

    /// <summary>
    /// The most participants present at once: a sweep over every kept mark in stamp order, counting after each
    /// distinct time, so that events of the same instant count as simultaneous (and a join and leave of one
    /// participant at one instant leave it gone, as presence does).
    /// </summary>
    private static int Peak(SessionState state)
    {
        var marks = new List<(EventStamp Stamp, string Participant)>();
        foreach (var (id, participant) in state.Participants)
        {
            marks.AddRange(participant.Marks.Select(mark => (mark, id)));
        }

        marks.Sort(static (a, b) =>
        {
            var order = a.Stamp.CompareTo(b.Stamp);
            return order != 0 ? order : string.CompareOrdinal(a.Participant, b.Participant);
        });
        var present = new HashSet<string>(StringComparer.Ordinal);
        var peak = 0;
        for (var i = 0; i < marks.Count;)
        {
            var at = marks[i].Stamp.At;
            for (; i < marks.Count && marks[i].Stamp.At == at; i++)
            {
                if (marks[i].Stamp.Rank == Joined)
                {
                    present.Add(marks[i].Participant);
                }
                else
                {
                    present.Remove(marks[i].Participant);
                }
            }

            peak = Math.Max(peak, present.Count);
        }

        return peak;
    }

    private static bool FoldConnection(SessionState state, CanonicalEvent evt, ConnectionChanged change)
    {
        var known = state.Connections.TryGetValue(change.ConnectionId, out var connection);
        if (connection is null)
        {
            connection = new SessionConnection();
            state.Connections[change.ConnectionId] = connection;
        }

        var before = known ? View(change.ConnectionId, connection) : null;
        var rank = (int)change.State;
        connection.State.KeepHighest(new EventStamp(Tier(change.State), evt.OccurredAt, rank, evt.DedupeKey), change.State);
        if (change.ParticipantId is { } participantId)
        {
            connection.ParticipantId.KeepLowest(EventStamp.TimeFirst(evt.OccurredAt, rank, evt.DedupeKey), participantId);
        }

        return View(change.ConnectionId, connection) != before;
    }

    /// <summary>Connection lifecycle rank: initializing &lt; connecting &lt; connected &lt; failing = closing &lt; failed = closed.</summary>
    private static int Tier(ConnectionStatus state) => state switch
    {
        ConnectionStatus.Initializing => 0,
        ConnectionStatus.Connecting => 1,
        ConnectionStatus.Connected => 2,
        ConnectionStatus.Failing or ConnectionStatus.Closing => 3,
        ConnectionStatus.Failed or ConnectionStatus.Closed => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static bool FoldLink(SessionState state, SessionLinked link)
    {
        var set = link.LinkedKind switch
        {
            EntityKind.Recording => state.Recordings,
            EntityKind.Livestream => state.Livestreams,
            EntityKind.Session => state.LinkedSessions,
            _ => null,
        };
        return set is not null && SortedSets.Add(set, link.LinkedId);
    }

    private static bool FoldArtefact(SessionState state, CanonicalEvent evt, SessionArtefactAdded change)
    {
        var key = RepeatableArtefacts.Contains(change.Artefact) ? $"{change.Artefact} {change.Url}" : change.Artefact;
        var stamp = EventStamp.TimeFirst(evt.OccurredAt, 0, evt.DedupeKey);
        if (state.Artefacts.TryGetValue(key, out var artefact))
        {
            var at = artefact.Url.Stamp?.At;
            return artefact.Url.KeepHighest(stamp, change.Url) | artefact.Url.Stamp?.At != at;
        }

        artefact = new SessionArtefact { Kind = change.Artefact };
        artefact.Url.KeepHighest(stamp, change.Url);
        state.Artefacts[key] = artefact;
        if (state.Artefacts.Count <= MaxArtefacts)
        {
            return true;
        }

        var oldest = state.Artefacts.MinBy(pair => pair.Value.Url.Stamp).Key;
        state.Artefacts.Remove(oldest);
        return oldest != key;
    }

    /// <summary>A session heard of only through participants, connections or links is under way: it counts as active.</summary>
    private static SessionStatus CurrentStatus(SessionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status.Stamp is null ? SessionStatus.Active : state.Status.Value;
    }

    private static DateTimeOffset? EndedAt(SessionState state) =>
        CurrentStatus(state) == SessionStatus.Ended ? state.Status.Stamp?.At : null;

    private static string? EndReason(SessionState state) =>
        CurrentStatus(state) == SessionStatus.Ended ? state.EndReason.Value : null;

    /// <summary>Everything a status event can change in the snapshot.</summary>
    private static (SessionStatus, DateTimeOffset?, DateTimeOffset?, string?, string?, string?) Head(SessionState state) =>
        (CurrentStatus(state), state.FirstActiveAt, EndedAt(state), state.Title.Value, state.Organizer.Value, EndReason(state));

    /// <summary>Present when the newest kept mark is a join.</summary>
    private static bool IsPresent(SessionParticipant participant) => participant.Marks is [.., { Rank: Joined }];

    private static ParticipantView View(string id, SessionParticipant participant)
    {
        var present = IsPresent(participant);
        var left = present || participant.Marks.Count == 0 ? (DateTimeOffset?)null : participant.Marks[^1].At;
        return new ParticipantView(id, participant.Name.Value, participant.LastJoinedAt, left, present);
    }

    private static ConnectionView View(string id, SessionConnection connection) =>
        new(id, connection.ParticipantId.Value, connection.State.Value, connection.State.Stamp?.At ?? default);

    private static SessionSnapshot Render(SessionState state, EntityHeader header, IReadOnlyList<TimelineEntry>? timeline, bool full)
    {
        ArgumentNullException.ThrowIfNull(header);
        var participants = full
            ? state.Participants
                .Select(pair => View(pair.Key, pair.Value))
                .OrderBy(view => view.JoinedAt)
                .ThenBy(view => view.Id, StringComparer.Ordinal)
                .ToArray()
            : null;
        var connections = full
            ? state.Connections.Select(pair => View(pair.Key, pair.Value)).OrderBy(view => view.Id, StringComparer.Ordinal).ToArray()
            : null;
        var artefacts = state.Artefacts.Values
            .Select(artefact => new ArtefactView(artefact.Kind, artefact.Url.Value, artefact.Url.Stamp?.At ?? default))
            .OrderBy(view => view.At)
            .ThenBy(view => view.Kind, StringComparer.Ordinal)
            .ThenBy(view => view.Url, StringComparer.Ordinal)
            .ToArray();
        return new SessionSnapshot(
            header.Provider,
            header.Id,
            CurrentStatus(state),
            state.FirstActiveAt,
            EndedAt(state),
            state.Title.Value,
            state.Organizer.Value,
            EndReason(state),
            participants,
            state.Participants.Values.Count(IsPresent),
            state.PeakParticipants,
            connections,
            [.. state.Recordings],
            [.. state.Livestreams],
            [.. state.LinkedSessions],
            artefacts,
            header.LastEventAt,
            timeline);
    }
}
