using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>Hosting options as the service reads them, for tests that drive the storage classes directly.</summary>
internal static class StorageSettings
{
    /// <summary>The options of a service in <paramref name="mode"/> on <paramref name="connectionString"/>, as <paramref name="serviceId"/>.</summary>
    public static IOptions<HostingOptions> Of(string mode, string connectionString, string serviceId = "sessions") =>
        Options.Create(HostingOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = mode,
            ["Storage:ConnectionString"] = connectionString,
            ["Orleans:ServiceId"] = serviceId,
        }).Build()));
}
