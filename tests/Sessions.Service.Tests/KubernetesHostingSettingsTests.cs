using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using Sessions.Service.Hosting;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

/// <summary><c>Orleans:Hosting</c>: what Kubernetes hosting changes in the silo, and the settings it refuses at start-up with a message.</summary>
public sealed class KubernetesHostingSettingsTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task UnknownOrleansHostingStopsTheServiceWithExitCode2NamingTheKey()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { ["Orleans:Hosting"] = "k8s" });

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("Sessions cannot start: Orleans:Hosting is 'k8s', which is not one of: default, kubernetes.", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubernetesHostingWithSqliteStopsTheServiceWithExitCode2()
    {
        using var folder = new TempDirectory("k8s-sqlite");
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Orleans:Hosting"] = "kubernetes",
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        });

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains(
            "Orleans:Hosting is 'kubernetes', which needs Storage:Mode 'postgres' (the silos of all pods share membership there); Storage:Mode is 'sqlite'.",
            service.Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateCommandRefusesKubernetesHostingWithSqliteToo()
    {
        using var folder = new TempDirectory("k8s-migrate");
        await using var service = ServiceProcess.Start(
            new Dictionary<string, string> { ["Orleans:Hosting"] = "kubernetes", ["Storage:ConnectionString"] = folder.SqliteConnectionString },
            "migrate");

        var exitCode = await service.WaitForExitAsync(StartTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("needs Storage:Mode 'postgres'", service.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "sessions.db")), "a refused start must not create the database");
    }

    [Fact]
    public void UnderKubernetesHostingTheClusterIdentityIsThePodsEnvironment()
    {
        var settings = HostingOptions.Read(Configuration(new()
        {
            [KubernetesHostingOptions.ServiceIdEnvironmentVariable] = "sessions-prod",
            [KubernetesHostingOptions.ClusterIdEnvironmentVariable] = "blue",
        }));

        Assert.Equal(SiloHosting.Kubernetes, settings.Orleans.SiloHosting);
        Assert.Equal("sessions-prod", settings.ServiceId);
        Assert.Equal("blue", settings.ClusterId);
    }

    [Fact]
    public void AServiceIdThatContradictsThePodsEnvironmentIsRefusedNamingBoth()
    {
        var configuration = Configuration(new()
        {
            ["Orleans:ServiceId"] = "sessions",
            [KubernetesHostingOptions.ServiceIdEnvironmentVariable] = "sessions-prod",
        });

        var error = Assert.Throws<OptionsValidationException>(() => HostingOptions.Read(configuration));

        Assert.StartsWith("Orleans:ServiceId is 'sessions' but ORLEANS_SERVICE_ID is 'sessions-prod'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KubernetesHostingOnAFrontendOrWithAnAdvertisedHostIsRefused()
    {
        var frontend = Assert.Throws<OptionsValidationException>(() => HostingOptions.Read(Configuration(new() { ["Role"] = "frontend" })));
        var advertised = Assert.Throws<OptionsValidationException>(() => HostingOptions.Read(Configuration(new() { ["Orleans:AdvertisedHost"] = "silo1" })));

        Assert.Contains("Role 'frontend' is an Orleans client", frontend.Message, StringComparison.Ordinal);
        Assert.StartsWith("Orleans:AdvertisedHost is 'silo1', but Orleans:Hosting 'kubernetes' advertises the pod's IP (POD_IP)", advertised.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnderKubernetesHostingTheSiloAdvertisesThePodIPAndListensOnEveryInterface()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = "Host=db;Database=sessions;Username=sessions",
            ["Orleans:Hosting"] = "kubernetes",
            [KubernetesHostingOptions.PodIPEnvironmentVariable] = "10.244.1.17",
            [KubernetesHostingOptions.ServiceIdEnvironmentVariable] = "sessions-prod",
        });
        OrleansHosting.AddSilo(builder, HostingOptions.Read(builder.Configuration));
        using var services = builder.Services.BuildServiceProvider();

        var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;

        Assert.Equal(IPAddress.Parse("10.244.1.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
        Assert.Equal("sessions-prod", cluster.ServiceId);
    }

    [Fact]
    public void APodIPThatIsNotAnAddressIsRefusedNamingTheVariable()
    {
        var configuration = Configuration(new() { [KubernetesHostingOptions.PodIPEnvironmentVariable] = "pod-a" });

        var error = Assert.Throws<OptionsValidationException>(() => HostingOptions.Read(configuration));

        Assert.StartsWith("POD_IP is 'pod-a', which is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kubernetes", true)]
    [InlineData("default", false)]
    public void OnlyKubernetesHostingAddsTheAgentThatWatchesTheClustersPods(string hosting, bool expected)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = "Host=db;Database=sessions;Username=sessions",
            ["Orleans:Hosting"] = hosting,
        });

        OrleansHosting.AddSilo(builder, HostingOptions.Read(builder.Configuration));

        Assert.Equal(expected, builder.Services.Any(d => d.ImplementationType == typeof(KubernetesClusterAgent)));
    }

    /// <summary>A postgres silo under Kubernetes hosting, plus <paramref name="overrides"/>.</summary>
    private static IConfiguration Configuration(Dictionary<string, string?> overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = "Host=db;Database=sessions;Username=sessions",
            ["Orleans:Hosting"] = "kubernetes",
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
