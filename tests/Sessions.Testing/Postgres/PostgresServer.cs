namespace Sessions.Testing.Postgres;

/// <summary>
/// The test assembly's throwaway PostgreSQL server (<see cref="LocalPostgres"/>), shared by every test and stopped at
/// the end. Each test asks for its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private LocalPostgres? _server;
    private int _databases;

    /// <summary>Why the server is not running, when it is not.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (LocalPostgres.FindBinaries() is not { } binaries)
        {
            Unavailable = LocalPostgres.InstallHint + " to run the Postgres tests.";
            return;
        }

        _server = await LocalPostgres.StartAsync(binaries, "-c max_connections=200", CancellationToken.None);
    }

    /// <summary>Skips the calling test with the install hint, or fails it under CI, when no server runs.</summary>
    public void Require()
    {
        if (Unavailable is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Unavailable);
        }

        Assert.Skip(Unavailable);
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        Require();
        var name = $"sessions_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        return await _server!.CreateDatabaseAsync(name, "Pooling=true;Timeout=5", cancellationToken);
    }

    /// <summary>Stops the server, keeping its data (for tests of what the service does while its database is away).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server!.StopAsync(cancellationToken);

    /// <summary>Starts the stopped server again, same port and data.</summary>
    public Task ResumeAsync(CancellationToken cancellationToken) => _server!.ResumeAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
