using Sessions.Abstractions.Indexing;
using Sessions.Abstractions.Recordings;
using Sessions.Canonical;
using Sessions.Grains.Indexing;

namespace Sessions.Grains.Recordings;

/// <summary>
/// The reconnect window for the recording index: a recording whose stream disconnected and stayed silent past its
/// window is refiled <c>stopped</c> at the disconnection (<see cref="RecordingStreamRules"/>), finished for retention
/// from the window's end; a stream that comes back tells the recording, which files it recording again.
/// </summary>
public sealed class RecordingStreamWindow : ItemAging<RecordingSnapshot>
{
    /// <summary>Windows are the stream's own (FastPix: seconds to minutes), so the shards sweep every 5 s.</summary>
    public override TimeSpan? SweepInterval => TimeSpan.FromSeconds(5);

    protected override RecordingSnapshot Judge(RecordingSnapshot item, DateTimeOffset now) => RecordingStreamRules.AsOf(item, now);

    protected override IndexEntry<RecordingSnapshot> Refile(IndexEntry<RecordingSnapshot> entry, RecordingSnapshot item)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(item);
        return entry with { Item = item, Status = StatusWords.Of(item.Status), FinishedAt = entry.FinishedAt ?? item.StreamReconnectBy };
    }
}
