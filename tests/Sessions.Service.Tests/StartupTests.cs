using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

public sealed class StartupTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task UnknownStorageModeStopsTheServiceWithAMessageNamingTheKey()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { ["Storage:Mode"] = "cassandra" });

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Storage:Mode is 'cassandra', which is not one of: sqlite, postgres, memory", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonPositiveSilenceThresholdStopsTheServiceWithAMessageNamingTheKey()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { ["Fleet:SilentAfter"] = "00:00:00" });

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Fleet:SilentAfter must be a positive time span", service.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Notifications:RetrySchedule", "5s,soon", "Notifications:RetrySchedule is '5s,soon'")]
    [InlineData("Notifications:DeliveryRetention", "00:00:00", "Notifications:DeliveryRetention is 00:00:00: it must be a positive time span")]
    public async Task ABadNotificationSettingStopsTheServiceWithAMessageNamingTheKey(string key, string value, string message)
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { [key] = value });

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachablePostgresStopsTheServiceWithAClearMessage()
    {
        var closedPort = FreePort.Next();
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = $"Host=127.0.0.1;Port={closedPort};Database=sessions;Username=sessions;Timeout=3",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Sessions cannot start: the postgres database named by Storage:ConnectionString cannot be reached", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteModeCreatesItsDatabaseFileAndBecomesReady()
    {
        using var folder = new TempDirectory("start");
        var file = Path.Combine(folder.Path, "nested", "sessions.db");
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = $"Data Source={file}",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        await service.WaitReadyAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.True(File.Exists(file), $"expected the SQLite file at {file}");
        var live = await service.Http.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task ASecondSiloOnTheSameSqliteFileStopsWithAClearMessageAndACrashedOneLeavesNoLockBehind()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("one-silo");
        var file = Path.Combine(folder.Path, "sessions.db");
        await using var first = ServiceProcess.Start(SqliteSilo(file));
        await first.WaitReadyAsync(StartTimeout, cancellationToken);

        await using var second = ServiceProcess.Start(SqliteSilo(file));
        var exitCode = await second.WaitForExitAsync(StartTimeout, cancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Sessions cannot start: another Sessions silo is running on the SQLite file {file}", second.Output, StringComparison.Ordinal);
        using (var ready = await first.Http.GetAsync("/health/ready", cancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        }

        // SIGKILL runs no shutdown code: the system releases the lock with the process, so the restart starts.
        await first.KillAsync();
        await using var restarted = ServiceProcess.Start(SqliteSilo(file));
        await restarted.WaitReadyAsync(StartTimeout, cancellationToken);
    }

    private static Dictionary<string, string> SqliteSilo(string file) => new()
    {
        ["Storage:ConnectionString"] = $"Data Source={file}",
        ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
