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
        var gate = new StorageWriteGate(Options.Create(HostingOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = mode,
            ["Storage:ConnectionString"] = mode == "sqlite" ? "Data Source=unused.db" : "Host=unused",
        }).Build())));
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

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
