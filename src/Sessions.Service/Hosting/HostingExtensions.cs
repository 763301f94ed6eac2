using System.Data.Common;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Sessions.Canonical;
using Sessions.Grains.Indexing;
using Sessions.Grains.Notifications;
using Sessions.Grains.Servers;
using Sessions.Grains.Storage;
using Sessions.Service.Api;
using Sessions.Service.Live;
using Sessions.Service.Metrics;
using Sessions.Service.Notifications;
using Sessions.Service.Queries;
using Sessions.Service.Storage;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Hosting;

/// <summary>Registration and middleware of the whole service, so Program.cs stays a routing table.</summary>
public static class HostingExtensions
{
    /// <summary>Registers the options, Orleans (silo or client), storage, webhooks, the API key scheme, the API and health checks.</summary>
    /// <exception cref="OptionsValidationException">The hosting options are not valid; the message names each bad key.</exception>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Orleans is set up before the host is built, so the hosting options are read now, bound and validated exactly as
        // the options registered below will be.
        var hosting = HostingOptions.Read(builder.Configuration);
        var services = builder.Services;
        services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName);
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName);
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName)
            .Validate(o => o.SilentAfter > TimeSpan.Zero, "Fleet:SilentAfter must be a positive time span, for example 00:05:00.")
            .ValidateOnStart();
        services.AddOptions<SilenceOptions>().BindConfiguration(SilenceOptions.SectionName)
            .Validate(o => o.SessionEndsAfter > TimeSpan.Zero, "Silence:SessionEndsAfter must be a positive time span, for example 06:00:00.")
            .Validate(o => o.ClientUnregistersAfter > TimeSpan.Zero, "Silence:ClientUnregistersAfter must be a positive time span, for example 1.00:00:00.")
            .ValidateOnStart();
        services.AddIndexing();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageWriteHealth>();
        services.AddSingleton<StorageWriteGate>();
        services.AddOptions<SnapshotOptions>().BindConfiguration(SnapshotOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        AddStorage(services, hosting.Storage.StorageMode);
        AddNotifications(services, hosting.ServiceRole);

        // Hosted services start in registration order: the schema (registered with the silo), then Orleans.
        if (hosting.ServiceRole is ServiceRole.Silo)
        {
            OrleansHosting.AddSilo(builder, hosting);
        }
        else
        {
            OrleansHosting.AddClient(builder, hosting);
        }

        services.AddHostedService<RawWebhookLogJanitor>();
        services.AddHostedService<NotificationJanitor>();
        services.AddSingleton<BodyMemoryBudget>();
        services.AddSingleton<WebhookIngest>();
        services.AddSingleton<RejectionLog>();
        services.AddSingleton<IndexReader>();
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<FleetHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetHistory>());
        services.AddSingleton<ActivityHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivityHistory>());
        if (hosting.ServiceRole is ServiceRole.Silo)
        {
            services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName);
            services.AddHostedService<RetentionService>();
        }

        services.AddSingleton<SessionsMetrics>();
        services.AddSingleton<IndexGauges>();
        TelemetryHosting.AddTelemetry(builder);

        services.AddSingleton<ApiKeys>();
        // The API key is checked where an endpoint requires it (the default policy names its scheme), not for every
        // request: ASP.NET Core would otherwise make the only scheme the default and run it for each webhook too.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", isEnabled: true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());

        // Status words travel as camelCase strings ("registered", "applied"), as the HTTP contract promises.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(StatusWords.NamingPolicy)));
        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurity>().AddOperationTransformer<OpenApiOperations>());
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"])
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return builder;
    }

    /// <summary>The middleware: security headers, problem details for errors, the dashboard's static files, then the API key's authentication and authorization.</summary>
    public static WebApplication UseSessions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The dashboard: static files served by the service itself (no CDN, works offline).
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        // Created now, not on the first request, so a generated key is printed at start and the gauges exist for the first scrape.
        app.Services.GetRequiredService<ApiKeys>();
        app.Services.GetRequiredService<IndexGauges>();
        return app;
    }

    /// <summary>Maps <c>/health/live</c> (the process answers) and <c>/health/ready</c> (cluster and storage checks), as JSON.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync });
        return app;
    }

    /// <summary>Outbound notifications: options, the signed sender, metrics, and on silos the waker that keeps dispatchers going.</summary>
    private static void AddNotifications(IServiceCollection services, ServiceRole role)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<DispatcherWakes>();
        services.AddSingleton<IWebhookSender, WebhookSender>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookSender.Handler(sp.GetRequiredService<IOptions<NotificationOptions>>().Value));
        if (role is ServiceRole.Silo)
        {
            services.AddHostedService<NotificationWaker>();
        }
    }

    /// <summary>The entity journal, the raw webhook log, the index store, the fleet history and the notification store: in the database, or in memory in memory mode.</summary>
    private static void AddStorage(IServiceCollection services, StorageMode mode)
    {
        if (mode is StorageMode.Memory)
        {
            services.AddSingleton<IRawWebhookLog, InMemoryRawWebhookLog>();
            services.AddSingleton<InMemoryNotificationStore>();
            services.AddSingleton<INotificationStore>(sp => sp.GetRequiredService<InMemoryNotificationStore>());
            services.AddSingleton<IEntityJournal>(sp => new DispatcherWakingJournal(
                new InMemoryEntityJournal(sp.GetRequiredService<IRawWebhookLog>(), sp.GetRequiredService<InMemoryNotificationStore>()),
                sp.GetRequiredService<DispatcherWakes>()));
            services.AddSingleton<IEntityChangeLog, NoEntityChangeLog>();
            services.AddSingleton<IIndexStore, InMemoryIndexStore>();
            services.AddSingleton<IFleetHistoryStore, InMemoryFleetHistoryStore>();
            return;
        }

        services.AddSingleton<DbDataSource>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<HostingOptions>>().Value.Storage;
            return StorageDataSource.Create(storage.StorageMode, storage.EffectiveConnectionString);
        });
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<AdoNetEntityJournal>();
        services.AddSingleton<IEntityJournal>(sp => new DispatcherWakingJournal(
            sp.GetRequiredService<AdoNetEntityJournal>(), sp.GetRequiredService<DispatcherWakes>()));
        services.AddSingleton<IEntityChangeLog>(sp => sp.GetRequiredService<AdoNetEntityJournal>());
        services.AddSingleton<IRawWebhookLog, AdoNetRawWebhookLog>();
        services.AddSingleton<IIndexStore, AdoNetIndexStore>();
        services.AddSingleton<IFleetHistoryStore, AdoNetFleetHistoryStore>();
        services.AddSingleton<INotificationStore, AdoNetNotificationStore>();
        services.AddOptions<AdoNetGrainStorageOptions>(OrleansHosting.AdoNetStorageName).Configure<IServiceProvider>((options, provider) =>
            options.GrainStorageSerializer = new GrainStateSerializer(
                provider.GetRequiredService<Serializer>(), provider.GetRequiredService<IGrainStorageSerializer>()));
    }
}
