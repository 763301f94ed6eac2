using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Service.Metrics;

namespace Sessions.Service.Endpoints;

/// <summary><c>GET /metrics</c>: the service's own series in the Prometheus text format, for a scraper (no API key).</summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", GetMetrics).WithName("Metrics").ExcludeFromDescription();
        return app;
    }

    public static ContentHttpResult GetMetrics(PrometheusText prometheus)
    {
        ArgumentNullException.ThrowIfNull(prometheus);
        return TypedResults.Text(prometheus.Render(), "text/plain; version=0.0.4; charset=utf-8");
    }
}
