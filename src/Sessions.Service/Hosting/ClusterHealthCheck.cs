using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Sessions.Service.Hosting;

/// <summary>Ready once this process can reach an active silo: its own (silo role) or the cluster's (frontend role).</summary>
internal sealed class ClusterHealthCheck(IServiceProvider services, IOptions<HostingOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.ServiceRole is ServiceRole.Silo)
        {
            var status = services.GetRequiredService<ISiloStatusOracle>().CurrentStatus;
            return status == SiloStatus.Active
                ? HealthCheckResult.Healthy("silo active")
                : HealthCheckResult.Unhealthy($"silo is {status}");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var management = services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true, timeout.Token);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception ex) when (ex is OrleansException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("cluster unreachable", ex);
        }
    }
}
