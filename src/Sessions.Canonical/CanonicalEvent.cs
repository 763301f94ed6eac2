namespace Sessions.Canonical;

/// <summary>One item found in a webhook body: either a canonical event or a type the tracker does not map.</summary>
public abstract record WebhookItem
{
    /// <summary>The provider's own event type, for example <c>channel.client.joined</c>.</summary>
    public required string Type { get; init; }
}

/// <summary>A provider event type that is acknowledged and counted but changes no entity.</summary>
public sealed record UnmappedEvent : WebhookItem
{
    /// <summary>The entity the body names, when one could be read (for the answer and the log only).</summary>
    public string? EntityHint { get; init; }
}

/// <summary>A verified provider fact about one tracked entity, in the tracker's own vocabulary.</summary>
public sealed record CanonicalEvent : WebhookItem
{
    /// <summary>Provider kind: <c>liveswitch</c>, <c>dyte</c>, <c>fastpix</c>, <c>eyeson</c>, or the name a standard-webhooks sender gives.</summary>
    public required string Provider { get; init; }

    /// <summary>Which grain owns the entity.</summary>
    public required EntityKind Kind { get; init; }

    /// <summary>The provider's id of the entity (the grain key is <c>{Provider}/{EntityId}</c>).</summary>
    public required string EntityId { get; init; }

    /// <summary>When the event happened: the provider's time, or the receive time when the provider sends none.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Stable across provider retries: provider event id where one exists, else a digest of the item.</summary>
    public required string DedupeKey { get; init; }

    /// <summary>What changed.</summary>
    public required EntityChange Change { get; init; }
}
