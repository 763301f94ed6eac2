namespace Sessions.Simulator.Traffic;

/// <summary>
/// Hands out event times: never before the planned send time of the delivery being built (<see cref="Floor"/>), and
/// strictly increasing by at least a millisecond, so every event of an entity has a time of its own.
/// </summary>
internal sealed class EventClock
{
    private DateTimeOffset? _last;

    public DateTimeOffset Floor { get; set; }

    public DateTimeOffset Next()
    {
        var next = _last is { } last && last.AddMilliseconds(1) > Floor ? last.AddMilliseconds(1) : Floor;
        _last = next;
        return next;
    }
}
