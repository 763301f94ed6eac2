using System.Collections.Concurrent;

namespace Sessions.Service.Webhooks;

/// <summary>One rejected webhook request: when, why, how big and from where; never its body or headers.</summary>
/// <param name="Source">The source named in the path (<c>_unknown</c> for names no source has; the detail names it).</param>
/// <param name="At">When the request was rejected (this process's clock).</param>
/// <param name="Status">The HTTP status it was answered with (400, 401, 404, 413, 415, 503).</param>
/// <param name="Reason">The metrics' reason word: <c>unknown_source</c>, <c>unsupported_media_type</c>, <c>too_large</c>, <c>unauthorized</c>, <c>invalid</c>, <c>unavailable</c>.</param>
/// <param name="Detail">The detail the sender was given.</param>
/// <param name="SizeBytes">The body's length as declared (<c>Content-Length</c>) or read; null when neither is known.</param>
/// <param name="RemoteAddress">The peer's address as this process saw it (a proxy's, behind one).</param>
public sealed record Rejection(
    string Source, DateTimeOffset At, int Status, string Reason, string Detail, long? SizeBytes, string? RemoteAddress);

/// <summary>
/// The last <see cref="PerSource"/> rejected requests of each source, newest first, so a wrong secret or a wrong URL can
/// be diagnosed (<c>GET /api/webhooks/rejections</c>). In this process's memory: each silo or front-end keeps the
/// requests it answered, and a restart forgets them. Requests for unknown sources share one list, so a scan of made-up
/// names cannot grow it.
/// </summary>
public sealed class RejectionLog(TimeProvider time)
{
    /// <summary>How many rejections are kept per source.</summary>
    public const int PerSource = 50;

    private readonly ConcurrentDictionary<string, Queue<Rejection>> _bySource = new(StringComparer.Ordinal);

    /// <summary>Keeps one rejection, dropping the source's oldest beyond <see cref="PerSource"/>.</summary>
    public void Add(string source, int status, string reason, string detail, HttpRequest request, long? readBytes = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rejection = new Rejection(
            source, time.GetUtcNow(), status, reason, detail, request.ContentLength ?? readBytes,
            request.HttpContext.Connection.RemoteIpAddress?.ToString());
        var queue = _bySource.GetOrAdd(source, _ => new Queue<Rejection>());
        lock (queue)
        {
            queue.Enqueue(rejection);
            while (queue.Count > PerSource)
            {
                queue.Dequeue();
            }
        }
    }

    /// <summary>The kept rejections of <paramref name="source"/> (of every source when null), newest first.</summary>
    public IReadOnlyList<Rejection> Read(string? source)
    {
        var queues = source is null
            ? [.. _bySource.Values]
            : _bySource.TryGetValue(source, out var one) ? [one] : Array.Empty<Queue<Rejection>>();
        var all = new List<Rejection>();
        foreach (var queue in queues)
        {
            lock (queue)
            {
                all.AddRange(queue);
            }
        }

        return [.. all.OrderByDescending(r => r.At)];
    }
}
