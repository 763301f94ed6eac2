using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Sessions.Service.Live;

namespace Sessions.Service.Endpoints;

/// <summary><c>GET /api/stream</c>: server-sent events, one <c>change</c> event per entity change and one <c>health</c> event per server health change, as they happen.</summary>
public static class StreamEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder api)
    {
        var stream = api.MapGroup("/stream").WithTags("Live");
        stream.MapGet("", StreamAsync)
            .WithName("StreamChanges")
            .WithSummary("Server-sent events: 'ready' once listening, then a 'change' event (kind, provider, id, status, at) per entity change "
                + "and a 'health' event (kind, provider, id, health, healthReason, previous, at) per server health change, silence included.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return api;
    }

    /// <summary>
    /// Sends <c>ready</c> as soon as this process listens to the cluster (so a client knows that what follows is
    /// complete), then every change, with a comment line every 15 s that keeps proxies from closing an idle stream.
    /// </summary>
    public static async Task StreamAsync(HttpContext context, ChangeFeed feed, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(lifetime);

        // A stream never ends by itself: end it when the host stops, or graceful shutdown waits its whole timeout for it
        // and the silo's own stop is cut short. Clients reconnect to another node.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ended.Token;
        var (changes, lease) = await feed.ListenAsync(aborted);
        using (lease)
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            await response.WriteAsync("event: ready\ndata: {}\n\n", aborted);
            await response.Body.FlushAsync(aborted);
            try
            {
                while (!aborted.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                    wait.CancelAfter(KeepAlive);
                    try
                    {
                        var change = await changes.ReadAsync(wait.Token);
                        await response.WriteAsync(Format(change, json.Value.SerializerOptions), aborted);
                        while (changes.TryRead(out var next))
                        {
                            await response.WriteAsync(Format(next, json.Value.SerializerOptions), aborted);
                        }
                    }
                    catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                    {
                        await response.WriteAsync(": keep-alive\n\n", aborted);
                    }

                    await response.Body.FlushAsync(aborted);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client went away or the host is stopping: the normal end of a stream.
            }
        }
    }

    private static string Format(StreamEvent streamEvent, JsonSerializerOptions options) =>
        $"event: {streamEvent.Name}\ndata: {JsonSerializer.Serialize(streamEvent.Data, streamEvent.Data.GetType(), options)}\n\n";
}
