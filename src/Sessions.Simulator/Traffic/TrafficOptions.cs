namespace Sessions.Simulator.Traffic;

/// <summary>Everything the traffic generator depends on; the same options always give the same deliveries.</summary>
public sealed record TrafficOptions
{
    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Part of every entity id, so runs repeat against one instance without colliding.</summary>
    public string RunId { get; init; } = "run";

    /// <summary>When the run starts; event times follow the planned send times from here (whole milliseconds).</summary>
    public DateTimeOffset Start { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>Deliveries per second the plan is paced for; 0 spaces them one millisecond apart.</summary>
    public double Rate { get; init; }

    /// <summary>The share of deliveries per provider.</summary>
    public TrafficMix Mix { get; init; } = TrafficMix.Default;

    /// <summary>The fraction of events delivered a second time.</summary>
    public double Duplicates { get; init; }

    /// <summary>The fraction of events delivered after the next event of their scenario.</summary>
    public double Reorder { get; init; }

    /// <summary>Scenarios (servers, channels, meetings, livestreams) under way at once.</summary>
    public int ActiveScenarios { get; init; } = 24;

    /// <summary>Source names and signing material.</summary>
    public ProviderSecrets Secrets { get; init; } = new();

    /// <summary>The prefix of every entity id of this run: <c>sim{Seed}-{RunId}-</c>.</summary>
    public string IdPrefix => $"sim{Seed}-{RunId}-";
}
