using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>A write that could not start within <c>Storage:WriteTimeout</c>; answered 503 like any write that failed.</summary>
public sealed class StorageWriteTimeoutException(TimeSpan timeout)
    : TimeoutException($"The store did not take a write within Storage:WriteTimeout ({timeout}).");

/// <summary>
/// Whether the store takes writes, as the writers last saw it: every writer reports each write's success or failure,
/// and readiness reads <see cref="Failing"/>. Also bounds how long a write may wait to start (<see cref="WaitToStartAsync"/>).
/// </summary>
public sealed class StorageWriteHealth(IOptions<HostingOptions> options, TimeProvider time)
{
    private long _lastSuccessTicks;
    private long _lastFailureTicks;

    /// <summary><c>Storage:WriteTimeout</c>.</summary>
    public TimeSpan WriteTimeout { get; } = options.Value.Storage.WriteTimeout;

    /// <summary>Whether the most recent write outcome reported is a failure.</summary>
    public bool Failing => Interlocked.Read(ref _lastFailureTicks) > Interlocked.Read(ref _lastSuccessTicks);

    /// <summary>A write was committed.</summary>
    public void ReportSuccess() => Interlocked.Exchange(ref _lastSuccessTicks, Math.Max(time.GetTimestamp(), Interlocked.Read(ref _lastFailureTicks) + 1));

    /// <summary>A write failed or could not start.</summary>
    public void ReportFailure() => Interlocked.Exchange(ref _lastFailureTicks, Math.Max(time.GetTimestamp(), Interlocked.Read(ref _lastSuccessTicks) + 1));

    /// <summary>
    /// Waits for <paramref name="gate"/> at most <see cref="WriteTimeout"/>; past it, reports a failure and throws
    /// <see cref="StorageWriteTimeoutException"/>. The caller releases the gate after its write when this returns.
    /// </summary>
    public async Task WaitToStartAsync(SemaphoreSlim gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        if (!await gate.WaitAsync(WriteTimeout))
        {
            TimedOut();
        }
    }

    /// <summary>As <see cref="WaitToStartAsync"/>, blocking the calling thread: for a writer on a thread of its own.</summary>
    public void WaitToStart(SemaphoreSlim gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        if (!gate.Wait(WriteTimeout))
        {
            TimedOut();
        }
    }

    private void TimedOut()
    {
        ReportFailure();
        throw new StorageWriteTimeoutException(WriteTimeout);
    }
}
