using Microsoft.Data.Sqlite;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Simulator.Tests;

/// <summary>The service in-process on its own SQLite file, with the simulator's sources and an API key; shared by a test class.</summary>
public sealed class SimulatedService : IAsyncLifetime
{
    public const string ApiKey = "simulator-test-key-0123456789";

    private readonly TempDirectory _folder = new("simulator");
    private SessionsApiFactory _factory = null!;

    public HttpClient Client { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        var settings = SimulatedSources.Settings();
        settings["Storage:Mode"] = "sqlite";
        settings["Storage:ConnectionString"] = _folder.SqliteConnectionString;
        settings["Api:Keys:0"] = ApiKey;
        _factory = new SessionsApiFactory(settings);
        Client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
