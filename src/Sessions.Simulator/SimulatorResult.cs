namespace Sessions.Simulator;

/// <summary>Latency of acknowledged requests, in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double Max)
{
    /// <summary>Nearest-rank percentiles of <paramref name="milliseconds"/>; zeros when there are none.</summary>
    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        var sorted = milliseconds.Order().ToArray();
        return new LatencySummary(Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);

        static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>How many entities of one kind, provider and status the run expected and the API listed.</summary>
public sealed record VerificationRow(string Kind, string Provider, string Status, int Expected, int Seen);

/// <summary>An entity the API did not answer as the run expects it: missing, in another status, or short of events.</summary>
public sealed record EntityMismatch(string Kind, string Provider, string Id, string Problem);

/// <summary>The outcome of <c>--verify</c>: each entity read back, then the lists polled until they matched or time ran out.</summary>
/// <param name="EntitiesChecked">Entities the acknowledged deliveries name, each read once; 0 when reading them failed.</param>
/// <param name="EntityMismatches">Those not answered as expected.</param>
/// <param name="ListsMatched">Whether every list row matched before the timeout.</param>
/// <param name="Rows">The list rows of the last poll.</param>
/// <param name="Elapsed">Time spent verifying.</param>
/// <param name="Polls">How often the lists were read.</param>
/// <param name="Error">The API's answer when it failed a request, which ends the verification.</param>
public sealed record VerificationResult(
    int EntitiesChecked,
    IReadOnlyList<EntityMismatch> EntityMismatches,
    bool ListsMatched,
    IReadOnlyList<VerificationRow> Rows,
    TimeSpan Elapsed,
    int Polls,
    string? Error = null)
{
    /// <summary>Every entity as expected and every list row matched.</summary>
    public bool Passed => Error is null && EntityMismatches.Count == 0 && ListsMatched;
}

/// <summary>What a run did: deliveries and their answers, retries, throughput, latency, and the verification.</summary>
/// <param name="IdPrefix">The prefix of every entity id of the run.</param>
/// <param name="Sent">Deliveries made (first attempts), duplicates included.</param>
/// <param name="SentByProvider">Deliveries per provider.</param>
/// <param name="Duplicates">Deliveries that repeated an earlier one, as a provider retry does.</param>
/// <param name="Late">Deliveries sent after a newer event of their scenario.</param>
/// <param name="Acknowledged">Deliveries answered 2xx, on the first attempt or a retry.</param>
/// <param name="AcknowledgedOnRetry">Of those, the ones that needed at least one retry.</param>
/// <param name="Rejected">Deliveries answered 4xx; not retried.</param>
/// <param name="Failed">Deliveries still answered 5xx or lost in transport after every retry.</param>
/// <param name="Retries">Retries made in all.</param>
/// <param name="MaxRetries">Retries allowed per delivery.</param>
/// <param name="NotAcknowledgedAttempts">Attempts (first ones and retries) not answered 2xx, by status or "transport".</param>
/// <param name="RejectionSamples">The first few distinct rejection and failure details, for diagnosis.</param>
/// <param name="Elapsed">Time spent sending.</param>
/// <param name="Latency">Latency of the acknowledged requests (their final attempt).</param>
/// <param name="Verification">The verification, when asked for.</param>
public sealed record SimulatorResult(
    string IdPrefix,
    int Sent,
    IReadOnlyDictionary<string, int> SentByProvider,
    int Duplicates,
    int Late,
    int Acknowledged,
    int AcknowledgedOnRetry,
    int Rejected,
    int Failed,
    int Retries,
    int MaxRetries,
    IReadOnlyDictionary<string, int> NotAcknowledgedAttempts,
    IReadOnlyList<string> RejectionSamples,
    TimeSpan Elapsed,
    LatencySummary Latency,
    VerificationResult? Verification)
{
    /// <summary>Acknowledged deliveries per second of sending.</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Acknowledged / Elapsed.TotalSeconds : 0;

    /// <summary>Every delivery acknowledged and, when verified, every count matched.</summary>
    public bool Succeeded => Rejected == 0 && Failed == 0 && Verification is null or { Passed: true };
}
