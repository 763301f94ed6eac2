using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;

namespace Sessions.Service.Tests;

public sealed class StorageWriteGateTests
{
    [Theory]
    [InlineData("sqlite", 1)]
    [InlineData("postgres", 20)]
    public async Task WritesToSqliteNeverOverlapWhileWritesToPostgresRunTogether(string mode, int expectedMostAtOnce)
    {
        var gate = Gate(mode, "00:00:05").Gate;
        var (running, mostAtOnce) = (0, 0);
        using var release = new SemaphoreSlim(0);

        var writes = Enumerable.Range(0, 20).Select(_ => gate.RunAsync(async () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await release.WaitAsync(TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref running);
        })).ToList();

        // Let the writes that can start do so, then let every waiting write finish.
        await Task.Delay(100, TestContext.Current.CancellationToken);
        release.Release(20);
        await Task.WhenAll(writes);

        Assert.Equal(expectedMostAtOnce, mostAtOnce);
    }

    [Fact]
    public async Task SqliteWriteThatCannotStartWithinTheWriteTimeoutFailsAtOnceAndIsReported()
    {
        var (gate, health) = Gate("sqlite", "00:00:00.200");
        using var release = new SemaphoreSlim(0);
        var holding = gate.RunAsync(() => release.WaitAsync(TestContext.Current.CancellationToken));

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageWriteTimeoutException>(() => gate.RunAsync(() => Task.CompletedTask));

        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
        Assert.True(health.Failing);
        release.Release();
        await holding;
        Assert.False(health.Failing);
    }

    [Fact]
    public async Task TheGroupCommitsBlockingWriteWaitsForASqliteWriteUnderWay()
    {
        var gate = Gate("sqlite", "00:00:05").Gate;
        using var release = new SemaphoreSlim(0);
        var holding = gate.RunAsync(() => release.WaitAsync(TestContext.Current.CancellationToken));
        var ran = false;

        var blocking = Task.Factory.StartNew(() => gate.Run(() => ran = true), TaskCreationOptions.LongRunning);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(ran);
        release.Release();
        await holding;

        Assert.True(await blocking);
    }

    [Fact]
    public async Task ABlockingWriteThatCannotStartWithinTheWriteTimeoutFailsAndIsReportedUntilOneSucceeds()
    {
        var (gate, health) = Gate("sqlite", "00:00:00.200");
        using var release = new SemaphoreSlim(0);
        var holding = gate.RunAsync(() => release.WaitAsync(TestContext.Current.CancellationToken));

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<StorageWriteTimeoutException>(() => gate.Run(() => true));

        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
        Assert.True(health.Failing);
        release.Release();
        await holding;
        Assert.Throws<InvalidOperationException>(() => gate.Run<bool>(() => throw new InvalidOperationException("down")));
        Assert.True(health.Failing);
        Assert.Equal(7, gate.Run(() => 7));
        Assert.False(health.Failing);
    }

    [Fact]
    public async Task AFailedWriteIsReportedUntilOneSucceeds()
    {
        var (gate, health) = Gate("postgres", "00:00:05");

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.RunAsync(() => Task.FromException(new InvalidOperationException("down"))));
        Assert.True(health.Failing);
        await gate.RunAsync(() => Task.CompletedTask);
        Assert.False(health.Failing);
    }

    private static (StorageWriteGate Gate, StorageWriteHealth Health) Gate(string mode, string writeTimeout)
    {
        var options = Options.Create(HostingOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = mode,
            ["Storage:ConnectionString"] = mode == "sqlite" ? "Data Source=unused.db" : "Host=unused",
            ["Storage:WriteTimeout"] = writeTimeout,
        }).Build()));
        var health = new StorageWriteHealth(options, TimeProvider.System);
        return (new StorageWriteGate(options, health), health);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
