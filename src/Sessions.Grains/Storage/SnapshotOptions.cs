using System.ComponentModel.DataAnnotations;

namespace Sessions.Grains.Storage;

/// <summary>How often an entity writes its snapshot behind its journal (<c>Storage:SnapshotEvery</c>).</summary>
public sealed class SnapshotOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Storage";

    /// <summary>
    /// Journal entries an entity gathers before its snapshot is rewritten (and the entries below it trimmed): the
    /// most an activation replays. Higher writes less per event; lower activates faster. Each entity's snapshot points
    /// are shifted by its key (<see cref="Entities.SnapshotSchedule"/>): its first comes after half to one and a half
    /// times this many events, and until then an activation replays up to that.
    /// </summary>
    [Range(1, 100_000)]
    public int SnapshotEvery { get; set; } = 200;
}
