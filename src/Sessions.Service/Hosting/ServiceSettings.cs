using System.Globalization;

namespace Sessions.Service.Hosting;

/// <summary>Where grain state, membership and reminders live.</summary>
public enum StorageMode
{
    /// <summary>Orleans ADO.NET persistence on a SQLite file, one silo with localhost clustering (the default).</summary>
    Sqlite,

    /// <summary>Orleans ADO.NET clustering, persistence and reminders on PostgreSQL; any number of silos.</summary>
    Postgres,

    /// <summary>Everything in memory; for tests, and only when named explicitly.</summary>
    Memory,
}

/// <summary>What this process is: a silo that also serves HTTP, or an HTTP front-end that is an Orleans client.</summary>
public enum ServiceRole
{
    Silo,
    Frontend,
}

/// <summary>The hosting settings read once at start-up; invalid values stop the service with a message naming the key.</summary>
public sealed record ServiceSettings(
    ServiceRole Role,
    StorageMode Mode,
    string ConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    string? AdvertisedHost)
{
    /// <summary>The SQLite file used when no connection string is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/sessions.db";

    /// <summary>Reads and checks the settings; throws <see cref="StartupException"/> naming the bad key.</summary>
    public static ServiceSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var role = ParseEnum<ServiceRole>(configuration, "Role", "silo");
        var mode = ParseEnum<StorageMode>(configuration, "Storage:Mode", "sqlite");
        var connectionString = configuration["Storage:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = mode switch
            {
                StorageMode.Sqlite => DefaultSqliteConnectionString,
                StorageMode.Postgres => throw new StartupException(
                    "Storage:Mode is 'postgres' but Storage:ConnectionString is empty; set it, e.g. " +
                    "Storage__ConnectionString='Host=db;Database=sessions;Username=sessions;Password=…'."),
                _ => "",
            };
        }

        if (role is ServiceRole.Frontend && mode is StorageMode.Memory)
        {
            throw new StartupException("Role 'frontend' needs a cluster to join; Storage:Mode 'memory' has none. Use 'sqlite' or 'postgres'.");
        }

        return new ServiceSettings(
            role,
            mode,
            connectionString,
            configuration["Orleans:ClusterId"] ?? "sessions",
            configuration["Orleans:ServiceId"] ?? "sessions",
            ParsePort(configuration, "Orleans:SiloPort", 11111),
            ParsePort(configuration, "Orleans:GatewayPort", 30000),
            configuration["Orleans:AdvertisedHost"]);
    }

    private static T ParseEnum<T>(IConfiguration configuration, string key, string fallback)
        where T : struct, Enum
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            text = fallback;
        }

        if (!Enum.TryParse<T>(text, ignoreCase: true, out var value) || !Enum.IsDefined(value) || char.IsDigit(text[0]))
        {
            var allowed = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
            throw new StartupException($"{key} is '{text}', which is not one of: {allowed}.");
        }

        return value;
    }

    private static int ParsePort(IConfiguration configuration, string key, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new StartupException($"{key} is '{text}', which is not a TCP port (1–65535).");
    }
}
