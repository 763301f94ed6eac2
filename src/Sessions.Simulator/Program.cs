namespace Sessions.Simulator;

/// <summary>The command-line entry point; see <see cref="CommandLine.Usage"/>.</summary>
internal static class Program
{
    private const int Mismatch = 1;
    private const int BadArguments = 2;
    private const int NotAcknowledged = 3;

    private static async Task<int> Main(string[] args)
    {
        if (!CommandLine.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error + Environment.NewLine + Environment.NewLine + CommandLine.Usage);
            return BadArguments;
        }

        if (options is null)
        {
            await Console.Out.WriteLineAsync(CommandLine.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 4, PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var result = await new SimulatorRun(options with { Progress = Console.Out }, http).RunAsync(stop.Token);
        SummaryWriter.Write(Console.Out, result);
        return result.Verification is { Passed: false } ? Mismatch : result.Rejected + result.Failed > 0 ? NotAcknowledged : 0;
    }
}
