using Sessions.Abstractions.Entities;

namespace Sessions.Abstractions.Applications;

/// <summary>One provider application (LiveSwitch client presence) as the API shows it.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's application id.</param>
/// <param name="RegisteredClients">How many clients are registered now.</param>
/// <param name="Clients">Every client seen, by id; null in list items.</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
/// <param name="Timeline">The entity's timeline; null in list items.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Applications.ApplicationSnapshot")]
public sealed record ApplicationSnapshot(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Id,
    [property: Id(2)] int RegisteredClients,
    [property: Id(3)] IReadOnlyList<ClientView>? Clients,
    [property: Id(4)] DateTimeOffset LastEventAt,
    [property: Id(5)] IReadOnlyList<TimelineEntry>? Timeline);

/// <summary>One client of an application.</summary>
/// <param name="Id">The provider's client id.</param>
/// <param name="Registered">Whether the client's latest presence event is a registration.</param>
/// <param name="Since">The time of that presence event; null when only activity was seen.</param>
/// <param name="LastSeenAt">The latest time the client was heard of (presence or activity).</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Applications.ClientView")]
public sealed record ClientView(
    [property: Id(0)] string Id,
    [property: Id(1)] bool Registered,
    [property: Id(2)] DateTimeOffset? Since,
    [property: Id(3)] DateTimeOffset LastSeenAt);
