namespace Sessions.Grains.Servers;

/// <summary>The <c>Fleet</c> section: how the tracker judges servers by its own clock.</summary>
public sealed class FleetOptions
{
    public const string SectionName = "Fleet";

    /// <summary>
    /// A started or registered server not heard from (any event, stats included) for this long is <c>down</c> with
    /// the reason <c>silent</c>, until its next event. Must be positive.
    /// </summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromMinutes(5);
}
