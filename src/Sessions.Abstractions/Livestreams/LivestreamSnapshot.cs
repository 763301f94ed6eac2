using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Abstractions.Livestreams;

/// <summary>One livestream as the API shows it.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's stream id.</param>
/// <param name="Status">idle, preparing, connected, live, disconnected, disabled or deleted (idle while no status event was seen).</param>
/// <param name="ProviderStatus">The provider's own word that came with <paramref name="Status"/> (FastPix <c>active</c>, Dyte <c>OFFLINE</c>, …).</param>
/// <param name="SessionId">The session the livestream belongs to, when known.</param>
/// <param name="Settings">The stream's settings as last stated.</param>
/// <param name="SimulcastTargets">Simulcast targets by id.</param>
/// <param name="Assets">Ids of the recorded assets of past broadcasts.</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
/// <param name="Timeline">The entity's timeline; null in list items.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Livestreams.LivestreamSnapshot")]
public sealed record LivestreamSnapshot(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Id,
    [property: Id(2)] LivestreamStatus Status,
    [property: Id(3)] string? ProviderStatus,
    [property: Id(4)] string? SessionId,
    [property: Id(5)] LivestreamSettingsView Settings,
    [property: Id(6)] IReadOnlyList<TargetView> SimulcastTargets,
    [property: Id(7)] IReadOnlyList<string> Assets,
    [property: Id(8)] DateTimeOffset LastEventAt,
    [property: Id(9)] IReadOnlyList<TimelineEntry>? Timeline);

/// <summary>A livestream's settings; each is null until an event states it.</summary>
/// <param name="MaxResolution">The highest resolution the stream accepts (<c>1080p</c>, …).</param>
/// <param name="ReconnectWindowSeconds">How long the stream waits for the encoder to come back before ending the broadcast.</param>
/// <param name="Recording">Whether broadcasts are recorded.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Livestreams.LivestreamSettingsView")]
public sealed record LivestreamSettingsView(
    [property: Id(0)] string? MaxResolution,
    [property: Id(1)] int? ReconnectWindowSeconds,
    [property: Id(2)] bool? Recording);

/// <summary>One simulcast target of a livestream.</summary>
/// <param name="Id">The provider's target id.</param>
/// <param name="Status">idle, starting, broadcasting, errored or deleted.</param>
/// <param name="Url">Where the target pushes to, when the provider says.</param>
/// <param name="Since">The time of the event that set <paramref name="Status"/>.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Livestreams.TargetView")]
public sealed record TargetView(
    [property: Id(0)] string Id,
    [property: Id(1)] SimulcastTargetStatus Status,
    [property: Id(2)] string? Url,
    [property: Id(3)] DateTimeOffset Since);
