using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Hosting.Kubernetes;

namespace Sessions.Service.Hosting;

/// <summary>
/// Checks <see cref="HostingOptions"/> before anything starts. Each failure names the key, quotes what it holds and says
/// what would do; Program.cs prints them and exits with code 2.
/// </summary>
public sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var role = Word(options.Role, "Role", ServiceRole.Silo, failures);
        var mode = Word(options.Storage.Mode, "Storage:Mode", StorageMode.Sqlite, failures);
        if (mode is { } storage)
        {
            CheckConnectionString(storage, options.Storage.ConnectionString, failures);
        }

        if (role is ServiceRole.Frontend && mode is StorageMode.Memory)
        {
            failures.Add("Role 'frontend' needs a cluster to join; Storage:Mode 'memory' has none. Use 'sqlite' or 'postgres'.");
        }

        var hosting = Word(options.Orleans.Hosting, "Orleans:Hosting", SiloHosting.Default, failures);
        if (hosting is SiloHosting.Kubernetes)
        {
            CheckKubernetesHosting(options, role, mode, failures);
        }

        CheckPort(options.Orleans.SiloPort, "Orleans:SiloPort", failures);
        CheckPort(options.Orleans.GatewayPort, "Orleans:GatewayPort", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static T? Word<T>(string? text, string key, T fallback, List<string> failures)
        where T : struct, Enum
    {
        if (SettingWords.TryParse(text, fallback, out var value))
        {
            return value;
        }

        failures.Add($"{key} is '{text}', which is not one of: {SettingWords.All<T>()}.");
        return null;
    }

    private static void CheckConnectionString(StorageMode mode, string? connectionString, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (mode is StorageMode.Postgres)
            {
                failures.Add(
                    "Storage:Mode is 'postgres' but Storage:ConnectionString is empty; set it, e.g. " +
                    "Storage__ConnectionString='Host=db;Database=sessions;Username=sessions;Password=…'.");
            }

            return;
        }

        if (mode is StorageMode.Memory)
        {
            return;
        }

        try
        {
            if (mode is StorageMode.Postgres)
            {
                // Building a data source checks every setting, as opening would, without connecting.
                NpgsqlDataSource.Create(connectionString).Dispose();
            }
            else
            {
                _ = new SqliteConnectionStringBuilder(connectionString);
            }
        }
        catch (ArgumentException ex)
        {
            failures.Add($"Storage:ConnectionString is not a valid {SettingWords.Of(mode)} connection string: {ex.Message}");
        }
    }

    private static void CheckKubernetesHosting(HostingOptions options, ServiceRole? role, StorageMode? mode, List<string> failures)
    {
        if (mode is { } storage and not StorageMode.Postgres)
        {
            failures.Add(
                "Orleans:Hosting is 'kubernetes', which needs Storage:Mode 'postgres' (the silos of all pods share membership there); " +
                $"Storage:Mode is '{SettingWords.Of(storage)}'.");
        }

        if (role is ServiceRole.Frontend)
        {
            failures.Add(
                "Orleans:Hosting is 'kubernetes', which configures a silo; Role 'frontend' is an Orleans client. Leave Orleans:Hosting unset on front-ends.");
        }

        if (!string.IsNullOrWhiteSpace(options.Orleans.AdvertisedHost))
        {
            failures.Add(
                $"Orleans:AdvertisedHost is '{options.Orleans.AdvertisedHost}', but Orleans:Hosting 'kubernetes' advertises the pod's IP " +
                $"({KubernetesHostingOptions.PodIPEnvironmentVariable}); remove Orleans:AdvertisedHost.");
        }

        CheckClusterIdentity(options.Orleans.ClusterId, options.PodClusterId, "Orleans:ClusterId", KubernetesHostingOptions.ClusterIdEnvironmentVariable, failures);
        CheckClusterIdentity(options.Orleans.ServiceId, options.PodServiceId, "Orleans:ServiceId", KubernetesHostingOptions.ServiceIdEnvironmentVariable, failures);
        if (!string.IsNullOrWhiteSpace(options.PodIP) && !IPAddress.TryParse(options.PodIP, out _))
        {
            failures.Add(
                $"{KubernetesHostingOptions.PodIPEnvironmentVariable} is '{options.PodIP}', which is not an IP address; " +
                "set it from the Downward API (status.podIP).");
        }
    }

    /// <summary>Under Kubernetes hosting the pod's variable is the identity, so a different configured one is a mistake to report.</summary>
    private static void CheckClusterIdentity(string? configured, string? fromPod, string key, string variable, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(fromPod) && configured is not null && !string.Equals(configured, fromPod, StringComparison.Ordinal))
        {
            failures.Add(
                $"{key} is '{configured}' but {variable} is '{fromPod}', and Kubernetes hosting uses {variable}; set only one, or both to the same value.");
        }
    }

    private static void CheckPort(string? text, string key, List<string> failures)
    {
        if (!SettingWords.TryParsePort(text, 0, out _))
        {
            failures.Add($"{key} is '{text}', which is not a TCP port (1–65535).");
        }
    }
}

/// <summary>How the hosting settings are written: enum values as lower-case words, ports as plain numbers; blank means the default.</summary>
internal static class SettingWords
{
    public static bool TryParse<T>(string? text, T fallback, out T value)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }

        return Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !char.IsDigit(text[0]);
    }

    /// <summary>The value <paramref name="text"/> names; throws when it names none, which validation has reported before.</summary>
    public static T Parse<T>(string? text, T fallback)
        where T : struct, Enum =>
        TryParse(text, fallback, out var value) ? value : throw new InvalidOperationException($"'{text}' is not a {typeof(T).Name}.");

    public static bool TryParsePort(string? text, int fallback, out int port)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            port = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;
    }

    /// <summary>The port <paramref name="text"/> names; throws when it names none, which validation has reported before.</summary>
    public static int ParsePort(string? text, int fallback) =>
        TryParsePort(text, fallback, out var port) ? port : throw new InvalidOperationException($"'{text}' is not a TCP port.");

    public static string Of<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static string All<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
}
