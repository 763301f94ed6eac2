using Orleans.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sessions.Service.Metrics;
using Sessions.Service.Storage;

namespace Sessions.Service.Hosting;

/// <summary>
/// OpenTelemetry: the service's meter beside what ASP.NET Core, Kestrel, the runtime, Orleans and Npgsql measure, scraped
/// on <c>/metrics</c>; and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces, metrics and logs pushed over OTLP.
/// </summary>
internal static class TelemetryHosting
{
    /// <summary>The standard OpenTelemetry variable; the OTLP exporter reads it (and its siblings) itself.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The meters exported: the service's own, then those of the libraries it runs on.</summary>
    public static readonly string[] Meters =
    [
        SessionsMetrics.MeterName,
        "Microsoft.AspNetCore.*",   // hosting, Kestrel, routing, diagnostics, authentication, authorization
        "System.Runtime",           // the runtime's own meter: GC, thread pool, JIT, exceptions
        "Microsoft.Orleans",
        "Npgsql",
    ];

    /// <summary>
    /// The activity sources traced besides ASP.NET Core's requests: Orleans' calls between grains and its grain storage,
    /// Npgsql's commands, the service's storage writes. Orleans' runtime source is left out: its spans are the cluster's
    /// own housekeeping (membership table reads, system timers), several root traces a second that no webhook is part of.
    /// </summary>
    public static readonly string[] TracedSources =
    [
        ActivitySources.ApplicationGrainActivitySourceName,
        ActivitySources.StorageActivitySourceName,
        "Npgsql",
        StorageTracing.SourceName,
    ];

    /// <summary>Whether traces are recorded at all: only when there is somewhere to send them.</summary>
    public static bool TracesExported(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    /// <summary>Registers the meter provider with the Prometheus exporter, and tracing with OTLP when an endpoint is configured.</summary>
    public static void AddTelemetry(WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "sessions"))
            // Every scrape collects afresh (the exporter would otherwise answer from a copy up to 300 ms old), so a scrape
            // shows every request answered before it.
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!TracesExported(builder.Configuration))
        {
            return;
        }

        telemetry
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                .AddSource(TracedSources))
            .UseOtlpExporter();
    }

    /// <summary>Scrapes and health probes arrive every few seconds and say nothing about webhooks: they are not traced.</summary>
    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}
