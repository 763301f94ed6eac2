using Sessions.Canonical;

namespace Sessions.Grains.Tests;

/// <summary>Canonical events for tests, with readable defaults.</summary>
internal static class Events
{
    public static readonly DateTimeOffset T0 = new(2024, 6, 10, 6, 13, 20, TimeSpan.Zero);

    public static CanonicalEvent Server(string id, ServerStatus state, int secondsAfterT0, string? dedupeKey = null) => new()
    {
        Type = $"gateway.{state.ToString().ToLowerInvariant()}",
        Provider = "liveswitch",
        Kind = EntityKind.Server,
        EntityId = id,
        OccurredAt = T0.AddSeconds(secondsAfterT0),
        DedupeKey = dedupeKey ?? $"liveswitch:{id}:{state}:{secondsAfterT0}",
        Change = new ServerStateChanged("gateway", state, new ServerInfo(MachineName: "media-1", Region: "eu-west")),
    };
}
