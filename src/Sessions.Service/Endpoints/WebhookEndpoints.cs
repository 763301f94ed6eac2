using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Endpoints;

/// <summary><c>POST /webhooks/{source}</c>: where providers deliver.</summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/{source}", ReceiveAsync).WithName("ReceiveWebhook")
            .WithSummary("Receive one provider webhook (or a batch); 200 only once every event is durably stored.");
        return app;
    }

    public static Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> ReceiveAsync(
        string source, HttpRequest request, WebhookIngest ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        return ingest.HandleAsync(source, request, cancellationToken);
    }
}
