namespace Sessions.Grains.Entities;

/// <summary>
/// Where one event stands in a register's total order: <see cref="Tier"/> first, then event time, then state rank, then
/// dedupe key. Because the order is total and the same event always gets the same stamp, keeping the highest (or
/// lowest) stamp gives the same winner whatever the arrival order, and a repeat changes nothing.
/// </summary>
/// <param name="Tier">Above time: the state rank for rank-first registers (recordings, connections), 1 for sticky states (deleted), else 0.</param>
/// <param name="At">The event's own time.</param>
/// <param name="Rank">The state rank that breaks ties between events of the same time.</param>
/// <param name="Key">The event's dedupe key: the last resort that makes the order total.</param>
[GenerateSerializer, Immutable, Alias("Sessions.Grains.Entities.EventStamp")]
public sealed record EventStamp(
    [property: Id(0)] int Tier,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int Rank,
    [property: Id(3)] string Key) : IComparable<EventStamp>
{
    /// <summary>A time-first stamp: time, then rank, then key.</summary>
    public static EventStamp TimeFirst(DateTimeOffset at, int rank, string key) => new(0, at, rank, key);

    public int CompareTo(EventStamp? other)
    {
        if (other is null)
        {
            return 1;
        }

        var order = Tier.CompareTo(other.Tier);
        if (order == 0)
        {
            order = At.CompareTo(other.At);
        }

        if (order == 0)
        {
            order = Rank.CompareTo(other.Rank);
        }

        return order != 0 ? order : string.CompareOrdinal(Key, other.Key);
    }

    public static bool operator <(EventStamp? left, EventStamp? right) => Compare(left, right) < 0;

    public static bool operator >(EventStamp? left, EventStamp? right) => Compare(left, right) > 0;

    public static bool operator <=(EventStamp? left, EventStamp? right) => Compare(left, right) <= 0;

    public static bool operator >=(EventStamp? left, EventStamp? right) => Compare(left, right) >= 0;

    private static int Compare(EventStamp? left, EventStamp? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}
