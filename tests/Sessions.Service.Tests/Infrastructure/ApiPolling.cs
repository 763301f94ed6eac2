using System.Net.Http.Json;
using System.Text.Json;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>Reads an API path until its answer shows what a test waits for: a wait on a condition, not a sleep.</summary>
internal static class ApiPolling
{
    /// <summary>The answer of <paramref name="path"/> once <paramref name="done"/> holds, read every 100 ms for up to 20 s.</summary>
    public static async Task<JsonElement> EventuallyAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var last = await client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);
        while (!done(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            last = await client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);
        }

        return done(last) ? last : throw new TimeoutException($"{path} did not reach the expected state in 20 s; last: {last}");
    }
}
