namespace Sessions.Grains.Entities;

/// <summary>
/// When an entity writes its snapshot: as its version passes the next of its snapshot points, which lie
/// <c>Storage:SnapshotEvery</c> versions apart, shifted by a phase taken from the entity's key. The servers of a fleet
/// that started together reach each version at about the same time; with the same points for all of them they would
/// all write their snapshots (and trim their journals) in the same few seconds, every <c>SnapshotEvery</c> events. An
/// entity's first snapshot waits for its <c>SnapshotEvery / 2</c>-th event, so one that hears fewer (most sessions,
/// clients and recordings) writes none; it comes by the <c>1.5 × SnapshotEvery</c>-th. After it an activation replays
/// at most <c>SnapshotEvery</c> entries.
/// </summary>
public static class SnapshotSchedule
{
    /// <summary>The entity's shift of its snapshot points, in [0, <paramref name="every"/>), the same in every process.</summary>
    public static long Phase(string key, int every) =>
        (long)(KeyHash.Of(key) % (ulong)every);

    /// <summary>
    /// Whether a snapshot point lies above <paramref name="snapshotVersion"/> (and, before the first snapshot, at or above
    /// half of <paramref name="every"/>) and at or below <paramref name="version"/>.
    /// </summary>
    public static bool Due(long snapshotVersion, long version, long phase, int every)
    {
        var after = Math.Max(snapshotVersion, (every / 2) - 1);
        return (version + phase) / every > (after + phase) / every;
    }
}
