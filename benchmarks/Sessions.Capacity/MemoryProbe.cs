using System.Globalization;
using System.Runtime;

namespace Sessions.Capacity;

/// <summary>One reading of the process's memory: the live managed heap once settled, and the resident set.</summary>
internal readonly record struct MemoryReading(long Heap, long Rss)
{
    /// <summary>
    /// Collects until only live objects are left (two full, blocking, compacting collections with the finalizers run
    /// after each, the large object heap compacted too), then reads the heap and the resident set.
    /// </summary>
    public static MemoryReading Take()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return new MemoryReading(GC.GetTotalMemory(forceFullCollection: true), ResidentSet());
    }

    /// <summary>VmRSS from /proc/self/status, in bytes; 0 where there is no /proc.</summary>
    public static long ResidentSet()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return 0;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var number, "kB"] ? number : "0";
        return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
    }
}
