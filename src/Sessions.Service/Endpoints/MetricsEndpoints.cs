using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Service.Metrics;

namespace Sessions.Service.Endpoints;

/// <summary><c>GET /metrics</c>: the service's own series in the Prometheus text format, for a scraper (API key unless <c>Api:PublicMetrics</c>).</summary>
public static class MetricsEndpoints
{
    public static RouteHandlerBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", GetMetrics).WithName("Metrics").ExcludeFromDescription();

    public static ContentHttpResult GetMetrics(PrometheusText prometheus)
    {
        ArgumentNullException.ThrowIfNull(prometheus);
        return TypedResults.Text(prometheus.Render(), "text/plain; version=0.0.4; charset=utf-8");
    }
}
