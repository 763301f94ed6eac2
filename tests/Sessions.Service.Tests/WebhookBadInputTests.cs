using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>Bad input gets its 4xx with a detail a person can act on, the service stays up, and nothing is stored.</summary>
public sealed class WebhookBadInputTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    private static readonly byte[] Active = FixtureFiles.Get("fastpix/05-video.live_stream.active.json").Body;

    public static TheoryData<string> SignedBadBodies => [.. BadBodies.Keys];

    private static Dictionary<string, (byte[] Body, string DetailMentions)> BadBodies => new()
    {
        ["empty body"] = ([], "empty"),
        ["invalid JSON"] = ("{\"type\": \"video.live_stream.active\", "u8.ToArray(), "JSON"),
        ["an array where an object is expected"] = ("[1,2,3]"u8.ToArray(), "object"),
        ["a bare number"] = ("42"u8.ToArray(), "object"),
        ["truncated body"] = (Active[..(Active.Length / 2)], "JSON"),
        ["invalid UTF-8"] = ([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], "UTF-8"),
        ["10,000 levels of nesting"] = (Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), "JSON"),
        ["missing required id"] = (Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Active).Replace("\"id\":", "\"not_id\":", StringComparison.Ordinal)), "id"),
    };

    [Theory]
    [MemberData(nameof(SignedBadBodies))]
    public async Task GenuineButUnusableBodyGets400NamingTheProblemAndStoresNothing(string name)
    {
        var (body, mentions) = BadBodies[name];
        var before = await api.CountStoredAsync();
        var (_, request) = TestSources.Authenticated("fastpix", body, DateTimeOffset.UtcNow);

        var response = await api.PostAsync("fastpix", request);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(mentions, problem.Detail, StringComparison.OrdinalIgnoreCase);
        await AssertUnchangedAndUpAsync(before);
    }

    [Fact]
    public async Task RejectedRequestsAreListedPerSourceWithoutTheirBody()
    {
        var response = await api.PostAsync("wrong-fastpix", TestSources.Authenticated("fastpix", Active, DateTimeOffset.UtcNow).Request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await api.PostAsync("no-such-source", TestSources.Request(Active));

        using var read = WebhookApiFactory.Api(HttpMethod.Get, "/api/webhooks/rejections?source=wrong-fastpix");
        using var listed = await api.Client.SendAsync(read, TestContext.Current.CancellationToken);
        var rejections = await listed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);

        var rejection = rejections.EnumerateArray().First();
        Assert.Equal(("wrong-fastpix", 401, "unauthorized", (long)Active.Length), (
            rejection.GetProperty("source").GetString(), rejection.GetProperty("status").GetInt32(),
            rejection.GetProperty("reason").GetString(), rejection.GetProperty("sizeBytes").GetInt64()));
        Assert.Contains("FastPix-Signature", rejection.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(rejection.TryGetProperty("body", out _));
        Assert.All(rejections.EnumerateArray(), r => Assert.Equal("wrong-fastpix", r.GetProperty("source").GetString()));

        using var unknown = WebhookApiFactory.Api(HttpMethod.Get, "/api/webhooks/rejections?source=_unknown");
        using var unknownListed = await api.Client.SendAsync(unknown, TestContext.Current.CancellationToken);
        Assert.Contains("no-such-source", await unknownListed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheLimitGets413()
    {
        var before = await api.CountStoredAsync();
        var body = new byte[5 * 1024 * 1024];
        Array.Fill(body, (byte)' ');

        var response = await api.PostAsync("fastpix", TestSources.Request(body));

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576", problem.Detail, StringComparison.Ordinal);
        await AssertUnchangedAndUpAsync(before);
    }

    [Fact]
    public async Task TextPlainGets415()
    {
        var before = await api.CountStoredAsync();
        var (_, request) = TestSources.Authenticated("fastpix", Active, DateTimeOffset.UtcNow);

        var response = await api.PostAsync("fastpix", request, contentType: "text/plain");

        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        await AssertUnchangedAndUpAsync(before);
    }

    [Fact]
    public async Task UnknownSourceGets404NamingIt()
    {
        var before = await api.CountStoredAsync();

        var response = await api.PostAsync("no-such-source", TestSources.Request(Active));

        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no-such-source", problem.Detail, StringComparison.Ordinal);
        await AssertUnchangedAndUpAsync(before);
    }

    [Fact]
    public async Task UnknownEventTypeIsAcknowledgedAsIgnoredAndChangesNoEntity()
    {
        var before = await api.CountStoredAsync();
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Active)
            .Replace("video.live_stream.active", "video.live_stream.teleported", StringComparison.Ordinal)
            .Replace("\"id\":\"", "\"id\":\"unknown-type-", StringComparison.Ordinal));
        var (_, request) = TestSources.Authenticated("fastpix", body, DateTimeOffset.UtcNow);

        var response = await api.PostAsync("fastpix", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<Webhooks.WebhookAnswer>(TestContext.Current.CancellationToken);
        Assert.Equal("ignored", Assert.Single(answer!.Events).Outcome);
        var after = await api.CountStoredAsync();
        Assert.Equal(before.GrainStates, after.GrainStates);
        Assert.Equal(before.LoggedWebhooks + 1, after.LoggedWebhooks);
    }

    private async Task AssertUnchangedAndUpAsync((long, long) before)
    {
        Assert.Equal(before, await api.CountStoredAsync());
        var live = await api.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static async Task<ProblemDetails> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(text, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail), "a problem needs a detail a person can act on");
        return problem;
    }
}
