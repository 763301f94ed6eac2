using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sessions.Testing.Hosting;

/// <summary>
/// The whole service in-process (HTTP through TestServer, a real co-hosted silo) on its own silo and gateway ports,
/// with settings the test chooses; by default a SQLite file in a temp folder, so what is acknowledged is really stored.
/// </summary>
public class SessionsApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public SessionsApiFactory(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = new(settings)
        {
            ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
