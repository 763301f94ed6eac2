using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Service.Api;
using Sessions.Service.Metrics;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Endpoints;

/// <summary>The <c>/api</c> group (API key required), the raw webhook log and <c>/metrics</c>.</summary>
public static class ApiEndpoints
{
    public static RouteGroupBuilder MapApiEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(RequireApiKeyAsync);
        api.MapQueryEndpoints();
        api.MapStreamEndpoints();
        api.MapGet("/webhooks/log", ReadRawLogAsync).WithName("ReadWebhookLog").WithTags("Webhooks")
            .WithSummary("Accepted webhook bodies, newest first (signature headers redacted).");
        app.MapGet("/metrics", (PrometheusText prometheus) => Results.Text(prometheus.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithName("Metrics").ExcludeFromDescription();
        return api;
    }

    /// <summary>One raw log entry as the API shows it; the body is returned as the provider sent it, in UTF-8.</summary>
    public sealed record RawWebhookView(
        long Id, string Source, string Kind, DateTimeOffset ReceivedAt, IReadOnlyDictionary<string, string> Headers, string Body,
        IReadOnlyList<EventOutcome> Outcomes);

    public static async Task<Ok<IReadOnlyList<RawWebhookView>>> ReadRawLogAsync(
        IRawWebhookLog log, string? source, long? before, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var entries = await log.ReadAsync(source, before, Math.Clamp(limit ?? 50, 1, 500), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RawWebhookView>>(
        [
            .. entries.Select(e => new RawWebhookView(
                e.Id, e.Source, e.Kind, e.ReceivedAt, e.Headers, System.Text.Encoding.UTF8.GetString(e.Body.Span), e.Outcomes)),
        ]);
    }

    private static async ValueTask<object?> RequireApiKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeys>();
        if (!keys.Accepts(context.HttpContext.Request))
        {
            return TypedResults.Problem(
                title: "Not authenticated",
                detail: "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>' (Api:Keys).",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }
}
