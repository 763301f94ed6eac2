using System.Globalization;

namespace Sessions.Simulator;

/// <summary>Writes a run's summary for a person: the deliveries and their answers, throughput, latency, and the verification table.</summary>
public static class SummaryWriter
{
    private const int MaxMismatchesShown = 10;

    public static void Write(TextWriter writer, SimulatorResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        var by = string.Join(", ", result.SentByProvider.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}"));
        var latency = result.Latency;
        Line(writer, $"run           {result.IdPrefix}*");
        Line(writer, $"sent          {result.Sent,7}  ({by}; {result.Duplicates} duplicates, {result.Late} out of order)");
        Line(writer, $"acknowledged  {result.Acknowledged,7}  (2xx; {result.AcknowledgedOnRetry} after a retry)");
        Line(writer, $"rejected      {result.Rejected,7}  (4xx, not retried)");
        Line(writer, $"failed        {result.Failed,7}  (5xx or transport after {result.MaxRetries} retries with backoff; {result.Retries} retries in all)");
        if (result.NotAcknowledgedAttempts.Count > 0)
        {
            var answers = string.Join(", ", result.NotAcknowledgedAttempts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} ({a.Value})"));
            Line(writer, $"not 2xx       {result.NotAcknowledgedAttempts.Values.Sum(),7}  attempts, retries included: {answers}");
        }

        Line(writer, $"throughput    {result.Throughput,7:0.0}  acknowledged/s over {result.Elapsed.TotalSeconds:0.0} s");
        Line(writer, $"latency       p50 {latency.P50:0.0} ms  p90 {latency.P90:0.0} ms  p99 {latency.P99:0.0} ms  max {latency.Max:0.0} ms (acknowledged)");
        foreach (var sample in result.RejectionSamples)
        {
            Line(writer, $"  e.g. {sample}");
        }

        if (result.Verification is not { } verification)
        {
            return;
        }

        if (verification.Error is { } error)
        {
            Line(writer, $"verification  FAILED: {error}");
            WriteEntities(writer, verification);
            return;
        }

        Line(writer, $"verification  {(verification.Passed ? "passed" : "FAILED")} after {verification.Polls} poll(s), {verification.Elapsed.TotalSeconds:0.0} s");
        WriteEntities(writer, verification);
        Line(writer, $"  {"kind",-11}{"provider",-12}{"status",-14}{"expected",9}{"seen",9}");
        foreach (var row in verification.Rows)
        {
            var mark = row.Expected == row.Seen ? "" : "  <- mismatch";
            Line(writer, $"  {row.Kind,-11}{row.Provider,-12}{row.Status,-14}{row.Expected,9}{row.Seen,9}{mark}");
        }
    }

    /// <summary>How many entities were read back and which differ; nothing when reading them failed.</summary>
    private static void WriteEntities(TextWriter writer, VerificationResult verification)
    {
        if (verification.EntitiesChecked == 0)
        {
            return;
        }

        var mismatches = verification.EntityMismatches;
        Line(writer, $"  entities    {verification.EntitiesChecked} read back, {mismatches.Count} not as acknowledged (status, timeline)");
        foreach (var mismatch in mismatches.Take(MaxMismatchesShown))
        {
            Line(writer, $"    {mismatch.Kind} {mismatch.Provider}/{mismatch.Id}: {mismatch.Problem}");
        }

        if (mismatches.Count > MaxMismatchesShown)
        {
            Line(writer, $"    and {mismatches.Count - MaxMismatchesShown} more");
        }
    }

    private static void Line(TextWriter writer, FormattableString text) => writer.WriteLine(text.ToString(CultureInfo.InvariantCulture));
}
