using Sessions.Abstractions.Entities;

namespace Sessions.Grains.Entities;

/// <summary>What an entity grain persists: the kind's own state plus what every entity keeps (dedupe keys, timeline, times).</summary>
/// <typeparam name="TState">The state of the kind's state machine.</typeparam>
[GenerateSerializer, Alias("Sessions.Grains.Entities.EntityRecord`1")]
public sealed class EntityRecord<TState>
    where TState : class, new()
{
    /// <summary>How many dedupe keys an entity remembers (as hashes); older ones fall out first (the folds are idempotent anyway).</summary>
    public const int MaxSeenKeys = 256;

    /// <summary>How many timeline entries an entity keeps; the oldest by event time fall out first.</summary>
    public const int MaxTimeline = 200;

    [Id(0)] public DateTimeOffset? FirstEventAt { get; set; }
    [Id(1)] public DateTimeOffset? LastEventAt { get; set; }

    /// <summary>Dedupe keys as records stored before <see cref="SeenHashes"/> kept them; hashed into it by the next event.</summary>
    [Id(2)] public List<string> SeenKeys { get; set; } = [];

    /// <summary>Timeline ordered by event time, bounded by <see cref="MaxTimeline"/>.</summary>
    [Id(3)] public List<TimelineEntry> Timeline { get; set; } = [];

    /// <summary>Bumped on every stored change; index shards keep the highest they were told.</summary>
    [Id(4)] public long Version { get; set; }

    [Id(5)] public TState State { get; set; } = new();

    /// <summary>When this tracker saw the entity finish (receive time, not event time): retention counts from here,
    /// so a replay of old events is not removed the moment it lands.</summary>
    [Id(6)] public DateTimeOffset? FinishedObservedAt { get; set; }

    /// <summary>
    /// 64-bit hashes of the dedupe keys (<see cref="EntityLog.DedupeHash"/>) in arrival order, bounded by
    /// <see cref="MaxSeenKeys"/>: 2 KB at most where the keys themselves took up to 25 KB of every snapshot.
    /// </summary>
    [Id(7)] public List<long> SeenHashes { get; set; } = [];
}
