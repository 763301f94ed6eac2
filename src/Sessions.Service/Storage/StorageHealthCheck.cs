using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>
/// Ready only while the configured database takes writes: a probe that takes SQLite's write lock (<c>BEGIN
/// IMMEDIATE</c>, then rolls back) or asks PostgreSQL whether transactions are read-only, through the write gate and
/// bounded by <c>Storage:WriteTimeout</c>, and no write failure reported since the last success.
/// </summary>
/// <remarks>Memory mode has no database, so no data source is registered then.</remarks>
internal sealed class StorageHealthCheck(
    IOptions<HostingOptions> options, StorageWriteGate gate, StorageWriteHealth health, DbDataSource? dataSource = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hosting = options.Value;
        if (dataSource is null || hosting.ServiceRole is ServiceRole.Frontend)
        {
            return HealthCheckResult.Healthy($"{hosting.Storage.StorageMode} storage is not this process's to check");
        }

        try
        {
            await gate.RunAsync(() => ProbeWriteAsync(hosting.Storage.StorageMode, cancellationToken));
        }
        catch (Exception ex) when (ex is StorageWriteTimeoutException || SchemaMigrator.IsStorageFailure(ex))
        {
            return HealthCheckResult.Unhealthy("storage does not take writes", ex);
        }

        return health.Failing ? HealthCheckResult.Unhealthy("the last write to storage failed") : HealthCheckResult.Healthy();
    }

    private async Task<bool> ProbeWriteAsync(StorageMode mode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource!.OpenConnectionAsync(cancellationToken);
        if (mode is StorageMode.Sqlite)
        {
            // BEGIN IMMEDIATE takes the write lock as any write would (waiting out another process's lock for the busy
            // timeout); the header write inside it, rolled back on dispose, is refused by a read-only file.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = "PRAGMA user_version = 0";
            await write.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW transaction_read_only";
        return await command.ExecuteScalarAsync(cancellationToken) is "off"
            ? true
            : throw new InvalidOperationException("PostgreSQL answers read-only (a standby, or default_transaction_read_only)");
    }
}
