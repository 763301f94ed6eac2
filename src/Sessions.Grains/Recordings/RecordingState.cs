using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Recordings;

/// <summary>
/// What the recording machine keeps: the status register (rank-first), the provider's word that came with it, and one
/// register per detail, so that any arrival order of the same events gives the same state.
/// </summary>
[GenerateSerializer, Alias("Sessions.Grains.Recordings.RecordingState")]
public sealed class RecordingState
{
    [Id(0)] public Register<RecordingStatus> Status { get; set; } = new();

    /// <summary>Offered with the same stamps as <see cref="Status"/>, so it always holds the winning event's word.</summary>
    [Id(1)] public Register<string?> ProviderStatus { get; set; } = new();

    /// <summary>The earliest time of a ready, failed or expired event: when the recording became finished.</summary>
    [Id(2)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The first session named (lowest stamp wins).</summary>
    [Id(3)] public Register<string?> SessionId { get; set; } = new();

    [Id(4)] public Register<DateTimeOffset?> StartedAt { get; set; } = new();

    [Id(5)] public Register<DateTimeOffset?> StoppedAt { get; set; } = new();

    [Id(6)] public Register<long?> DurationMs { get; set; } = new();

    [Id(7)] public Register<long?> SizeBytes { get; set; } = new();

    [Id(8)] public Register<string?> DownloadUrl { get; set; } = new();

    [Id(9)] public Register<DateTimeOffset?> DownloadUrlExpiresAt { get; set; } = new();

    [Id(10)] public Register<string?> FailureReason { get; set; } = new();

    /// <summary>The newest word of its stream after it started (time-first): while disconnected, when the reconnect window closes; null otherwise.</summary>
    [Id(11)] public Register<DateTimeOffset?> StreamReconnectBy { get; set; } = new();
}
