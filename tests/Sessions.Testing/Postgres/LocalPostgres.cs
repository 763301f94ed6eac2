using System.Diagnostics;
using Npgsql;

namespace Sessions.Testing.Postgres;

/// <summary>
/// A PostgreSQL server started from the machine's own binaries: initdb and pg_ctl on a temp folder and a free loopback
/// port, as the <c>postgres</c> user when this process runs as root (initdb refuses root); stopped and deleted on
/// dispose. The service tests share one (PostgresServer); the capacity benchmark starts its own.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    /// <summary>What to say when no binaries are found.</summary>
    public const string InstallHint =
        "PostgreSQL server binaries not found (looked in $SESSIONS_PG_BIN and /usr/lib/postgresql/*/bin); install them with 'apt-get install -y postgresql'";

    private readonly string _binaries;
    private readonly string _directory;
    private readonly bool _asPostgresUser;
    private readonly string _settings;
    private bool _running;

    private LocalPostgres(string binaries, string directory, bool asPostgresUser, int port, string settings)
    {
        _binaries = binaries;
        _directory = directory;
        _asPostgresUser = asPostgresUser;
        _settings = settings;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's major version, from the binaries' folder name (<c>…/15/bin</c>).</summary>
    public string Version => Path.GetFileName(Path.GetDirectoryName(_binaries)) ?? "?";

    /// <summary>The newest server binaries of the machine, or those in <c>$SESSIONS_PG_BIN</c>; null when there are none.</summary>
    public static string? FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("SESSIONS_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => b, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
    }

    /// <summary>Creates and starts a server from <paramref name="binaries"/> with <paramref name="settings"/> (<c>-c name=value</c> …).</summary>
    public static async Task<LocalPostgres> StartAsync(string binaries, string settings, CancellationToken cancellationToken)
    {
        var asPostgresUser = Environment.UserName == "root";
        var directory = Directory.CreateTempSubdirectory("sessions-pg-").FullName;
        if (asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgres: false, cancellationToken);
        }

        var server = new LocalPostgres(binaries, directory, asPostgresUser, FreePort.Next(), settings);
        await RunAsync(Path.Combine(binaries, "initdb"),
            ["-D", server.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"], asPostgresUser, cancellationToken);
        await server.ResumeAsync(cancellationToken);
        return server;
    }

    /// <summary>Stops the server (its data stays), as an operator's restart or a crash would; clients' connections break.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Data, "-m", "fast", "-w", "stop"], _asPostgresUser, cancellationToken);
        _running = false;
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the server on its data and port: after <see cref="StopAsync"/>, it is the same server back.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await RunAsync(Path.Combine(_binaries, "pg_ctl"),
            ["-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
             "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_directory} {_settings}", "start"],
            _asPostgresUser, cancellationToken);
        _running = true;
    }

    /// <summary>Creates an empty database and returns its connection string with <paramref name="options"/> appended.</summary>
    public async Task<string> CreateDatabaseAsync(string name, string options, CancellationToken cancellationToken)
    {
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres", options)))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return ConnectionString(name, options);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_running)
        {
            await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"],
                _asPostgresUser, CancellationToken.None);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string Data => Path.Combine(_directory, "data");

    private string ConnectionString(string database, string options) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;{options}";

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited {process.ExitCode}: {await error}{await output}");
        }
    }
}
