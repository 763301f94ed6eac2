using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Livestreams;

/// <summary>
/// What the livestream machine keeps: the status register (time-first, deleted sticky) with the provider's word, one
/// register per setting, a sub-register per simulcast target and the set of assets, so that any arrival order of the
/// same events gives the same state.
/// </summary>
[GenerateSerializer, Alias("Sessions.Grains.Livestreams.LivestreamState")]
public sealed class LivestreamState
{
    [Id(0)] public Register<LivestreamStatus> Status { get; set; } = new();

    /// <summary>Offered with the same stamps as <see cref="Status"/>, so it always holds the winning event's word.</summary>
    [Id(1)] public Register<string?> ProviderStatus { get; set; } = new();

    /// <summary>The earliest <c>deleted</c> event's time.</summary>
    [Id(2)] public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>The first session named (lowest stamp wins).</summary>
    [Id(3)] public Register<string?> SessionId { get; set; } = new();

    [Id(4)] public Register<string?> MaxResolution { get; set; } = new();

    [Id(5)] public Register<int?> ReconnectWindowSeconds { get; set; } = new();

    [Id(6)] public Register<bool?> Recording { get; set; } = new();

    [Id(7)] public Dictionary<string, LivestreamTarget> Targets { get; set; } = [];

    [Id(8)] public List<string> Assets { get; set; } = [];
}

/// <summary>One simulcast target: its status (time-first, deleted sticky) and URL.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Livestreams.LivestreamTarget")]
public sealed class LivestreamTarget
{
    [Id(0)] public Register<SimulcastTargetStatus> Status { get; set; } = new();

    [Id(1)] public Register<string?> Url { get; set; } = new();
}
