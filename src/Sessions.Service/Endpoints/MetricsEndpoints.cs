namespace Sessions.Service.Endpoints;

/// <summary>
/// <c>GET /metrics</c>: every exported meter (the service's, ASP.NET Core's, the runtime's, Orleans', Npgsql's) in the
/// Prometheus text format, written by OpenTelemetry's exporter, for a scraper (API key unless <c>Api:PublicMetrics</c>).
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointConventionBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
}
