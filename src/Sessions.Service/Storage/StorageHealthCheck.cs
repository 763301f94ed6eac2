using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sessions.Service.Hosting;

namespace Sessions.Service.Storage;

/// <summary>Ready only while the configured database answers a trivial query.</summary>
internal sealed class StorageHealthCheck(ServiceSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (settings.Mode is StorageMode.Memory || settings.Role is ServiceRole.Frontend)
        {
            return HealthCheckResult.Healthy($"{settings.Mode} storage is not this process's to check");
        }

        try
        {
            await using var connection = await SchemaMigrator.OpenAsync(settings.Mode, settings.ConnectionString, cancellationToken);
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
