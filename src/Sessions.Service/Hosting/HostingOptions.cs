using Microsoft.Data.Sqlite;
using System.Data.Common;
using System.Net;
using Microsoft.Extensions.Options;
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

/// <summary>
/// What this process is and where it keeps its state. Bound from the configuration root, because its keys sit at three
/// levels: <c>Role</c>, the <c>Storage</c> and <c>Orleans</c> sections, and the variables Kubernetes sets on a pod. Words
/// and ports are kept as written, so that <see cref="HostingOptionsValidator"/> can quote a wrong one; the typed members
/// read them and hold once the options are valid.
/// </summary>
public sealed class HostingOptions
{
    /// <summary>The configuration root (see the summary).</summary>
    public const string SectionName = "";

    private const string DefaultClusterIdentity = "sessions";

    /// <summary><c>silo</c> (the default: co-hosts a silo) or <c>frontend</c> (HTTP only, an Orleans client of the silos).</summary>
    public string? Role { get; set; }

    /// <summary>The <c>Storage</c> section.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>The <c>Orleans</c> settings Sessions reads itself; <c>Membership</c>, <c>GrainCollection</c> and <c>ClientMessaging</c> go to Orleans as they are.</summary>
    public OrleansOptions Orleans { get; set; } = new();

    /// <summary>The pod's IP from the Downward API, advertised to the other silos under Kubernetes hosting.</summary>
    [ConfigurationKeyName(KubernetesHostingOptions.PodIPEnvironmentVariable)]
    public string? PodIP { get; set; }

    /// <summary>The service id Kubernetes hosting applies, from the pod's environment.</summary>
    [ConfigurationKeyName(KubernetesHostingOptions.ServiceIdEnvironmentVariable)]
    public string? PodServiceId { get; set; }

    /// <summary>The cluster id Kubernetes hosting applies, from the pod's environment.</summary>
    [ConfigurationKeyName(KubernetesHostingOptions.ClusterIdEnvironmentVariable)]
    public string? PodClusterId { get; set; }

    /// <summary>The role <see cref="Role"/> names.</summary>
    public ServiceRole ServiceRole => SettingWords.Parse(Role, ServiceRole.Silo);

    /// <summary>
    /// The cluster id. Kubernetes hosting sets it from <c>ORLEANS_CLUSTER_ID</c> after the settings are applied, so under
    /// it that variable is the identity; otherwise <c>Orleans:ClusterId</c>, by default <c>sessions</c>.
    /// </summary>
    public string ClusterId => ClusterIdentity(Orleans.ClusterId, PodClusterId);

    /// <summary>The service id, read as <see cref="ClusterId"/> is (<c>ORLEANS_SERVICE_ID</c>, <c>Orleans:ServiceId</c>).</summary>
    public string ServiceId => ClusterIdentity(Orleans.ServiceId, PodServiceId);

    /// <summary>The address advertised under Kubernetes hosting; null leaves Orleans to pick an address of this host.</summary>
    public IPAddress? AdvertisedPodIP =>
        Orleans.SiloHosting is SiloHosting.Kubernetes && !string.IsNullOrWhiteSpace(PodIP) ? IPAddress.Parse(PodIP) : null;

    /// <summary>
    /// Binds and validates the options from <paramref name="configuration"/> as the options system does, for what is
    /// needed before the host is built (Orleans' set-up, the <c>migrate</c> command).
    /// </summary>
    /// <exception cref="OptionsValidationException">The configuration is not valid; the message names each bad key.</exception>
    public static HostingOptions Read(IConfiguration configuration)
    {
        var options = new HostingOptions();
        configuration.Bind(options);
        var result = new HostingOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(HostingOptions), result.Failures) : options;
    }

    private string ClusterIdentity(string? configured, string? fromPod) =>
        Orleans.SiloHosting is SiloHosting.Kubernetes && !string.IsNullOrWhiteSpace(fromPod) ? fromPod : configured ?? DefaultClusterIdentity;
}

/// <summary>The <c>Storage</c> section: the database of grain state, membership, reminders, index and raw webhook log.</summary>
public sealed class StorageOptions
{
    /// <summary>The SQLite file used when no connection string is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/sessions.db";

    /// <summary><c>sqlite</c> (the default), <c>postgres</c> or <c>memory</c> (tests only, never a fallback).</summary>
    public string? Mode { get; set; }

    /// <summary>The SQLite file or PostgreSQL connection string; required in postgres mode.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long a write may wait to start (for the SQLite write gate, or a SQLite file another process holds locked)
    /// before it fails, so the webhook is answered 503 at once and readiness reports the store unwritable.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The mode <see cref="Mode"/> names.</summary>
    public StorageMode StorageMode => SettingWords.Parse(Mode, StorageMode.Sqlite);

    /// <summary>
    /// The connection string the database is opened with: in sqlite mode the default file when none is configured, in
    /// postgres mode the configured one <see cref="WithPostgresDefaults">with the defaults the ingest path depends on</see>.
    /// </summary>
    public string EffectiveConnectionString => StorageMode switch
    {
        StorageMode.Sqlite => WithSqliteDefaults(string.IsNullOrWhiteSpace(ConnectionString) ? DefaultSqliteConnectionString : ConnectionString, WriteTimeout),
        StorageMode.Postgres => WithPostgresDefaults(ConnectionString ?? ""),
        _ => ConnectionString ?? "",
    };

    /// <summary>Bounds SQLite's busy wait by <paramref name="writeTimeout"/> (<c>Default Timeout</c>, whole seconds), unless the connection string sets it.</summary>
    public static string WithSqliteDefaults(string connectionString, TimeSpan writeTimeout)
    {
        // Microsoft.Data.Sqlite retries a busy (locked) file for the command timeout, 30 s by default: longer than many
        // providers wait for an answer. Bounded by the write timeout instead, unless the connection string sets it.
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("DefaultTimeout", StringComparison.OrdinalIgnoreCase)))
        {
            builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(writeTimeout.TotalSeconds));
        }

        return builder.ConnectionString;
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
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
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
}

/// <summary>The <c>Orleans</c> settings Sessions reads itself: how the silo is hosted, its identity, ports and address.</summary>
public sealed class OrleansOptions
{
    /// <summary><c>default</c> or <c>kubernetes</c> (postgres mode): see <see cref="Hosting.SiloHosting"/>.</summary>
    public string? Hosting { get; set; }

    /// <summary>The cluster id (default <c>sessions</c>); see <see cref="HostingOptions.ClusterId"/>.</summary>
    public string? ClusterId { get; set; }

    /// <summary>The service id (default <c>sessions</c>); see <see cref="HostingOptions.ServiceId"/>.</summary>
    public string? ServiceId { get; set; }

    /// <summary>The silo-to-silo port (default 11111); distinct per process on one host.</summary>
    public string? SiloPort { get; set; }

    /// <summary>The port Orleans clients connect to (default 30000); distinct per process on one host.</summary>
    public string? GatewayPort { get; set; }

    /// <summary>Postgres mode: the host name peers reach this silo by (containers); without it, loopback.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The hosting <see cref="Hosting"/> names.</summary>
    public SiloHosting SiloHosting => SettingWords.Parse(Hosting, SiloHosting.Default);

    /// <summary>The port <see cref="SiloPort"/> names.</summary>
    public int SiloPortNumber => SettingWords.ParsePort(SiloPort, 11111);

    /// <summary>The port <see cref="GatewayPort"/> names.</summary>
    public int GatewayPortNumber => SettingWords.ParsePort(GatewayPort, 30000);
}
