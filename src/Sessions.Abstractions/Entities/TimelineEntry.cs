namespace Sessions.Abstractions.Entities;

/// <summary>One line of an entity's timeline: when, which provider event, and what it did.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Entities.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] TransitionOutcome Outcome);
