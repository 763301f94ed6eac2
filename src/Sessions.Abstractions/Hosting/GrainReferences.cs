namespace Sessions.Abstractions.Hosting;

/// <summary>
/// String-keyed grain references without Orleans' per-call type lookup. <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c>
/// resolves the interface's grain interface type from its attributes, by reflection, on every call: 5% of the
/// service's CPU on the webhook path (two references per event: the entity and its index shard; BENCHMARKS.md §7). The
/// interface type and the grain type that implements it are fixed for the process, so they are taken from the first
/// reference Orleans makes and every later reference is made from its id.
/// </summary>
public static class GrainReferences
{
    /// <summary>The grain of interface <typeparamref name="T"/> with key <paramref name="key"/>, as <c>GetGrain&lt;T&gt;(key)</c> gives it.</summary>
    public static T Reference<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (Resolved<T>.Types is { } types)
        {
            return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        }

        var reference = grains.GetGrain<T>(key);
        var made = (GrainReference)(object)reference;
        Resolved<T>.Types = (made.GrainId.Type, made.InterfaceType);
        return reference;
    }

    private static class Resolved<T>
    {
        /// <summary>Set once by the first reference; a race sets the same values twice.</summary>
        public static (GrainType Grain, GrainInterfaceType Interface)? Types;
    }
}
