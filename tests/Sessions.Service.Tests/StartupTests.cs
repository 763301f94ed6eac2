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
}
