using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// Applies the project's versioned SQL (deploy/sql/{sqlite,postgres}, embedded at build time) forward-only:
/// each script runs once, in its own transaction, and is recorded with its digest so a second run changes nothing.
/// </summary>
public sealed partial class SchemaMigrator(DbDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    private const string HistoryTable = "SessionsSchemaHistory";

    /// <summary>The <c>migrate</c> command: applies the scripts for the configured storage and returns how many ran.</summary>
    public static async Task<int> MigrateAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var storage = HostingOptions.Read(configuration).Storage;
        if (storage.StorageMode is StorageMode.Memory)
        {
            return 0;
        }

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole());
        await using var dataSource = StorageDataSource.Create(storage.StorageMode, storage.EffectiveConnectionString);
        return await new SchemaMigrator(dataSource, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
    }

    /// <summary>The scripts of one dialect, in the order they apply.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts(StorageMode mode)
    {
        var prefix = $"sql/{SettingWords.Of(mode)}/";
        var assembly = typeof(SchemaMigrator).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(n => (n[prefix.Length..], Read(assembly, n))),
        ];
    }

    /// <summary>What a script's text is recorded under once applied: SHA-256 of its UTF-8 bytes, lower-case hex.</summary>
    internal static string Digest(string sql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));

    /// <summary>Applies every script not yet recorded; throws <see cref="StartupException"/> when the database cannot be reached.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var mode = dataSource.IsPostgres() ? StorageMode.Postgres : StorageMode.Sqlite;
        await using var connection = await OpenForMigrationAsync(mode, cancellationToken);
        if (mode is StorageMode.Sqlite)
        {
            // WAL lets readers run beside the writer and is kept in the file; synchronous stays FULL, so a commit is on disk when it returns.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {HistoryTable} (Script VARCHAR(200) NOT NULL PRIMARY KEY, Sha256 CHAR(64) NOT NULL, AppliedAt VARCHAR(40) NOT NULL)",
            cancellationToken);

        var applied = await ReadHistoryAsync(connection, transaction, cancellationToken);
        var count = 0;
        foreach (var (name, sql) in Scripts(mode))
        {
            var digest = Digest(sql);
            if (applied.TryGetValue(name, out var recorded))
            {
                if (!string.Equals(recorded, digest, StringComparison.Ordinal))
                {
                    throw new StartupException(
                        $"SQL script {name} changed after it was applied to this database; scripts are forward-only, add a new one instead.");
                }

                continue;
            }

            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO {HistoryTable} (Script, Sha256, AppliedAt) VALUES (@script, @sha, @at)";
                record.AddParameter("script", name);
                record.AddParameter("sha", digest);
                record.AddParameter("at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            LogApplied(logger, name, SettingWords.Of(mode));
            count++;
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    /// <summary>Whether an exception says the database could not be reached or used, as opposed to a bug.</summary>
    public static bool IsStorageFailure(Exception exception) =>
        exception is DbException or IOException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException;

    private async Task<DbConnection> OpenForMigrationAsync(StorageMode mode, CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw new StartupException(
                $"the {SettingWords.Of(mode)} database named by Storage:ConnectionString cannot be reached ({ex.Message}).", ex);
        }
    }

    private static async Task LockAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Silos starting together must not race on the same scripts; SQLite's write transaction already serialises them.
        if (connection is NpgsqlConnection)
        {
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(8243561)", cancellationToken);
        }
    }

    private static async Task<Dictionary<string, string>> ReadHistoryAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT Script, Sha256 FROM {HistoryTable}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetString(0)] = reader.GetString(1).Trim();
        }

        return applied;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied SQL script {Script} ({Dialect})")]
    private static partial void LogApplied(ILogger logger, string script, string dialect);
}
