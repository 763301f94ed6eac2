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

    /// <summary>Runs <paramref name="write"/> inside a span named <paramref name="operation"/> about <paramref name="target"/>; a failure marks the span as an error.</summary>
    public static async Task<T> TraceAsync<T>(string operation, string target, Func<Task<T>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var activity = Source.StartActivity(operation);
        activity?.SetTag("sessions.storage.target", target);
        try
        {
            return await write();
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    /// <inheritdoc cref="TraceAsync{T}(string, string, Func{Task{T}})"/>
    public static Task TraceAsync(string operation, string target, Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return TraceAsync(operation, target, async () =>
        {
            await write();
            return true;
        });
    }
}
