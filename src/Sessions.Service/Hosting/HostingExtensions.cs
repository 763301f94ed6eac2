using Sessions.Service.Storage;

namespace Sessions.Service.Hosting;

/// <summary>Registration and routing of the whole service, so Program.cs stays a table of contents.</summary>
public static class HostingExtensions
{
    /// <summary>Reads the hosting settings and registers Orleans (silo or client), health checks and the endpoints' services.</summary>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = ServiceSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);

        if (settings.Role is ServiceRole.Silo)
        {
            OrleansHosting.AddSilo(builder, settings);
        }
        else
        {
            OrleansHosting.AddClient(builder, settings);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
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
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}
