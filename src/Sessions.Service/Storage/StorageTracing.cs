using System.Diagnostics;

namespace Sessions.Service.Storage;

/// <summary>
/// The service's own activity source (<c>Sessions</c>): one span around each durable write a webhook waits for, so its
/// trace runs from the HTTP request through the grain call to the storage it was answered after.
/// </summary>
internal static class StorageTracing
{
    public const string SourceName = "Sessions";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts the span of one write, named <paramref name="operation"/>, tagged with what <paramref name="target"/> says of
    /// <paramref name="subject"/>; dispose it when the write is durable. Null, and nothing computed, when nobody listens
    /// (no OTLP endpoint), so the write path pays nothing then.
    /// </summary>
    public static Activity? StartWrite<T>(string operation, T subject, Func<T, string> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var activity = Source.StartActivity(operation);
        activity?.SetTag("sessions.storage.target", target(subject));
        return activity;
    }
}
