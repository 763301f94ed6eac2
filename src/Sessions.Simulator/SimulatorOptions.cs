using System.Security.Cryptography;
using Sessions.Simulator.Sending;

namespace Sessions.Simulator;

/// <summary>What one simulator run does: where it sends, how much, how fast, how messy, and whether it checks the result.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Deliveries made when neither <see cref="Events"/> nor <see cref="Duration"/> is given.</summary>
    public const int DefaultEvents = 1000;

    /// <summary>The service's base URL; webhooks go to <c>webhooks/{source}</c> and queries to <c>api/…</c> under it.</summary>
    public Uri Url { get; init; } = new("http://localhost:5080/");

    /// <summary>Deliveries per second; 0 sends as fast as <see cref="Concurrency"/> allows.</summary>
    public double Rate { get; init; }

    /// <summary>How many deliveries to make (duplicates included); the default when <see cref="Duration"/> is null too.</summary>
    public int? Events { get; init; }

    /// <summary>How long to send for, instead of a number of deliveries.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>The traffic seed: the same seed and run id give the same deliveries.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Part of every entity id, so runs repeat against one instance; a random one when null.</summary>
    public string? RunId { get; init; }

    /// <summary>The share of deliveries per provider.</summary>
    public TrafficMix Mix { get; init; } = TrafficMix.Default;

    /// <summary>The fraction of events delivered a second time, bytes and headers unchanged (a provider's retry).</summary>
    public double Duplicates { get; init; } = 0.05;

    /// <summary>The fraction of events held back and delivered after the next event of their scenario.</summary>
    public double Reorder { get; init; } = 0.05;

    /// <summary>How often a delivery answered 5xx or lost in transport is retried, with doubling backoff.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first backoff; each further retry waits twice as long (with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long one request may take before it counts as a transport failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The API key for <see cref="Verify"/> (<c>Authorization: Bearer</c>).</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// After sending, read back each entity the acknowledged deliveries name (status and timeline), then poll the list
    /// API until the counts per status match the expected ones.
    /// </summary>
    public bool Verify { get; init; }

    /// <summary>How long verification waits for the service's lists to agree.</summary>
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Source names and signing material per provider.</summary>
    public ProviderSecrets Secrets { get; init; } = new();

    /// <summary>Where a progress line goes once a second; null for none.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>
    /// Told of every HTTP attempt as its answer arrives, retries included; null for none. The senders call it at once
    /// from several threads, so it must be thread-safe, quick, and must not throw.
    /// </summary>
    public Action<DeliveryAttempt>? Attempted { get; init; }

    /// <summary>
    /// Ends the sending early, as reaching <see cref="Duration"/> would: what is in flight finishes and verification
    /// still runs (cancelling <c>RunAsync</c>'s own token skips it).
    /// </summary>
    public CancellationToken StopSending { get; init; }

    /// <summary>Null when the options are usable, else what is wrong, in words for a command line.</summary>
    public string? Validate()
    {
        var problems = new List<string>();
        Check(Url.IsAbsoluteUri && Url.Scheme is "http" or "https", "--url must be an absolute http or https URL");
        Check(Rate >= 0 && double.IsFinite(Rate), "--rate must be 0 or more");
        Check(Events is null or > 0, "--events must be at least 1");
        Check(Duration is null || Duration > TimeSpan.Zero, "--duration must be positive");
        Check(Events is null || Duration is null, "give --events or --duration, not both");
        Check(Concurrency is >= 1 and <= 1024, "--concurrency must be between 1 and 1024");
        Check(RunId is null || (RunId.Length is > 0 and <= 16 && RunId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))),
            "--run-id must be 1 to 16 lower-case letters or digits");
        Check(Duplicates is >= 0 and <= 1, "--duplicates must be a fraction between 0 and 1");
        Check(Reorder is >= 0 and <= 1, "--reorder must be a fraction between 0 and 1");
        Check(MaxRetries is >= 0 and <= 20, "--retries must be between 0 and 20");
        Check(RequestTimeout > TimeSpan.Zero && VerifyTimeout > TimeSpan.Zero, "timeouts must be positive");
        Check(!Verify || !string.IsNullOrWhiteSpace(ApiKey), "--verify needs --api-key (or --api-key-file)");
        Check(IsBase64(Secrets.FastPixSigningSecret), "the FastPix signing secret must be Base64, as the dashboard shows it");
        Check(IsRsaPrivateKey(Secrets.DytePrivateKeyPem), "the Dyte key must be an RSA private key in PEM form");
        return problems.Count == 0 ? null : string.Join(Environment.NewLine, problems);

        void Check(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }
    }

    /// <summary>How many deliveries the run makes, when that is known in advance.</summary>
    internal int? PlannedEvents => Events ?? (Duration is null ? DefaultEvents : null);

    private static bool IsBase64(string text) => text.Length > 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private static bool IsRsaPrivateKey(string pem)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            rsa.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
