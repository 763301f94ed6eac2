using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Abstractions.Servers;

/// <summary>One media server process as the API shows it.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's server id.</param>
/// <param name="Role">gateway, mediaserver, sipconnector, recordingmonitor, recordingmover or recordingmuxer; null before any event names it.</param>
/// <param name="State">The lifecycle state (<c>started</c> while only stats were seen).</param>
/// <param name="Health">Derived from <paramref name="Role"/>, <paramref name="State"/> and, where the tracker's clock is applied, silence (see <see cref="ServerHealthRules"/>).</param>
/// <param name="MachineName">The host name the server reported.</param>
/// <param name="Version">The server software version.</param>
/// <param name="Region">The region the server runs in; null when unknown.</param>
/// <param name="DeploymentId">The deployment the server belongs to.</param>
/// <param name="CoreCount">CPU cores of the machine.</param>
/// <param name="OperatingSystem">The machine's operating system.</param>
/// <param name="OperatingSystemVersion">The operating system's version.</param>
/// <param name="Incarnation">How many distinct <c>started</c> events were seen: 1 for the first start, one more per restart.</param>
/// <param name="Since">The time of the event that set the current state; null while only stats were seen.</param>
/// <param name="FirstSeenAt">The earliest event time seen.</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
/// <param name="Timeline">The entity's timeline; null in list items.</param>
/// <param name="HealthReason">Why the server is not healthy (<c>notRegistered</c>, <c>silent</c>, <c>unregistered</c>, <c>stopped</c>); null when healthy.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Servers.ServerSnapshot")]
public sealed record ServerSnapshot(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Id,
    [property: Id(2)] string? Role,
    [property: Id(3)] ServerStatus State,
    [property: Id(4)] ServerHealth Health,
    [property: Id(5)] string? MachineName,
    [property: Id(6)] string? Version,
    [property: Id(7)] string? Region,
    [property: Id(8)] string? DeploymentId,
    [property: Id(9)] int? CoreCount,
    [property: Id(10)] string? OperatingSystem,
    [property: Id(11)] string? OperatingSystemVersion,
    [property: Id(12)] int Incarnation,
    [property: Id(13)] DateTimeOffset? Since,
    [property: Id(14)] DateTimeOffset FirstSeenAt,
    [property: Id(15)] DateTimeOffset LastEventAt,
    [property: Id(16)] IReadOnlyList<TimelineEntry>? Timeline,
    [property: Id(17)] string? HealthReason);
