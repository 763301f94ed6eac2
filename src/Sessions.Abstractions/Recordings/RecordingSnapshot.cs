using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Abstractions.Recordings;

/// <summary>One recording as the API shows it.</summary>
/// <param name="Provider">The provider kind.</param>
/// <param name="Id">The provider's recording id.</param>
/// <param name="SessionId">The session the recording belongs to, when known.</param>
/// <param name="Status">The furthest status reached: pending, recording, stopped, uploading, ready, failed, expired.</param>
/// <param name="ProviderStatus">The provider's own word for <paramref name="Status"/> (Dyte <c>UPLOADED</c>, eyeson <c>finished</c>, …).</param>
/// <param name="StartedAt">When recording began.</param>
/// <param name="StoppedAt">When recording stopped.</param>
/// <param name="DurationMs">Length of the recording in milliseconds.</param>
/// <param name="SizeBytes">Size of the file in bytes.</param>
/// <param name="DownloadUrl">Where the file can be fetched.</param>
/// <param name="DownloadUrlExpiresAt">When <paramref name="DownloadUrl"/> stops working.</param>
/// <param name="FailureReason">Why the recording or its upload failed.</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
/// <param name="Timeline">The entity's timeline; null in list items.</param>
/// <param name="StreamDisconnectedAt">While its stream (FastPix) is disconnected: when it disconnected; null otherwise.</param>
/// <param name="StreamReconnectBy">While its stream is disconnected: when the stream's reconnect window closes. Unless the stream is back by then, the recording is <c>stopped</c> at <paramref name="StreamDisconnectedAt"/> (<see cref="RecordingStreamRules"/>).</param>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Recordings.RecordingSnapshot")]
public sealed record RecordingSnapshot(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Id,
    [property: Id(2)] string? SessionId,
    [property: Id(3)] RecordingStatus Status,
    [property: Id(4)] string? ProviderStatus,
    [property: Id(5)] DateTimeOffset? StartedAt,
    [property: Id(6)] DateTimeOffset? StoppedAt,
    [property: Id(7)] long? DurationMs,
    [property: Id(8)] long? SizeBytes,
    [property: Id(9)] string? DownloadUrl,
    [property: Id(10)] DateTimeOffset? DownloadUrlExpiresAt,
    [property: Id(11)] string? FailureReason,
    [property: Id(12)] DateTimeOffset LastEventAt,
    [property: Id(13)] IReadOnlyList<TimelineEntry>? Timeline,
    [property: Id(14)] DateTimeOffset? StreamDisconnectedAt = null,
    [property: Id(15)] DateTimeOffset? StreamReconnectBy = null);
