using System.Text.Json.Serialization;
using Orleans.Configuration;
using Sessions.Canonical;
using Orleans.Serialization;
using Orleans.Storage;
using Scalar.AspNetCore;
using Sessions.Grains.Storage;
using Sessions.Service.Api;
using Sessions.Service.Endpoints;
using Sessions.Service.Live;
using Sessions.Service.Queries;
using Sessions.Service.Metrics;
using Sessions.Service.Storage;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Hosting;

/// <summary>Registration and routing of the whole service, so Program.cs stays a table of contents.</summary>
public static class HostingExtensions
{
    /// <summary>Reads the hosting settings and registers Orleans (silo or client), storage, webhooks, the API and health checks.</summary>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = ServiceSettings.Read(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageWriteGate>();

        // Hosted services start in registration order: check the sources, then the schema, then Orleans.
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName);
        services.AddHostedService<WebhookSourceCheck>();
        if (settings.Role is ServiceRole.Silo)
        {
            OrleansHosting.AddSilo(builder, settings);
        }
        else
        {
            OrleansHosting.AddClient(builder, settings);
        }

        if (settings.Mode is StorageMode.Memory)
        {
            services.AddSingleton<IRawWebhookLog, InMemoryRawWebhookLog>();
            services.AddSingleton<IEntityChangeLog, NoEntityChangeLog>();
            services.AddSingleton<IIndexStore, InMemoryIndexStore>();
        }
        else
        {
            services.AddSingleton<IRawWebhookLog, AdoNetRawWebhookLog>();
            services.AddSingleton<IEntityChangeLog, AdoNetEntityChangeLog>();
            services.AddSingleton<IIndexStore, AdoNetIndexStore>();
            services.AddOptions<AdoNetGrainStorageOptions>(OrleansHosting.AdoNetStorageName).Configure<IServiceProvider>((options, provider) =>
                options.GrainStorageSerializer = new GrainStateSerializer(
                    provider.GetRequiredService<Serializer>(), provider.GetRequiredService<IGrainStorageSerializer>()));
        }

        services.AddHostedService<RawWebhookLogJanitor>();
        services.AddSingleton<WebhookIngest>();
        services.AddSingleton<IndexReader>();
        services.AddSingleton<ChangeFeed>();
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName);
        services.AddSingleton<FleetHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetHistory>());
        if (settings.Role is ServiceRole.Silo)
        {
            services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName);
            services.AddHostedService<RetentionService>();
        }

        services.AddSingleton<ApiKeys>();
        services.AddSingleton<SessionsMetrics>();
        services.AddSingleton<PrometheusText>();

        // Status words travel as camelCase strings ("registered", "applied"), as the HTTP contract promises.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(StatusWords.NamingPolicy)));
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurity>());
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"])
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return builder;
    }

    /// <summary>Maps every endpoint of the service.</summary>
    public static WebApplication MapSessions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The dashboard: static files served by the service itself (no CDN, works offline).
        app.UseDefaultFiles();
        app.UseStaticFiles();

        // Created now, not on the first scrape, so /metrics counts from the first request; the key is printed at start.
        app.Services.GetRequiredService<PrometheusText>();
        app.Services.GetRequiredService<SessionsMetrics>();
        app.Services.GetRequiredService<ApiKeys>();

        app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync });
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("Sessions API"));
        app.MapWebhookEndpoints();
        app.MapApiEndpoints();
        return app;
    }
}
