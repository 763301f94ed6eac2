using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Storage;
using Sessions.Service.Webhooks;

namespace Sessions.Service.Endpoints;

/// <summary>One raw log entry as the API shows it; the body is returned as the provider sent it, in UTF-8.</summary>
public sealed record RawWebhookView(
    long Id, string Source, string Kind, DateTimeOffset ReceivedAt, IReadOnlyDictionary<string, string> Headers, string Body,
    IReadOnlyList<EventOutcome> Outcomes);

/// <summary><c>/api/webhooks/log</c>: the accepted webhook bodies, for audit and replay.</summary>
public static class WebhookLogEndpoints
{
    public static IEndpointRouteBuilder MapWebhookLogEndpoints(this IEndpointRouteBuilder api)
    {
        var log = api.MapGroup("/webhooks/log").WithTags("Webhooks");
        log.MapGet("", ReadRawLogAsync).WithName("ReadWebhookLog")
            .WithSummary("Accepted webhook bodies, newest first (signature headers redacted).")
            .WithDescription("source: only this source's entries. before: an entry id; only older entries are listed (pass the "
                + "last id of a page to get the next one). limit: 1 to 500, default 50.");
        api.MapGet("/webhooks/rejections", ReadRejections).WithTags("Webhooks").WithName("ReadWebhookRejections")
            .WithSummary("The last rejected webhook requests per source, newest first: time, status, reason, detail, size, remote address; never the body.")
            .WithDescription("Kept in the memory of the process that answered them (each node its own, 50 per source, forgotten on restart). "
                + "source: only this source (_unknown: requests for sources that are not configured).");
        return api;
    }

    public static Ok<IReadOnlyList<Rejection>> ReadRejections(RejectionLog rejections, string? source)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        return TypedResults.Ok(rejections.Read(string.IsNullOrEmpty(source) ? null : source));
    }

    public static async Task<Results<Ok<IReadOnlyList<RawWebhookView>>, ProblemHttpResult>> ReadRawLogAsync(
        IRawWebhookLog log, string? source, long? before, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (limit is < 1 or > EntityQueries.MaxLimit)
        {
            return EntityQueries.BadRequest($"limit must be between 1 and {EntityQueries.MaxLimit}.");
        }

        var entries = await log.ReadAsync(source, before, limit ?? 50, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RawWebhookView>>(
        [
            .. entries.Select(e => new RawWebhookView(
                e.Id, e.Source, e.Kind, e.ReceivedAt, e.Headers, Encoding.UTF8.GetString(e.Body.Span), e.Outcomes)),
        ]);
    }
}
