using System.Net;
using System.Text;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// A detail number outside its domain (negative size, a duration as a string, a fraction of a core, 1e100 cores) is
/// ignored: the event is applied and the API shows the field as absent, never the bad value.
/// </summary>
public sealed class NumberDomainTests(KestrelApi api) : IClassFixture<KestrelApi>
{
    public static TheoryData<string, string> BadRecordingNumbers => new()
    {
        { "\"sizeBytes\":-5", "sizeBytes" },
        { "\"durationMs\":\"12\"", "durationMs" },
        { "\"durationMs\":12.5", "durationMs" },
        { "\"sizeBytes\":1e100", "sizeBytes" },
        { "\"sizeBytes\":9007199254740993", "sizeBytes" },
    };

    public static TheoryData<string> BadCoreCounts => ["1e100", "0", "-3", "2.5", "\"8\"", "true", "70000"];

    [Theory]
    [MemberData(nameof(BadRecordingNumbers))]
    public async Task RecordingNumberOutOfItsDomainIsIgnoredAndTheEventApplied(string field, string name)
    {
        var id = $"rec-{Guid.NewGuid():N}";
        await PostAsync(Body("recording.status", $"\"id\":\"{id}\",\"status\":\"ready\",{field}"));

        var recording = await GetAsync($"/api/recordings/acme/{id}");

        Assert.Equal("ready", recording.GetProperty("status").GetString());
        Assert.True(!recording.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null, $"{name} was stored as {value}");
    }

    [Fact]
    public async Task RecordingNumbersInTheirDomainAreKept()
    {
        var id = $"rec-{Guid.NewGuid():N}";
        await PostAsync(Body("recording.status", $"\"id\":\"{id}\",\"status\":\"ready\",\"sizeBytes\":0,\"durationMs\":1e3"));

        var recording = await GetAsync($"/api/recordings/acme/{id}");

        Assert.Equal((0, 1000), (recording.GetProperty("sizeBytes").GetInt64(), recording.GetProperty("durationMs").GetInt64()));
    }

    [Theory]
    [MemberData(nameof(BadCoreCounts))]
    public async Task CoreCountOutOfItsDomainIsIgnoredAndTheServerStarted(string coreCount)
    {
        var id = $"srv-{Guid.NewGuid():N}";
        await PostAsync(Body("server.started", $"\"id\":\"{id}\",\"role\":\"media\",\"coreCount\":{coreCount}"));

        var server = await GetAsync($"/api/servers/acme/{id}");

        Assert.Equal("started", server.GetProperty("state").GetString());
        Assert.True(!server.TryGetProperty("coreCount", out var value) || value.ValueKind == JsonValueKind.Null, $"coreCount was stored as {value}");
    }

    /// <summary>A Standard Webhooks body of <paramref name="type"/> from the platform <c>acme</c> with <paramref name="data"/>'s fields.</summary>
    private static string Body(string type, string data) => "{\"type\":\"" + type + "\",\"data\":{\"provider\":\"acme\"," + data + "}}";

    private async Task PostAsync(string json)
    {
        var (_, request) = TestSources.Authenticated("standard", Encoding.UTF8.GetBytes(json), DateTimeOffset.UtcNow);
        using var response = await api.PostAsync("standard", request);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{json}: {(int)response.StatusCode} {text}");
        Assert.Contains("\"applied\"", text, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await api.Client.SendAsync(KestrelApi.Api(HttpMethod.Get, path), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
