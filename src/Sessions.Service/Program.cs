using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Sessions.Service.Api;
using Sessions.Service.Endpoints;
using Sessions.Service.Hosting;
using Sessions.Service.Storage;

try
{
    var builder = WebApplication.CreateBuilder(args);
    if (args is ["migrate", ..])
    {
        var applied = await SchemaMigrator.MigrateAsync(builder.Configuration, CancellationToken.None);
        Console.WriteLine($"Sessions: storage schema is up to date ({applied} script(s) applied now).");
        return 0;
    }

    builder.AddSessions();
    var app = builder.Build();
    app.MapSessions();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is StartupException or OptionsValidationException)
{
    IEnumerable<string> problems = ex is OptionsValidationException invalid ? invalid.Failures : [ex.Message];
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync($"Sessions cannot start: {problem}");
    }

    return 2;
}

namespace Sessions.Service.Endpoints
{
    /// <summary>The routing table, kept beside the entry point; the capacity benchmark hosts the service in-process with it too.</summary>
    public static class SessionsRoutes
    {
        /// <summary>The middleware, then every endpoint: health and webhooks open; API description and metrics open where configured; <c>/api</c> behind the API key.</summary>
        public static WebApplication MapSessions(this WebApplication app)
        {
            ArgumentNullException.ThrowIfNull(app);
            app.UseSessions();
            var settings = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
            var publicDocs = ApiOptions.IsPublic(settings.PublicDocs, app.Environment);
            var publicMetrics = ApiOptions.IsPublic(settings.PublicMetrics, app.Environment);
            app.MapHealthEndpoints();                                      // /health/live, /health/ready
            app.MapOpenApi().RequireApiKeyUnless(publicDocs);              // /openapi/v1.json
            app.MapScalarApiReference(o => o.WithTitle("Sessions API"))    // /scalar
                .RequireApiKeyUnless(publicDocs);
            app.MapWebhookEndpoints();                                     // POST /webhooks/{source}
            app.MapMetricsEndpoints().RequireApiKeyUnless(publicMetrics);  // /metrics

            var api = app.MapGroup("/api").RequireAuthorization().WithRawPathIds();
            api.MapOverviewEndpoints();                                    // /api/overview
            api.MapServerEndpoints();                                      // /api/servers, /api/fleet, /api/fleet/history
            api.MapSessionEndpoints();                                     // /api/sessions
            api.MapRecordingEndpoints();                                   // /api/recordings
            api.MapLivestreamEndpoints();                                  // /api/livestreams
            api.MapClientEndpoints();                                      // /api/clients, /api/applications
            api.MapStreamEndpoints();                                      // /api/stream
            api.MapWebhookLogEndpoints();                                  // /api/webhooks/log
            api.MapSubscriptionEndpoints();                                // /api/subscriptions
            return app;
        }

        /// <summary>The API key on <paramref name="builder"/>'s endpoints unless they are configured public (<c>Api:PublicDocs</c>, <c>Api:PublicMetrics</c>).</summary>
        private static TBuilder RequireApiKeyUnless<TBuilder>(this TBuilder builder, bool isPublic)
            where TBuilder : IEndpointConventionBuilder =>
            isPublic ? builder : builder.RequireAuthorization();
    }
}
