using Sessions.Webhooks.Events;

namespace Sessions.Abstractions.Entities;

/// <summary>One line of an entity's timeline: when, which provider event, and what it did.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Entities.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] TransitionOutcome Outcome);

/// <summary>What an entity grain knows, as returned to the API.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Entities.EntitySnapshot")]
public sealed record EntitySnapshot(
    [property: Id(0)] EntityKind Kind,
    [property: Id(1)] string Provider,
    [property: Id(2)] string Id,
    [property: Id(3)] DateTimeOffset FirstEventAt,
    [property: Id(4)] DateTimeOffset LastEventAt,
    [property: Id(5)] IReadOnlyList<TimelineEntry> Timeline);
