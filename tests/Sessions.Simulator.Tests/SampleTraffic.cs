using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Tests;

/// <summary>One plan of every provider's traffic, generated once and shared by the tests that only read it.</summary>
internal static class SampleTraffic
{
    public const int Count = 3000;

    public static readonly TrafficOptions Options = new()
    {
        Seed = 42,
        RunId = "sample",
        Start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        Rate = 250,
        Duplicates = 0.05,
        Reorder = 0.05,
        ActiveScenarios = 40,
    };

    private static readonly Lazy<IReadOnlyList<PlannedDelivery>> Plan = new(() => [.. new TrafficGenerator(Options).Plan().Take(Count)]);

    public static IReadOnlyList<PlannedDelivery> Deliveries => Plan.Value;

    public static IEnumerable<EntityFact> Facts => Deliveries.SelectMany(d => d.Event.Facts);
}
