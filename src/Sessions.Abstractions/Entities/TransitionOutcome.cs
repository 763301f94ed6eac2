namespace Sessions.Abstractions.Entities;

/// <summary>What a grain did with one canonical event; the webhook answer reports it per event.</summary>
[GenerateSerializer]
public enum TransitionOutcome
{
    /// <summary>The event changed the entity and is durably stored.</summary>
    Applied = 0,

    /// <summary>The same event (same dedupe key) was already applied.</summary>
    Duplicate = 1,

    /// <summary>Older than what the entity knows; recorded on the timeline, the state did not move.</summary>
    Stale = 2,

    /// <summary>A provider event type the tracker does not map.</summary>
    Ignored = 3,
}
