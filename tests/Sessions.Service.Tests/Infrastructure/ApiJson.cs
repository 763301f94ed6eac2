using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>What the tests that read the query API as JSON share: a client with a key, a GET, a string property.</summary>
internal static class ApiJson
{
    /// <summary>A client of <paramref name="service"/> that sends <paramref name="apiKey"/> as its bearer token.</summary>
    public static HttpClient Client(SessionsApiFactory service, string apiKey)
    {
        var client = service.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path) =>
        await client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);

    /// <summary>The string value of <paramref name="property"/>, or null when it is missing or not a string.</summary>
    public static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
