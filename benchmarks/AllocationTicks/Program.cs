using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Where a process's allocations come from: reads a trace taken with `dotnet-trace collect --profile gc-verbose` (an
// allocation tick, with its type and call stack, about every 100 KB allocated) and prints the share of the sampled
// bytes by type, and by the first method on the stack outside the runtime's own libraries.
//
//     dotnet run -c Release --project benchmarks/AllocationTicks -- trace.nettrace [rows]
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: AllocationTicks <trace.nettrace> [rows]");
    return 2;
}

var rows = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, double>(StringComparer.Ordinal);
var byMethod = new Dictionary<string, double>(StringComparer.Ordinal);
double total = 0;
foreach (var traced in log.Events)
{
    if (traced is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    double bytes = tick.AllocationAmount64;
    total += bytes;
    Add(byType, tick.TypeName ?? "?", bytes);
    Add(byMethod, FirstOwnFrame(traced.CallStack()) ?? "?", bytes);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled {total / 1e6:F1} MB"));
Print("by type", byType);
Print("by allocating method (first outside System.*)", byMethod);
return 0;

static string? FirstOwnFrame(TraceCallStack? stack)
{
    for (var frame = stack; frame is not null; frame = frame.Caller)
    {
        var method = frame.CodeAddress.FullMethodName;
        if (!string.IsNullOrEmpty(method) && !method.StartsWith("System.", StringComparison.Ordinal))
        {
            return method;
        }
    }

    return null;
}

static void Add(Dictionary<string, double> sums, string key, double bytes) => sums[key] = sums.GetValueOrDefault(key) + bytes;

void Print(string title, Dictionary<string, double> sums)
{
    Console.WriteLine($"--- {title}");
    foreach (var (name, bytes) in sums.OrderByDescending(s => s.Value).Take(rows))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / total * 100,6:F2}%  {name}"));
    }
}
