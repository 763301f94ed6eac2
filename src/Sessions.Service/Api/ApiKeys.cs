using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;

namespace Sessions.Service.Api;

/// <summary>The <c>Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>The accepted API keys (<c>Api:Keys:0</c>, <c>Api:Keys:1</c>, …); blank ones are ignored. Never logged.</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>Whether <c>/metrics</c> answers without the API key; unset, only in the Development environment.</summary>
    public bool? PublicMetrics { get; set; }

    /// <summary>Whether <c>/openapi/v1.json</c> and <c>/scalar</c> answer without the API key; unset, only in the Development environment.</summary>
    public bool? PublicDocs { get; set; }

    /// <summary>What a <see cref="PublicMetrics"/> or <see cref="PublicDocs"/> setting comes to in <paramref name="environment"/>.</summary>
    public static bool IsPublic(bool? setting, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return setting ?? environment.IsDevelopment();
    }
}

/// <summary>
/// The keys accepted on <c>/api</c>: those of <see cref="ApiOptions"/>; with none configured, one is generated on
/// first start, kept in the data folder and printed in the log, so a newcomer can call the API at once.
/// </summary>
public sealed partial class ApiKeys
{
    private readonly byte[][] _keys;

    public ApiKeys(IOptions<ApiOptions> options, IOptions<HostingOptions> hosting, IHostEnvironment environment, ILogger<ApiKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hosting);
        ArgumentNullException.ThrowIfNull(environment);
        var configured = options.Value.Keys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (configured.Count == 0)
        {
            var file = Path.Combine(DataFolder(hosting.Value.Storage, environment), "api-key");
            configured.Add(LoadOrCreate(file, logger));
        }

        _keys = [.. configured.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Whether <paramref name="presented"/> is one of the accepted keys, compared in constant time.</summary>
    public bool Accepts(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.Length == 0)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        var accepted = false;
        foreach (var key in _keys)
        {
            accepted |= CryptographicOperations.FixedTimeEquals(key, bytes);
        }

        return accepted;
    }

    private static string DataFolder(StorageOptions storage, IHostEnvironment environment)
    {
        if (storage.StorageMode is StorageMode.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(storage.EffectiveConnectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file, environment.ContentRootPath));
            if (!string.IsNullOrEmpty(folder))
            {
                return folder;
            }
        }

        return Path.Combine(environment.ContentRootPath, "data");
    }

    private static string LoadOrCreate(string file, ILogger logger)
    {
        if (File.Exists(file))
        {
            var existing = File.ReadAllText(file).Trim();
            if (existing.Length > 0)
            {
                LogUsingStoredKey(logger, file);
                return existing;
            }
        }

        var key = "sk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, key + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        LogGeneratedKey(logger, key, file);
        return key;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No Api:Keys configured: generated API key {Key} (kept in {File}); send it as 'Authorization: Bearer <key>'")]
    private static partial void LogGeneratedKey(ILogger logger, string key, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Api:Keys configured: using the generated key kept in {File}")]
    private static partial void LogUsingStoredKey(ILogger logger, string file);
}
