namespace Sessions.Abstractions.Webhooks;

/// <summary>What one event of a webhook body came to: the provider's type, the entity it touched, and the outcome word.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Webhooks.EventOutcome")]
public sealed record EventOutcome([property: Id(0)] string Type, [property: Id(1)] string? Entity, [property: Id(2)] string Outcome);

/// <summary>
/// One accepted webhook request as kept in the raw log. It travels with a single-event webhook's grain call, so the
/// entity stores the request's row in the same commit as the event (one durable write per webhook, not two).
/// </summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Webhooks.RawWebhook")]
public sealed record RawWebhook(
    [property: Id(0)] long Id,
    [property: Id(1)] string Source,
    [property: Id(2)] string Kind,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(5)] ReadOnlyMemory<byte> Body,
    [property: Id(6)] IReadOnlyList<EventOutcome> Outcomes);
