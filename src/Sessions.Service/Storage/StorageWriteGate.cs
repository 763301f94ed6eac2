using Microsoft.Extensions.Options;
using Orleans.Storage;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// One write at a time to the SQLite file. SQLite lets one connection write at once, and Microsoft.Data.Sqlite waits out
/// a busy database by sleeping on the calling thread between retries: in a silo that blocked the threads grains run on
/// for over a second at a time under load. Every write passes through this gate and waits for it instead: asynchronously
/// on the thread pool (<see cref="RunAsync{T}(Func{Task{T}})"/>), blocking only on a thread of its own (<see cref="Run{T}"/>,
/// the group commit's writer). Each write still commits (and syncs) on its own, so nothing is less durable. PostgreSQL
/// needs no gate.
/// </summary>
/// <remarks>
/// A write that cannot enter the gate within <c>Storage:WriteTimeout</c> fails at once, and every write's outcome is
/// reported to <see cref="StorageWriteHealth"/>, which readiness reads.
/// </remarks>
internal sealed class StorageWriteGate(IOptions<HostingOptions> options, StorageWriteHealth health)
{
    private readonly SemaphoreSlim? _gate = options.Value.Storage.StorageMode is StorageMode.Sqlite ? new SemaphoreSlim(1, 1) : null;

    /// <summary>Runs <paramref name="write"/> once no other write to the same database is under way, or throws <see cref="StorageWriteTimeoutException"/>.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_gate is null)
        {
            return await ReportedAsync(write);
        }

        await health.WaitToStartAsync(_gate);
        try
        {
            return await ReportedAsync(write);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{Task{T}})"/> for a synchronous <paramref name="write"/>, waiting on the calling
    /// thread: for a writer on a thread of its own, never on the thread pool.
    /// </summary>
    public T Run<T>(Func<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_gate is null)
        {
            return Reported(write);
        }

        health.WaitToStart(_gate);
        try
        {
            return Reported(write);
        }
        finally
        {
            _gate.Release();
        }
    }

    private T Reported<T>(Func<T> write)
    {
        try
        {
            var result = write();
            health.ReportSuccess();
            return result;
        }
        catch
        {
            health.ReportFailure();
            throw;
        }
    }

    private async Task<T> ReportedAsync<T>(Func<Task<T>> write)
    {
        try
        {
            var result = await write();
            health.ReportSuccess();
            return result;
        }
        catch
        {
            health.ReportFailure();
            throw;
        }
    }

    /// <summary>Runs <paramref name="write"/> once no other write to the same database is under way.</summary>
    public Task RunAsync(Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return RunAsync(async () =>
        {
            await write();
            return true;
        });
    }
}

/// <summary>Orleans' grain storage with its writes and clears through the <see cref="StorageWriteGate"/>; reads go straight through.</summary>
internal sealed class GatedGrainStorage(IGrainStorage inner, StorageWriteGate gate) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        gate.RunAsync(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        gate.RunAsync(() => inner.ClearStateAsync(stateName, grainId, grainState));
}
