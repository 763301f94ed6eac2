namespace Sessions.Simulator.Traffic;

/// <summary>How a delivery relates to the provider's own order of events.</summary>
public enum DeliveryKind
{
    /// <summary>Delivered in the order the provider produced it.</summary>
    InOrder = 0,

    /// <summary>Held back and delivered after a newer event of its scenario: older news arriving late.</summary>
    Late = 1,

    /// <summary>A provider retry of an earlier delivery: the same bytes and headers again.</summary>
    Duplicate = 2,
}

/// <summary>
/// What one event states about one tracked entity, as the service should read it: the entity, the status it moves to
/// (null when it moves none, such as a participant joining), the event's own time, and the event type the entity's
/// timeline names it by (a batch's element type, not the batch's joined one).
/// </summary>
public sealed record EntityFact(string Kind, string Provider, string Id, string? Status, DateTimeOffset At, string Type);

/// <summary>One webhook exactly as its provider sends it: the source it goes to, the body bytes and signed headers.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Type">The provider's event type; a batch names its elements' types joined by <c>+</c>.</param>
/// <param name="Source">The webhook source name (<c>/webhooks/{Source}</c>).</param>
/// <param name="Token">The <c>?token=</c> of an unsigned delivery, else null.</param>
/// <param name="Body">The raw JSON body the signature covers.</param>
/// <param name="Headers">The provider's headers besides Content-Type.</param>
/// <param name="Facts">What the body states about entities, in body order.</param>
public sealed record ProviderEvent(
    string Provider,
    string Type,
    string Source,
    string? Token,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<EntityFact> Facts);

/// <summary>One HTTP delivery: its place in the plan, when to send it (from the run's start), and what it carries.</summary>
public sealed record PlannedDelivery(int Sequence, TimeSpan At, DeliveryKind Kind, ProviderEvent Event);
