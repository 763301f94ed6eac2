using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// Readiness tells the truth about writes: with the SQLite file locked by another process's writer, a webhook is 503
/// within <c>Storage:WriteTimeout</c> (not after SQLite's 30 s busy wait), <c>/health/ready</c> is 503, and once the
/// lock is gone both recover and the provider's retry is applied.
/// </summary>
public sealed class StoreReadinessTests(StoreReadinessTests.ShortTimeoutApi api) : IClassFixture<StoreReadinessTests.ShortTimeoutApi>
{
    /// <summary>The service with a one-second write timeout.</summary>
    public sealed class ShortTimeoutApi : KestrelApi
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings["Storage:WriteTimeout"] = "00:00:01";
        }
    }

    [Fact]
    public async Task LockedFileGets503AtOnceAndUnreadyThenRecovers()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var fixture = FixtureFiles.Get("fastpix/05-video.live_stream.active.json");
        Assert.Equal(200, await api.ReadyStatusAsync());
        var before = await api.CountStoredAsync();

        await using (var locker = new SqliteConnection(api.ConnectionString + ";Default Timeout=1"))
        {
            await locker.OpenAsync(cancellation);
            await using var transaction = (SqliteTransaction)await locker.BeginTransactionAsync(cancellation);
            await using (var write = locker.CreateCommand())
            {
                write.Transaction = transaction;
                write.CommandText = "PRAGMA user_version = 7";
                await write.ExecuteNonQueryAsync(cancellation);
            }

            var started = Stopwatch.StartNew();
            using var refused = await api.PostAsync("fastpix", TestSources.FixtureRequest(fixture));
            var took = started.Elapsed;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(took < TimeSpan.FromSeconds(6), $"the 503 took {took}");
            Assert.Equal(503, await api.ReadyStatusAsync());
            await transaction.RollbackAsync(cancellation);
        }

        await NothingStoredThenTheRetryAppliesAsync(before, fixture);
    }

    [Fact]
    public async Task ReadOnlyFileGets503AndUnreadyThenRecovers()
    {
        var fixture = FixtureFiles.Get("fastpix/06-video.live_stream.recording.json");
        await EventuallyReadyAsync();
        var before = await api.CountStoredAsync();

        // The file and its WAL made immutable, which even root cannot write (permissions alone do not stop root);
        // pooled connections are closed so the next write opens the file as it now is.
        var files = new[] { api.DatabaseFile, api.DatabaseFile + "-wal" }.Where(File.Exists).ToArray();
        if (await ChattrAsync("+i", files) is { } unsupported)
        {
            Assert.Skip($"this file system cannot make a file immutable (chattr: {unsupported})");
        }

        try
        {
            SqliteConnection.ClearAllPools();
            using var refused = await api.PostAsync("fastpix", TestSources.FixtureRequest(fixture));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(503, await api.ReadyStatusAsync());
        }
        finally
        {
            await ChattrAsync("-i", files);
            SqliteConnection.ClearAllPools();
        }

        await NothingStoredThenTheRetryAppliesAsync(before, fixture);
    }

    /// <summary>Runs <c>chattr</c>; the error it printed when it failed, else null.</summary>
    private static async Task<string?> ChattrAsync(string change, string[] files)
    {
        var start = new ProcessStartInfo("chattr") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(change);
        files.ToList().ForEach(start.ArgumentList.Add);
        try
        {
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The refused request stored nothing; once ready again, the provider's retry is applied.</summary>
    private async Task NothingStoredThenTheRetryAppliesAsync((long, long) before, Fixture fixture)
    {
        Assert.Equal(before, await api.CountStoredAsync());
        await EventuallyReadyAsync();
        using var retried = await api.PostAsync("fastpix", TestSources.FixtureRequest(fixture));
        var text = await retried.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(retried.StatusCode == HttpStatusCode.OK, $"retry: {(int)retried.StatusCode} {text}");
        Assert.Contains("\"applied\"", text, StringComparison.Ordinal);
    }

    private async Task EventuallyReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        int status;
        while ((status = await api.ReadyStatusAsync()) != 200)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"/health/ready still {status} 20 s after the lock was released");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
