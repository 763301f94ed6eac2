using Sessions.Service.Hosting;

namespace Sessions.Capacity;

/// <summary>The command-line entry point; see <see cref="CapacityOptions.Usage"/>.</summary>
internal static class Program
{
    private const int Mismatch = 1;
    private const int BadArguments = 2;
    private const int Stopped = 3;

    private static async Task<int> Main(string[] args)
    {
        if (!CapacityOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error + Environment.NewLine + Environment.NewLine + CapacityOptions.Usage);
            return BadArguments;
        }

        if (options is null)
        {
            await Console.Out.WriteLineAsync(CapacityOptions.Usage);
            return 0;
        }

        try
        {
            return await new CapacityRun(options, Console.Out).RunAsync() ? 0 : Mismatch;
        }
        catch (StartupException ex)
        {
            await Console.Error.WriteLineAsync($"Sessions cannot start: {ex.Message}");
            return BadArguments;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Stopped before the figures; the wave lines above are what was measured.");
            return Stopped;
        }
    }
}
