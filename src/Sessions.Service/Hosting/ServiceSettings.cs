using System.Data.Common;
using System.Globalization;
using System.Net;
using Npgsql;
using Orleans.Hosting.Kubernetes;

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

/// <summary>How a silo learns its address and cluster identity.</summary>
public enum SiloHosting
{
    /// <summary>From the <c>Orleans:*</c> settings: fixed ports, loopback or <c>Orleans:AdvertisedHost</c> (the default).</summary>
    Default,

    /// <summary>
    /// Orleans' Kubernetes hosting (postgres mode only): pod name, namespace and IP from the Downward API, cluster identity
    /// from <c>ORLEANS_SERVICE_ID</c> and <c>ORLEANS_CLUSTER_ID</c>, and the silo of a deleted pod declared dead at once.
    /// </summary>
    Kubernetes,
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
    string? AdvertisedHost,
    SiloHosting Hosting,
    IPAddress? PodIP)
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

        if (mode is StorageMode.Postgres)
        {
            connectionString = WithPostgresDefaults(connectionString);
        }

        if (role is ServiceRole.Frontend && mode is StorageMode.Memory)
        {
            throw new StartupException("Role 'frontend' needs a cluster to join; Storage:Mode 'memory' has none. Use 'sqlite' or 'postgres'.");
        }

        var hosting = ParseEnum<SiloHosting>(configuration, "Orleans:Hosting", "default");
        var advertisedHost = configuration["Orleans:AdvertisedHost"];
        if (hosting is SiloHosting.Kubernetes)
        {
            CheckKubernetesHosting(role, mode, advertisedHost);
        }

        return new ServiceSettings(
            role,
            mode,
            connectionString,
            ReadClusterIdentity(configuration, hosting, "Orleans:ClusterId", KubernetesHostingOptions.ClusterIdEnvironmentVariable),
            ReadClusterIdentity(configuration, hosting, "Orleans:ServiceId", KubernetesHostingOptions.ServiceIdEnvironmentVariable),
            ParsePort(configuration, "Orleans:SiloPort", 11111),
            ParsePort(configuration, "Orleans:GatewayPort", 30000),
            advertisedHost,
            hosting,
            hosting is SiloHosting.Kubernetes ? ParsePodIP(configuration) : null);
    }

    /// <summary>
    /// Adds the Npgsql settings the ingest path depends on, unless the connection string sets them itself. Orleans' ADO.NET
    /// providers open and close a pooled connection for every storage operation: by default each reuse first resets the
    /// session, and each query is parsed and planned afresh. Together those were half of PostgreSQL's CPU per webhook
    /// (BENCHMARKS.md). Skipping the reset is safe because nothing here leaves session state behind: no <c>SET</c>, no
    /// temporary tables, and the only advisory locks are transaction-scoped.
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        DbConnectionStringBuilder given;
        try
        {
            given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return connectionString; // the schema migrator reports it, naming the key
        }

        var written = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!written.Contains(nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!written.Contains(nameof(NpgsqlConnectionStringBuilder.NoResetOnClose)))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static void CheckKubernetesHosting(ServiceRole role, StorageMode mode, string? advertisedHost)
    {
        if (mode is not StorageMode.Postgres)
        {
            throw new StartupException(
                $"Orleans:Hosting is 'kubernetes', which needs Storage:Mode 'postgres' (the silos of all pods share membership there); " +
                $"Storage:Mode is '{mode.ToString().ToLowerInvariant()}'.");
        }

        if (role is ServiceRole.Frontend)
        {
            throw new StartupException(
                "Orleans:Hosting is 'kubernetes', which configures a silo; Role 'frontend' is an Orleans client. Leave Orleans:Hosting unset on front-ends.");
        }

        if (!string.IsNullOrWhiteSpace(advertisedHost))
        {
            throw new StartupException(
                $"Orleans:AdvertisedHost is '{advertisedHost}', but Orleans:Hosting 'kubernetes' advertises the pod's IP " +
                $"({KubernetesHostingOptions.PodIPEnvironmentVariable}); remove Orleans:AdvertisedHost.");
        }
    }

    /// <summary>
    /// Kubernetes hosting sets the cluster identity from its own environment variable after the settings are applied,
    /// so under it that variable is the identity, and a different <paramref name="key"/> is a mistake to report.
    /// </summary>
    private static string ReadClusterIdentity(IConfiguration configuration, SiloHosting hosting, string key, string kubernetesVariable)
    {
        var configured = configuration[key];
        var fromPod = hosting is SiloHosting.Kubernetes ? configuration[kubernetesVariable] : null;
        if (string.IsNullOrWhiteSpace(fromPod))
        {
            return configured ?? "sessions";
        }

        if (configured is not null && !string.Equals(configured, fromPod, StringComparison.Ordinal))
        {
            throw new StartupException(
                $"{key} is '{configured}' but {kubernetesVariable} is '{fromPod}', and Kubernetes hosting uses {kubernetesVariable}; " +
                "set only one, or both to the same value.");
        }

        return fromPod;
    }

    /// <summary>The pod's IP from the Downward API, advertised to the other silos; without it Orleans picks an address of this host.</summary>
    private static IPAddress? ParsePodIP(IConfiguration configuration)
    {
        const string Key = KubernetesHostingOptions.PodIPEnvironmentVariable;
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return IPAddress.TryParse(text, out var address)
            ? address
            : throw new StartupException($"{Key} is '{text}', which is not an IP address; set it from the Downward API (status.podIP).");
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
