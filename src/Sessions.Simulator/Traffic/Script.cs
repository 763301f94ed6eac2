namespace Sessions.Simulator.Traffic;

/// <summary>
/// One scenario's events (a server's life, a channel, a meeting, a livestream) on a virtual timeline of ticks. Builders
/// run in timeline order, each when its event is due, so a builder may use what an earlier one recorded.
/// </summary>
internal sealed class Script(string provider)
{
    private readonly List<(int Tick, Func<EventClock, Payload> Build)> _events = [];

    public string Provider => provider;

    /// <summary>Adds an event due <paramref name="tick"/> ticks after the scenario starts; equal ticks keep their order.</summary>
    public void At(int tick, Func<EventClock, Payload> build) => _events.Add((tick, build));

    /// <summary>The events in time order, each with the ticks to wait after the one before.</summary>
    public IReadOnlyList<(int Delay, Func<EventClock, Payload> Build)> Steps()
    {
        var ordered = _events.Select((e, i) => (e.Tick, Index: i, e.Build)).OrderBy(e => e.Tick).ThenBy(e => e.Index).ToList();
        return [.. ordered.Select((e, i) => (i == 0 ? e.Tick : e.Tick - ordered[i - 1].Tick, e.Build))];
    }
}
