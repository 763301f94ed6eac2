namespace Sessions.Grains.Entities;

/// <summary>
/// A last-writer-wins register: the value of the event whose <see cref="EventStamp"/> ranks highest (or, for
/// first-seen facts, lowest). The order is total, so the winner is a function of the set of events offered.
/// </summary>
/// <typeparam name="T">The value; a nullable type when the snapshot shows "unknown" as null.</typeparam>
[GenerateSerializer, Alias("Sessions.Grains.Entities.Register`1")]
public sealed class Register<T>
{
    /// <summary>The winning event's stamp; null while nothing was offered.</summary>
    [Id(0)] public EventStamp? Stamp { get; set; }

    /// <summary>The winning event's value.</summary>
    [Id(1)] public T? Value { get; set; }

    /// <summary>Keeps the value when its stamp ranks above the held one; true when the value changed.</summary>
    public bool KeepHighest(EventStamp stamp, T value) => Keep(stamp, value, Stamp is null || stamp > Stamp);

    /// <summary>Like <see cref="KeepHighest"/>, but a value the event does not carry (null) leaves the register alone.</summary>
    public bool Offer(EventStamp stamp, T? value) => value is not null && KeepHighest(stamp, value);

    /// <summary>Keeps the value when its stamp ranks below the held one (the first report wins); true when the value changed.</summary>
    public bool KeepLowest(EventStamp stamp, T value) => Keep(stamp, value, Stamp is null || stamp < Stamp);

    private bool Keep(EventStamp stamp, T value, bool wins)
    {
        if (!wins)
        {
            return false;
        }

        var changed = Stamp is null || !EqualityComparer<T>.Default.Equals(Value, value);
        Stamp = stamp;
        Value = value;
        return changed;
    }
}
