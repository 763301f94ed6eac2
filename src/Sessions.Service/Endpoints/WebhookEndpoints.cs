using System.ComponentModel;
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
            .WithSummary("Receive one provider webhook (or a batch); 200 only once every event is durably stored.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> ReceiveAsync(
        [Description("The configured source name (Webhooks:Sources:{name}); an unknown name is 404.")] string source, HttpRequest request, WebhookIngest ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        return ingest.HandleAsync(source, request, cancellationToken);
    }
}
