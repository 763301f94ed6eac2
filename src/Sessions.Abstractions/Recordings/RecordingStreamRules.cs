using Sessions.Canonical;

namespace Sessions.Abstractions.Recordings;

/// <summary>
/// A recording whose stream disconnected and never said another word (FastPix sends nothing more): once the stream's
/// reconnect window has closed by the tracker's clock, the recording is shown <c>stopped</c> at the disconnection, with
/// <c>providerStatus</c> <c>disconnected</c>, exactly as a later event of the stream would have stopped it. The index
/// shards, the entity GET and retention apply this same rule.
/// </summary>
public static class RecordingStreamRules
{
    /// <summary>The stream word that stopped a recording whose stream stayed away.</summary>
    public const string Disconnected = "disconnected";

    /// <summary>The recording as it stands at <paramref name="now"/>; the same instance when the rule changes nothing.</summary>
    public static RecordingSnapshot AsOf(RecordingSnapshot recording, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return recording is { Status: RecordingStatus.Recording, StreamDisconnectedAt: { } at, StreamReconnectBy: { } by } && now >= by
            ? recording with { Status = RecordingStatus.Stopped, StoppedAt = at, ProviderStatus = Disconnected }
            : recording;
    }
}
