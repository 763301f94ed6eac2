namespace Sessions.Grains.Indexing;

/// <summary>How often a shard sweeps for a rule that turns at a threshold: a twentieth of it, between 1 and 15 s.</summary>
public static class AgingSweep
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(15);

    /// <summary>The sweep interval for <paramref name="threshold"/>: an entity is judged at most that late.</summary>
    public static TimeSpan For(TimeSpan threshold) => TimeSpan.FromTicks(Math.Clamp(threshold.Ticks / 20, Min.Ticks, Max.Ticks));
}
