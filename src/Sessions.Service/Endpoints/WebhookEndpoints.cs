using Sessions.Service.Webhooks;

namespace Sessions.Service.Endpoints;

/// <summary><c>POST /webhooks/{source}</c>: where providers deliver.</summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks").WithTags("Webhooks");
        group.MapPost("/{source}", ReceiveAsync)
            .WithName("ReceiveWebhook")
            .WithSummary("Receive one provider webhook (or a batch); 200 only once every event is durably stored.");
        return group;
    }

    public static Task<IResult> ReceiveAsync(string source, HttpRequest request, WebhookIngest ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        return ingest.HandleAsync(source, request, cancellationToken);
    }
}
