using System.Globalization;

namespace Sessions.Simulator;

/// <summary>The simulator's command line: <c>--name value</c> or <c>--name=value</c>, parsed by hand.</summary>
public static class CommandLine
{
    public const string Usage = """
        Sessions.Simulator: drives realistic, signed provider webhooks at a running Sessions instance.

          --url <url>              service base URL (default http://localhost:5080)
          --events <n>             deliveries to make, duplicates included (default 1000)
          --duration <time>        send for this long instead: 30s, 5m, 1h, 250ms or hh:mm:ss
          --rate <n>               deliveries per second; 0 = as fast as possible (default 0)
          --concurrency <n>        requests in flight (default 4)
          --seed <n>               traffic seed; the same seed and run id give the same traffic (default 1)
          --run-id <id>            part of every entity id, lower-case letters and digits (default random)
          --mix <weights>          share per provider (default liveswitch=40,dyte=30,fastpix=30)
          --duplicates <fraction>  events delivered twice, same bytes and headers (default 0.05)
          --reorder <fraction>     events delivered after the next event of their scenario (default 0.05)
          --retries <n>            retries of a 5xx or transport failure, doubling backoff from 250 ms (default 5)
          --timeout <time>         per request (default 10s)
          --verify                 afterwards, read back every entity (status, timeline), then poll the lists
                                   until their counts per status match the expected ones
          --verify-timeout <time>  how long to poll (default 10s)
          --api-key <key>          API key for --verify
          --api-key-file <path>    read the API key from a file (e.g. src/Sessions.Service/data/api-key)
          --liveswitch-source <name>  --liveswitch-app <id>  --liveswitch-secret <secret>  --liveswitch-token <token>
          --dyte-source <name>     --dyte-key <private key PEM file>
          --fastpix-source <name>  --fastpix-secret <Base64 signing secret>
                                   where to send and what to sign with (defaults: the development service's
                                   test-only values, and the dyte-sim source with the key in keys/)
          --help

        Exit code: 0 all acknowledged (and verified), 1 verification mismatch, 2 bad arguments, 3 deliveries rejected or failed.
        """;

    private static readonly Dictionary<string, Func<SimulatorOptions, string, SimulatorOptions>> Settings = new(StringComparer.Ordinal)
    {
        ["--url"] = (o, v) => o with { Url = Uri.TryCreate(v, UriKind.Absolute, out var url) ? url : throw new FormatException($"'{v}' is not an absolute URL") },
        ["--events"] = (o, v) => o with { Events = Int(v) },
        ["--duration"] = (o, v) => o with { Duration = Time(v) },
        ["--rate"] = (o, v) => o with { Rate = Number(v) },
        ["--concurrency"] = (o, v) => o with { Concurrency = Int(v) },
        ["--seed"] = (o, v) => o with { Seed = Int(v) },
        ["--run-id"] = (o, v) => o with { RunId = v },
        ["--mix"] = (o, v) => o with { Mix = TrafficMix.Parse(v) },
        ["--duplicates"] = (o, v) => o with { Duplicates = Number(v) },
        ["--reorder"] = (o, v) => o with { Reorder = Number(v) },
        ["--retries"] = (o, v) => o with { MaxRetries = Int(v) },
        ["--timeout"] = (o, v) => o with { RequestTimeout = Time(v) },
        ["--verify-timeout"] = (o, v) => o with { VerifyTimeout = Time(v) },
        ["--api-key"] = (o, v) => o with { ApiKey = v },
        ["--api-key-file"] = (o, v) => o with { ApiKey = File.ReadAllText(v).Trim() },
        ["--liveswitch-source"] = (o, v) => o with { Secrets = o.Secrets with { LiveSwitchSource = v } },
        ["--liveswitch-app"] = (o, v) => o with { Secrets = o.Secrets with { LiveSwitchApplicationId = v } },
        ["--liveswitch-secret"] = (o, v) => o with { Secrets = o.Secrets with { LiveSwitchSharedSecret = v } },
        ["--liveswitch-token"] = (o, v) => o with { Secrets = o.Secrets with { LiveSwitchServerToken = v } },
        ["--dyte-source"] = (o, v) => o with { Secrets = o.Secrets with { DyteSource = v } },
        ["--dyte-key"] = (o, v) => o with { Secrets = o.Secrets with { DytePrivateKeyPem = File.ReadAllText(v) } },
        ["--fastpix-source"] = (o, v) => o with { Secrets = o.Secrets with { FastPixSource = v } },
        ["--fastpix-secret"] = (o, v) => o with { Secrets = o.Secrets with { FastPixSigningSecret = v } },
    };

    /// <summary>
    /// Reads <paramref name="args"/> into options: true with the options (null for <c>--help</c>), or false with what is
    /// wrong. The options are validated too.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, out SimulatorOptions? options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new SimulatorOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (args[i], null);
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    options = null;
                    return true;
                case "--verify":
                    options = options with { Verify = value is null || bool.Parse(value) };
                    continue;
            }

            if (!Settings.TryGetValue(name, out var apply))
            {
                error = $"unknown option '{args[i]}'";
                return false;
            }

            value ??= i + 1 < args.Count ? args[++i] : null;
            if (value is null)
            {
                error = $"{name} needs a value";
                return false;
            }

            try
            {
                options = apply(options, value);
            }
            catch (Exception e) when (e is FormatException or OverflowException or IOException or UnauthorizedAccessException)
            {
                error = $"{name}: {e.Message}";
                return false;
            }
        }

        error = options.Validate();
        return error is null;
    }

    private static int Int(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"'{text}' is not a whole number");

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"'{text}' is not a number");

    /// <summary>A time as <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, a plain number of seconds, or <c>hh:mm:ss</c>.</summary>
    private static TimeSpan Time(string text)
    {
        (string Suffix, Func<double, TimeSpan> Unit)[] units =
            [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours), ("", TimeSpan.FromSeconds)];
        foreach (var (suffix, unit) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return unit(amount);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var time) ? time : throw new FormatException($"'{text}' is not a time such as 30s, 5m or 00:01:30");
    }
}
