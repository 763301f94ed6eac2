namespace Sessions.Abstractions.Entities;

/// <summary>
/// One line of an entity's timeline: when, which provider event, what it did, and, when the event is about a part of
/// the entity or another entity (a participant, a connection, a recording, a simulcast target), which one.
/// </summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Entities.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] TransitionOutcome Outcome,
    [property: Id(3)] TimelineSubject? Subject = null);

/// <summary>
/// What a timeline entry concerns: <c>participant</c>, <c>connection</c>, <c>recording</c>, <c>livestream</c>,
/// <c>session</c>, <c>simulcastTarget</c> or <c>asset</c>, its id, and a name when the event gives one (a participant's
/// display name; for a connection, the id of the participant it belongs to).
/// </summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Entities.TimelineSubject")]
public sealed record TimelineSubject(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string? Name = null);
