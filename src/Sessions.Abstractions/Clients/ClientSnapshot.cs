using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Abstractions.Clients;

/// <summary>One client of a provider application (LiveSwitch presence) as the API shows it.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's client id.</param>
/// <param name="ApplicationId">The application the client registers with.</param>
/// <param name="Status">Registered while its newest presence event is a registration (ties: unregistered); a client seen only through activity counts as registered.</param>
/// <param name="UserId">The user the client signed in as.</param>
/// <param name="UserAlias">The user's display name.</param>
/// <param name="DeviceId">The device the client runs on.</param>
/// <param name="DeviceAlias">The device's display name.</param>
/// <param name="Tag">The application's own tag for the client.</param>
/// <param name="Region">The region the client connects from.</param>
/// <param name="Roles">The roles the client holds.</param>
/// <param name="Protocol">How the client talks to the gateway (websocket, http).</param>
/// <param name="Version">The client SDK version.</param>
/// <param name="OperatingSystem">The device's operating system.</param>
/// <param name="Since">The time of the presence event that set <paramref name="Status"/>; null while only activity was seen.</param>
/// <param name="FirstSeenAt">The earliest event time seen.</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
/// <param name="Timeline">The entity's timeline; null in list items.</param>
/// <param name="UnregisterReason"><c>silent</c> when the tracker's clock, not the provider, unregistered the client (<see cref="ClientSilenceRules"/>); null otherwise.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Clients.ClientSnapshot")]
public sealed record ClientSnapshot(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Id,
    [property: Id(2)] string? ApplicationId,
    [property: Id(3)] ClientStatus Status,
    [property: Id(4)] string? UserId,
    [property: Id(5)] string? UserAlias,
    [property: Id(6)] string? DeviceId,
    [property: Id(7)] string? DeviceAlias,
    [property: Id(8)] string? Tag,
    [property: Id(9)] string? Region,
    [property: Id(10)] IReadOnlyList<string>? Roles,
    [property: Id(11)] string? Protocol,
    [property: Id(12)] string? Version,
    [property: Id(13)] string? OperatingSystem,
    [property: Id(14)] DateTimeOffset? Since,
    [property: Id(15)] DateTimeOffset FirstSeenAt,
    [property: Id(16)] DateTimeOffset LastEventAt,
    [property: Id(17)] IReadOnlyList<TimelineEntry>? Timeline,
    [property: Id(18)] string? UnregisterReason = null);

/// <summary>
/// The facets clients are filed under. Applications are counted from them: <see cref="Application"/> counts every
/// tracked client of an application, <see cref="RegisteredApplication"/> only those registered now.
/// </summary>
public static class ClientFacets
{
    /// <summary>The client's application.</summary>
    public const string Application = "application";

    /// <summary>The client's application while the client is registered; absent once it unregistered.</summary>
    public const string RegisteredApplication = "registeredApplication";
}
