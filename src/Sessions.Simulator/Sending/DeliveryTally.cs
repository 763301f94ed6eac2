using Sessions.Simulator.Traffic;
using Sessions.Simulator.Verification;

namespace Sessions.Simulator.Sending;

/// <summary>The running totals of a run, shared by the senders and the progress line, and the acknowledged facts.</summary>
internal sealed class DeliveryTally
{
    private const int MaxSamples = 5;

    private readonly Lock _lock = new();
    private readonly List<double> _latencies = [];
    private readonly List<IReadOnlyList<EntityFact>> _acknowledgedFacts = [];
    private readonly List<string> _samples = [];
    private readonly HashSet<string> _sampledProblems = [];
    private readonly Dictionary<string, int> _byProvider = Providers.All.ToDictionary(p => p, _ => 0);
    private readonly Dictionary<string, int> _notAcknowledged = new(StringComparer.Ordinal);
    private int _sent;
    private int _duplicates;
    private int _late;
    private int _acknowledged;
    private int _acknowledgedOnRetry;
    private int _rejected;
    private int _failed;
    private int _retries;

    /// <summary>A consistent reading of the counters the progress line shows.</summary>
    public (int Sent, int Acknowledged, int Rejected, int Failed, int Retries) Counters()
    {
        lock (_lock)
        {
            return (_sent, _acknowledged, _rejected, _failed, _retries);
        }
    }

    public void Sending(PlannedDelivery delivery)
    {
        lock (_lock)
        {
            _sent++;
            _byProvider[delivery.Event.Provider]++;
            _duplicates += delivery.Kind == DeliveryKind.Duplicate ? 1 : 0;
            _late += delivery.Kind == DeliveryKind.Late ? 1 : 0;
        }
    }

    public void Acknowledged(PlannedDelivery delivery, double milliseconds, bool onRetry)
    {
        lock (_lock)
        {
            _acknowledged++;
            _acknowledgedOnRetry += onRetry ? 1 : 0;
            _latencies.Add(milliseconds);
            _acknowledgedFacts.Add(delivery.Event.Facts);
        }
    }

    /// <summary>Counts one attempt answered other than 2xx (or lost in transport) by its status, whatever follows it.</summary>
    public void NotAcknowledged(Problem problem)
    {
        lock (_lock)
        {
            _notAcknowledged[problem.Status] = _notAcknowledged.GetValueOrDefault(problem.Status) + 1;
        }
    }

    public void Rejected(Problem problem)
    {
        lock (_lock)
        {
            _rejected++;
            Sample(problem);
        }
    }

    public void Failed(Problem problem)
    {
        lock (_lock)
        {
            _failed++;
            Sample(problem);
        }
    }

    public void Retrying()
    {
        lock (_lock)
        {
            _retries++;
        }
    }

    /// <summary>The expected final state of the run's entities, from what the service acknowledged.</summary>
    public ExpectedState Expected()
    {
        var expected = new ExpectedState();
        lock (_lock)
        {
            foreach (var facts in _acknowledgedFacts)
            {
                expected.Apply(facts);
            }
        }

        return expected;
    }

    public SimulatorResult Result(string idPrefix, int maxRetries, TimeSpan elapsed, VerificationResult? verification)
    {
        lock (_lock)
        {
            return new SimulatorResult(
                idPrefix,
                _sent,
                new Dictionary<string, int>(_byProvider),
                _duplicates,
                _late,
                _acknowledged,
                _acknowledgedOnRetry,
                _rejected,
                _failed,
                _retries,
                maxRetries,
                new Dictionary<string, int>(_notAcknowledged),
                [.. _samples],
                elapsed,
                LatencySummary.Of(_latencies),
                verification);
        }
    }

    /// <summary>Keeps the first delivery of each distinct problem (status, source and detail), up to a few.</summary>
    private void Sample(Problem problem)
    {
        if (_samples.Count < MaxSamples && _sampledProblems.Add($"{problem.Status} {problem.Source} {problem.Detail}"))
        {
            _samples.Add($"{problem.Status} {problem.Source} ({problem.Type}): {problem.Detail}");
        }
    }
}

/// <summary>Why a delivery was not acknowledged: the status (or "transport"), where it went, its type and the detail.</summary>
internal readonly record struct Problem(string Status, string Source, string Type, string Detail);
