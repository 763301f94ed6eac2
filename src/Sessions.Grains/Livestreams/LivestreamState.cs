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

    /// <summary>Recordings the stream started that the provider never ends itself (FastPix): id and start time.</summary>
    [Id(9)] public Dictionary<string, DateTimeOffset> RecordingStarts { get; set; } = [];

    /// <summary>
    /// The status events seen, ordered by time (then rank, then dedupe key) and bounded by
    /// <see cref="StreamRecordings.MaxMarks"/>: what decides when each of <see cref="RecordingStarts"/> ended, whatever
    /// order the start and the end arrive in.
    /// </summary>
    [Id(10)] public List<StatusMark> Marks { get; set; } = [];
}

/// <summary>One status event of a livestream: its time, the status and the provider's word, and its dedupe key.</summary>
[GenerateSerializer, Immutable, Alias("Sessions.Grains.Livestreams.StatusMark")]
public sealed record StatusMark(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] LivestreamStatus Status,
    [property: Id(2)] string ProviderStatus,
    [property: Id(3)] string Key);

/// <summary>One simulcast target: its status (time-first, deleted sticky) and URL.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Livestreams.LivestreamTarget")]
public sealed class LivestreamTarget
{
    [Id(0)] public Register<SimulcastTargetStatus> Status { get; set; } = new();

    [Id(1)] public Register<string?> Url { get; set; } = new();
}
