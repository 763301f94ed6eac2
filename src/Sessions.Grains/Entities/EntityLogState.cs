using Sessions.Abstractions.Entities;

namespace Sessions.Grains.Entities;

/// <summary>Persisted state of an entity grain: what it has seen and its timeline.</summary>
[GenerateSerializer, Alias("Sessions.Grains.Entities.EntityLogState")]
public sealed class EntityLogState
{
    /// <summary>How many dedupe keys an entity remembers; older ones fall out first.</summary>
    public const int MaxSeenKeys = 256;

    /// <summary>How many timeline entries an entity keeps; the oldest by event time fall out first.</summary>
    public const int MaxTimeline = 200;

    [Id(0)] public DateTimeOffset? FirstEventAt { get; set; }
    [Id(1)] public DateTimeOffset? LastEventAt { get; set; }

    /// <summary>Dedupe keys in arrival order, bounded by <see cref="MaxSeenKeys"/>.</summary>
    [Id(2)] public List<string> SeenKeys { get; set; } = [];

    /// <summary>Timeline ordered by event time, bounded by <see cref="MaxTimeline"/>.</summary>
    [Id(3)] public List<TimelineEntry> Timeline { get; set; } = [];
}
