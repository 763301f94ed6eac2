using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Webhooks;
using Sessions.Grains.Storage;
using Sessions.Service.Metrics;
using Sessions.Webhooks;
using Sessions.Canonical;

namespace Sessions.Service.Webhooks;

/// <summary>The answer to an accepted webhook: one outcome per event, in body order.</summary>
public sealed record WebhookAnswer(IReadOnlyList<EventOutcome> Events);

/// <summary>
/// The ingest path of <c>POST /webhooks/{source}</c>: resolve the source, read the body bounded, let the adapters verify
/// and parse it, apply every event to its grain, keep the body in the raw log, and only then answer 200.
/// Every rejection happens before anything is stored.
/// </summary>
public sealed partial class WebhookIngest(
    IOptionsMonitor<WebhookOptions> options,
    IGrainFactory grains,
    IRawWebhookLog rawLog,
    BodyMemoryBudget bodyBudget,
    SessionsMetrics metrics,
    RejectionLog rejections,
    TimeProvider time,
    ILogger<WebhookIngest> logger)
{
    /// <summary>Headers kept in the raw log as they are.</summary>
    private static readonly string[] KeptHeaders =
        ["content-type", "user-agent", "dyte-uuid", "dyte-webhook-id", "rtk-uuid", "webhook-id", "webhook-timestamp"];

    /// <summary>Headers whose presence is kept in the raw log but never their value.</summary>
    private static readonly string[] RedactedHeaders =
        ["authorization", "x-applicationsignature", "fastpix-signature", "dyte-signature", "rtk-signature", "x-eyeson-signature", "webhook-signature"];

    public async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> HandleAsync(string sourceName, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var settings = options.CurrentValue;
        var source = settings.Find(sourceName);
        if (source is null)
        {
            metrics.Received(SessionsMetrics.UnknownSource, "");
            return Reject(request, SessionsMetrics.UnknownSource, "", "unknown_source", StatusCodes.Status404NotFound, "Unknown webhook source",
                $"No webhook source named '{sourceName}' is configured (Webhooks:Sources:{{name}}).");
        }

        metrics.Received(source.Name, source.Kind);
        if (!IsJson(request.ContentType))
        {
            return Reject(request, source, "unsupported_media_type", StatusCodes.Status415UnsupportedMediaType, "Body must be JSON",
                $"Content-Type is '{request.ContentType}'; send application/json.");
        }

        var (read, body) = await BoundedBody.ReadAsync(request, settings.MaxBodyBytes, bodyBudget, cancellationToken);
        if (read is BoundedBody.Outcome.TooLarge)
        {
            return Reject(request, source, "too_large", StatusCodes.Status413PayloadTooLarge, "Body too large",
                $"The body is larger than {settings.MaxBodyBytes} bytes (Webhooks:MaxBodyBytes).");
        }

        if (read is BoundedBody.Outcome.OverBudget)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Reject(request, source, "busy", StatusCodes.Status503ServiceUnavailable, "Busy",
                $"The bodies being handled hold the memory budget (Webhooks:MaxConcurrentBodyBytes = {settings.MaxConcurrentBodyBytes}); retry shortly.");
        }

        // The request owns the pooled body and returns it once every write holding it has committed. When storing
        // failed, a write may still hold the bytes (a grain call that timed out while its commit is queued): the buffer
        // is then left to the garbage collector rather than handed to another request.
        using var owned = body!;
        try
        {
            return await ApplyAndStoreAsync(source, request, owned, started, cancellationToken);
        }
        catch
        {
            owned.Abandon();
            throw;
        }
    }

    private async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> ApplyAndStoreAsync(
        WebhookSource source, HttpRequest request, PooledBody body, long started, CancellationToken cancellationToken)
    {
        var bytes = body.Memory;
        var receivedAt = time.GetUtcNow();
        var headers = new RequestHeaders(request.Headers);
        var verdict = WebhookPipeline.Handle(source, new WebhookRequest(bytes, headers, request.Query["token"], receivedAt));
        switch (verdict)
        {
            case WebhookVerdict.Unauthorized unauthorized:
                return Reject(request, source, "unauthorized", StatusCodes.Status401Unauthorized, "Not authenticated", unauthorized.Detail, bytes.Length);
            case WebhookVerdict.Invalid invalid:
                return Reject(request, source, "invalid", StatusCodes.Status400BadRequest, "Invalid webhook body", invalid.Detail, bytes.Length);
        }

        var items = ((WebhookVerdict.Accepted)verdict).Items;
        var logged = new RawWebhook(0, source.Name, source.Kind, receivedAt, LoggedHeaders(headers), bytes, []);
        IReadOnlyList<EventOutcome> outcomes;
        try
        {
            // Not cancelled with the request: the writers may hold the pooled bytes until their batch commits, and the
            // buffer goes back to the pool as soon as this returns.
            outcomes = await StoreAsync(items, logged, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong, the events are not known to be stored: 503 makes the provider retry, and dedupe absorbs
            // the events of this body that did get stored.
            body.Abandon();
            LogNotStored(logger, ex, source.Name);
            metrics.Rejected(source.Name, source.Kind, "unavailable");
            const string NotStored = "The events could not be stored durably right now; retry later.";
            const int RetryAfterSeconds = 5;
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            rejections.Add(source.Name, StatusCodes.Status503ServiceUnavailable, "unavailable", NotStored, request, bytes.Length);
            return TypedResults.Problem(
                title: "Not stored",
                detail: NotStored,
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = RetryAfterSeconds });
        }

        foreach (var outcome in outcomes)
        {
            metrics.Event(source.Name, source.Kind, outcome.Outcome);
        }

        metrics.Duration(source.Name, source.Kind, Stopwatch.GetElapsedTime(started));
        return TypedResults.Ok(new WebhookAnswer(outcomes));
    }

    /// <summary>
    /// Applies every event to its grain and keeps the request in the raw log; done once all of it is durable. The one
    /// event of a single-event webhook carries the request's row into its own commit; otherwise (several events, a
    /// duplicate, nothing mapped) the row is appended once the events are stored.
    /// </summary>
    private async Task<IReadOnlyList<EventOutcome>> StoreAsync(IReadOnlyList<WebhookItem> items, RawWebhook request, CancellationToken cancellationToken)
    {
        if (items is [CanonicalEvent single])
        {
            var pending = new EventOutcome(single.Type, EntityName(single), "");
            var outcome = await grains.Get(single.Kind, single.Provider, single.EntityId).ApplyAsync(single, request with { Outcomes = [pending] });
            var stored = pending with { Outcome = StatusWords.Of(outcome) };
            if (outcome is TransitionOutcome.Duplicate)
            {
                await rawLog.AppendAsync(request with { Outcomes = [stored] }, cancellationToken);
            }

            return [stored];
        }

        var outcomes = await Task.WhenAll(items.Select(ApplyAsync));
        await rawLog.AppendAsync(request with { Outcomes = outcomes }, cancellationToken);
        return outcomes;
    }

    private async Task<EventOutcome> ApplyAsync(WebhookItem item)
    {
        switch (item)
        {
            case CanonicalEvent evt:
                var outcome = await grains.Get(evt.Kind, evt.Provider, evt.EntityId).ApplyAsync(evt);
                return new EventOutcome(evt.Type, EntityName(evt), StatusWords.Of(outcome));
            case UnmappedEvent unmapped:
                return new EventOutcome(unmapped.Type, unmapped.EntityHint, "ignored");
            default:
                throw new UnreachableException($"unexpected webhook item {item.GetType().Name}");
        }
    }

    /// <summary>How an entity is named in answers and logs: <c>{kind}/{provider}/{id}</c>.</summary>
    public static string EntityName(CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return $"{StatusWords.Of(evt.Kind)}/{evt.Provider}/{evt.EntityId}";
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string> LoggedHeaders(RequestHeaders headers)
    {
        var logged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in KeptHeaders)
        {
            if (headers.TryGetValue(name, out var value))
            {
                logged[name] = value;
            }
        }

        foreach (var name in RedactedHeaders.Where(headers.ContainsKey))
        {
            logged[name] = "[redacted]";
        }

        return logged;
    }

    private ProblemHttpResult Reject(
        HttpRequest request, WebhookSource source, string reason, int status, string title, string detail, long? readBytes = null) =>
        Reject(request, source.Name, source.Kind, reason, status, title, detail, readBytes);

    private ProblemHttpResult Reject(
        HttpRequest request, string source, string kind, string reason, int status, string title, string detail, long? readBytes = null)
    {
        metrics.Rejected(source, kind, reason);
        rejections.Add(source, status, reason, detail, request, readBytes);
        LogRejected(logger, source, reason, detail);
        return TypedResults.Problem(title: title, detail: detail, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook for source {Source} rejected ({Reason}): {Detail}")]
    private static partial void LogRejected(ILogger logger, string source, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook for source {Source} not stored; answered 503")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string source);
}
