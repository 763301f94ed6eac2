namespace Sessions.Grains.Entities;

/// <summary>Sets kept as ordinal-sorted lists: a union is order independent and the stored form is stable.</summary>
public static class SortedSets
{
    /// <summary>Adds <paramref name="item"/> unless present; true when it was added.</summary>
    public static bool Add(List<string> set, string item)
    {
        ArgumentNullException.ThrowIfNull(set);
        var index = set.BinarySearch(item, StringComparer.Ordinal);
        if (index >= 0)
        {
            return false;
        }

        set.Insert(~index, item);
        return true;
    }
}
