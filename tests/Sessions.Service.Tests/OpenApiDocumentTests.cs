using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;

namespace Sessions.Service.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> as a client generator or a reader of <c>/scalar</c> uses it: each list and the webhook endpoint
/// list the problem answers they give, every parameter says what it takes, and status and health filters name their words.
/// </summary>
public sealed class OpenApiDocumentTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    public static TheoryData<string, string> Lists => new()
    {
        { "/api/servers", "state" },
        { "/api/sessions", "status" },
        { "/api/recordings", "status" },
        { "/api/livestreams", "status" },
        { "/api/clients", "status" },
        { "/api/webhooks/log", "limit" },
        { "/api/fleet/history", "from" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task ListsDeclareTheirProblemsAndDescribeEveryParameter(string path, string parameter)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty("get");

        Assert.Superset(new HashSet<string> { "200", "400", "401" }, Responses(operation));
        Assert.Equal("#/components/schemas/ProblemDetails",
            operation.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/problem+json")
                .GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Contains(parameter, Parameters(operation).Select(p => p.GetProperty("name").GetString()));
        Assert.All(Parameters(operation), p => Assert.False(string.IsNullOrWhiteSpace(Description(p)), $"{path}: {p.GetProperty("name")} has no description"));
    }

    [Theory]
    [InlineData("/api/servers", "health", new[] { "healthy", "degraded", "down", "offline" })]
    [InlineData("/api/servers", "state", new[] { "started", "registered", "unregistered", "stopped" })]
    [InlineData("/api/sessions", "status", new[] { "active", "ended" })]
    [InlineData("/api/recordings", "status", new[] { "pending", "recording", "stopped", "uploading", "ready", "failed", "expired" })]
    [InlineData("/api/livestreams", "status", new[] { "idle", "preparing", "connected", "live", "disconnected", "disabled", "deleted" })]
    [InlineData("/api/clients", "status", new[] { "registered", "unregistered" })]
    public async Task StatusAndHealthFiltersListTheirWordsAsEnumValues(string path, string parameter, string[] words)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty("get");

        var schema = Parameters(operation).Single(p => p.GetProperty("name").GetString() == parameter).GetProperty("schema");
        Assert.Equal(words, schema.GetProperty("enum").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task TheWebhookEndpointListsEveryProblemItAnswers()
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty("/webhooks/{source}").GetProperty("post");

        Assert.Superset(new HashSet<string> { "200", "400", "401", "404", "413", "415", "503" }, Responses(operation));
        Assert.False(string.IsNullOrWhiteSpace(Description(Parameters(operation).Single())));
    }

    [Fact]
    public async Task AnEntityByIdListsNotFoundAndUnauthorized()
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty("/api/sessions/{provider}/{id}").GetProperty("get");

        Assert.Superset(new HashSet<string> { "200", "400", "401", "404" }, Responses(operation));
        Assert.All(Parameters(operation), p => Assert.False(string.IsNullOrWhiteSpace(Description(p))));
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await api.Client.SendAsync(WebhookApiFactory.Api(HttpMethod.Get, "/openapi/v1.json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    private static HashSet<string> Responses(JsonElement operation) =>
        [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

    private static List<JsonElement> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters) ? [.. parameters.EnumerateArray()] : [];

    private static string? Description(JsonElement parameter) =>
        parameter.TryGetProperty("description", out var description) ? description.GetString() : null;
}
