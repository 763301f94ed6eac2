using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Abstractions.Sessions;

/// <summary>One session (channel, meeting, room) as the API shows it.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's session id.</param>
/// <param name="Status"><c>active</c> (also while no status event was seen) or <c>ended</c> (by its provider, or by silence: <see cref="SessionSilenceRules"/>).</param>
/// <param name="StartedAt">The earliest <c>active</c> event's time.</param>
/// <param name="EndedAt">The time of the winning <c>ended</c> event; null while active.</param>
/// <param name="Title">The session's title or room name, when the provider gives one.</param>
/// <param name="Organizer">Who organised the session, when the provider says.</param>
/// <param name="EndReason">Why the session ended, when the provider says; <c>silent</c> when the tracker's clock ended it (<see cref="SessionSilenceRules"/>); null while active.</param>
/// <param name="Participants">Everyone who joined or left, by id; null in list items.</param>
/// <param name="ParticipantCount">How many participants are present now.</param>
/// <param name="PeakParticipants">The most participants present at one time.</param>
/// <param name="Connections">Media connections by id; null in list items.</param>
/// <param name="Recordings">Ids of the recordings linked to the session.</param>
/// <param name="Livestreams">Ids of the livestreams linked to the session.</param>
/// <param name="LinkedSessions">Ids of other sessions linked to this one (an eyeson supervisor session).</param>
/// <param name="Artefacts">Chat exports, transcripts, summaries and snapshots.</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
/// <param name="Timeline">The entity's timeline; null in list items.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Sessions.SessionSnapshot")]
public sealed record SessionSnapshot(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Id,
    [property: Id(2)] SessionStatus Status,
    [property: Id(3)] DateTimeOffset? StartedAt,
    [property: Id(4)] DateTimeOffset? EndedAt,
    [property: Id(5)] string? Title,
    [property: Id(6)] string? Organizer,
    [property: Id(7)] string? EndReason,
    [property: Id(8)] IReadOnlyList<ParticipantView>? Participants,
    [property: Id(9)] int ParticipantCount,
    [property: Id(10)] int PeakParticipants,
    [property: Id(11)] IReadOnlyList<ConnectionView>? Connections,
    [property: Id(12)] IReadOnlyList<string> Recordings,
    [property: Id(13)] IReadOnlyList<string> Livestreams,
    [property: Id(14)] IReadOnlyList<string> LinkedSessions,
    [property: Id(15)] IReadOnlyList<ArtefactView> Artefacts,
    [property: Id(16)] DateTimeOffset LastEventAt,
    [property: Id(17)] IReadOnlyList<TimelineEntry>? Timeline);

/// <summary>One participant of a session.</summary>
/// <param name="Id">The provider's participant id (LiveSwitch client id, Dyte peer id).</param>
/// <param name="Name">The display name, when the provider gives one.</param>
/// <param name="JoinedAt">The latest join time.</param>
/// <param name="LeftAt">The latest leave time, while the participant is gone; null while present.</param>
/// <param name="Present">Whether the participant's latest event is a join.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Sessions.ParticipantView")]
public sealed record ParticipantView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] DateTimeOffset? JoinedAt,
    [property: Id(3)] DateTimeOffset? LeftAt,
    [property: Id(4)] bool Present);

/// <summary>One media connection inside a session.</summary>
/// <param name="Id">The provider's connection id.</param>
/// <param name="ParticipantId">The participant (client) the connection belongs to, when known.</param>
/// <param name="State">The furthest lifecycle state reached.</param>
/// <param name="Since">The time of the event that set <paramref name="State"/>.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Sessions.ConnectionView")]
public sealed record ConnectionView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? ParticipantId,
    [property: Id(2)] ConnectionStatus State,
    [property: Id(3)] DateTimeOffset Since);

/// <summary>Something a session produced: a chat export, a transcript, a summary, a snapshot.</summary>
/// <param name="Kind"><c>chat</c>, <c>transcript</c>, <c>summary</c>, <c>snapshot</c>, …</param>
/// <param name="Url">Where to fetch it, when the provider says.</param>
/// <param name="At">When the provider announced it.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Sessions.ArtefactView")]
public sealed record ArtefactView(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? Url,
    [property: Id(2)] DateTimeOffset At);
