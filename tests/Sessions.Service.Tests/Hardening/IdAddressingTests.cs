using System.Net;
using System.Text.Json;
using Sessions.Canonical;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// Every stored id is read back at exactly one URL (the id percent-encoded as one segment), and ids no URL can carry
/// (over the length limit, control characters, <c>.</c> and <c>..</c>) are refused at ingest with 400 naming the field.
/// </summary>
public sealed class IdAddressingTests(KestrelApi api) : IClassFixture<KestrelApi>
{
    public static TheoryData<string> AwkwardIds =>
        ["a/b", "a%2Fb", "a%252Fb", "50% off", "with space", "ü/ß?#&=+", "dot.dot..", "...", "colon:id", new string('x', EntityIds.MaxLength)];

    public static TheoryData<string, string> RefusedIds => new()
    {
        { "..", "no URL" },
        { ".", "no URL" },
        { "nul\0byte", "U+0000" },
        { "line\nbreak", "U+000A" },
        { new string('x', EntityIds.MaxLength + 1), "at most 512" },
        { new string('y', 100_000), "at most 512" },
    };

    [Theory]
    [MemberData(nameof(AwkwardIds))]
    public async Task StoredIdIsReadBackAtItsEncodedUrlOnly(string id)
    {
        await PostSessionAsync(id, expected: HttpStatusCode.OK);

        using var response = await GetAsync($"/api/sessions/acme/{Uri.EscapeDataString(id)}");

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET of '{id}': {(int)response.StatusCode} {text}");
        Assert.Equal(id, JsonDocument.Parse(text).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task SlashAndItsEscapeAreDistinctIdsEachAtItsOwnUrl()
    {
        await PostSessionAsync("pair/one", expected: HttpStatusCode.OK);
        await PostSessionAsync("pair%2Fone", expected: HttpStatusCode.OK);

        Assert.Equal("pair/one", await IdAtAsync("/api/sessions/acme/pair%2Fone"));
        Assert.Equal("pair%2Fone", await IdAtAsync("/api/sessions/acme/pair%252Fone"));
        using var unencoded = await GetAsync("/api/sessions/acme/pair/one");
        Assert.Equal(HttpStatusCode.NotFound, unencoded.StatusCode);
    }

    [Fact]
    public async Task MalformedEscapeInThePathIs400()
    {
        // Over a raw socket: HttpClient would re-encode the stray '%' as %25.
        var answer = await api.SendRawAsync($"GET /api/sessions/acme/bad%zzescape HTTP/1.1\r\nAuthorization: Bearer {KestrelApi.ApiKey}", []);

        Assert.Equal(400, answer.Status);
        Assert.Contains("percent-encoded", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RefusedIds))]
    public async Task UnaddressableIdIsRefusedWith400NamingTheField(string id, string mentions)
    {
        var before = await api.CountStoredAsync();

        var detail = await PostSessionAsync(id, expected: HttpStatusCode.BadRequest);

        Assert.Contains("'data.id'", detail, StringComparison.Ordinal);
        Assert.Contains(mentions, detail, StringComparison.Ordinal);
        Assert.True(detail.Length < 400, "the detail does not echo the id");
        Assert.Equal(before, await api.CountStoredAsync());
        Assert.Equal(200, await api.ReadyStatusAsync());
    }

    private async Task<string> PostSessionAsync(string id, HttpStatusCode expected)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "session.started",
            timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            data = new { provider = "acme", id },
        });
        var (_, request) = TestSources.Authenticated("standard", body, DateTimeOffset.UtcNow);
        using var response = await api.PostAsync("standard", request);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"POST of an id of {id.Length} chars: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return expected == HttpStatusCode.OK ? text : JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
    }

    private async Task<string?> IdAtAsync(string path)
    {
        using var response = await GetAsync(path);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();
    }

    private async Task<HttpResponseMessage> GetAsync(string path) =>
        await api.Client.SendAsync(KestrelApi.Api(HttpMethod.Get, path), TestContext.Current.CancellationToken);
}
