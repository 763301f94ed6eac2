using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>Ready only while the configured database answers a trivial query.</summary>
/// <remarks>Memory mode has no database, so no data source is registered then.</remarks>
internal sealed class StorageHealthCheck(IOptions<HostingOptions> options, DbDataSource? dataSource = null) : IHealthCheck
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
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (SchemaMigrator.IsStorageFailure(ex))
        {
            return HealthCheckResult.Unhealthy("storage unreachable", ex);
        }
    }
}
