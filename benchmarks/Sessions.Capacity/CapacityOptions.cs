using System.Globalization;

namespace Sessions.Capacity;

/// <summary>What to load and where: read from the command line (<c>--name value</c> or <c>--name=value</c>).</summary>
internal sealed record CapacityOptions
{
    public const string Usage = """
        Sessions.Capacity: memory per tracked entity. Hosts the service in-process on PostgreSQL, loads entities of all
        four kinds through their grains in waves, deactivates them, and measures the managed heap once they are idle.

          --entities <n>     entities to track, warm-up included (default 100000)
          --wave <n>         entities per wave; each wave is deactivated before the next (default 50000)
          --concurrency <n>  entities being loaded at once, one call each in flight (default 128)
          --query-seconds <n> after loading, time the read API this long while new entities arrive (default 30; 0 skips)
          --query-load <n>   entities per second that arrive meanwhile, about 1.8 events each (default 250)
          --connection <cs>  an existing, empty PostgreSQL database instead of a throwaway server
          --hold             after the figures, keep the process as measured until Ctrl+C (for dotnet-gcdump)
          --help
        """;

    /// <summary>Entities tracked at the end, the warm-up wave included.</summary>
    public int Entities { get; init; } = 100_000;

    public int Wave { get; init; } = 50_000;

    public int Concurrency { get; init; } = 128;

    /// <summary>How long the read API is timed under ingest load after loading; 0 skips it.</summary>
    public int QuerySeconds { get; init; } = 30;

    /// <summary>New entities per second loaded while the read API is timed.</summary>
    public int QueryLoad { get; init; } = 250;

    /// <summary>A PostgreSQL connection string; null starts a throwaway server.</summary>
    public string? Connection { get; init; }

    public bool Hold { get; init; }

    /// <summary>The entities loaded before the baseline is taken, so code paths, pools and codecs exist by then.</summary>
    public int WarmUp => Math.Min(1_000, Entities / 10);

    /// <summary>Reads <paramref name="args"/>: true with the options (null for <c>--help</c>), or false with what is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out CapacityOptions? options, out string? error)
    {
        options = new CapacityOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (args[i], null);
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    options = null;
                    return true;
                case "--hold":
                    options = options with { Hold = true };
                    continue;
            }

            value ??= i + 1 < args.Count ? args[++i] : null;
            if (value is null)
            {
                error = $"{name} needs a value";
                return false;
            }

            switch (name)
            {
                case "--entities" when Count(value) is { } entities:
                    options = options with { Entities = entities };
                    break;
                case "--wave" when Count(value) is { } wave:
                    options = options with { Wave = wave };
                    break;
                case "--concurrency" when Count(value) is { } concurrency:
                    options = options with { Concurrency = concurrency };
                    break;
                case "--query-seconds" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    options = options with { QuerySeconds = seconds };
                    break;
                case "--query-load" when Count(value) is { } load:
                    options = options with { QueryLoad = load };
                    break;
                case "--connection":
                    options = options with { Connection = value };
                    break;
                case "--entities" or "--wave" or "--concurrency" or "--query-load" or "--query-seconds":
                    error = $"{name}: '{value}' is not a {(name == "--query-seconds" ? "whole" : "positive whole")} number";
                    return false;
                default:
                    error = $"unknown option '{args[i]}'";
                    return false;
            }
        }

        return true;
    }

    private static int? Count(string text) =>
        int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
