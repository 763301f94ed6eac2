namespace Sessions.Simulator.Traffic;

/// <summary>An unsigned webhook body and what it states; <paramref name="Unsigned"/> marks LiveSwitch server events.</summary>
internal sealed record Payload(string Type, byte[] Body, IReadOnlyList<EntityFact> Facts, bool Unsigned = false);
