using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Webhooks;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Postgres;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>Several service processes on one throwaway PostgreSQL: a cluster, a crash, and a front-end that is only a client.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresClusterTests(PostgresServer postgres)
{
    private const string ApiKey = "cluster-test-key";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EntityOnAKilledSiloAnswersFromTheSurvivorWithItsState()
    {
        var settings = await ClusterSettingsAsync();
        await using var a = await StartReadyAsync(settings);
        await using var b = await StartReadyAsync(settings);
        var started = FixtureFiles.Get("liveswitch/01-gateway.started.json");
        var request = TestSources.FixtureRequest(started);

        // Local placement: the silo that takes the webhook hosts the entity, so it lives on A.
        var applied = await PostAsync(a, request);
        Assert.Equal("applied", Assert.Single(applied.Events).Outcome);
        var path = "/api/servers/" + Assert.Single(applied.Events).Entity!["server/".Length..];
        var before = await GetJsonAsync(a, path);

        await a.KillAsync();
        var after = await EventuallyGetJsonAsync(b, path, TimeSpan.FromSeconds(60));

        Assert.Equal(before.GetProperty("timeline").GetRawText(), after.GetProperty("timeline").GetRawText());
        var retried = await PostAsync(b, request);
        Assert.Equal("duplicate", Assert.Single(retried.Events).Outcome);
    }

    [Fact]
    public async Task FrontendRoleServesWebhooksAndTheApiAsAClientOfTheSilos()
    {
        var settings = await ClusterSettingsAsync();
        await using var silo = await StartReadyAsync(settings);
        await using var frontend = await StartReadyAsync(new Dictionary<string, string>(settings) { ["Role"] = "frontend" });
        var registered = TestSources.FixtureRequest(FixtureFiles.Get("liveswitch/02-mediaserver.registered.json"));

        var answer = await PostAsync(frontend, registered);

        var path = "/api/servers/" + Assert.Single(answer.Events).Entity!["server/".Length..];
        var fromSilo = await GetJsonAsync(silo, path);
        Assert.Equal("mediaserver.registered", fromSilo.GetProperty("timeline")[0].GetProperty("type").GetString());
        var ready = await frontend.Http.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal("1 active silo(s)", ready.GetProperty("checks").GetProperty("cluster").GetProperty("description").GetString());
    }

    private async Task<Dictionary<string, string>> ClusterSettingsAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return new Dictionary<string, string>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = connectionString,
            ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Api:Keys:0"] = ApiKey,
            ["Webhooks:Sources:liveswitch:Kind"] = "liveswitch",
            ["Webhooks:Sources:liveswitch:Token"] = TestSources.Token,
            [$"Webhooks:Sources:liveswitch:ApplicationSecrets:{TestSources.LiveSwitchApplication}"] = TestSources.LiveSwitchSecret,

            // Detect a dead silo in seconds rather than the default tens of seconds.
            ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
            ["Orleans:Membership:NumMissedProbesLimit"] = "2",
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
            ["Orleans:Membership:TableRefreshTimeout"] = "00:00:02",
        };
    }

    private static async Task<ServiceProcess> StartReadyAsync(IReadOnlyDictionary<string, string> settings)
    {
        var ports = new Dictionary<string, string>(settings)
        {
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        var service = ServiceProcess.Start(ports);
        await service.WaitReadyAsync(StartTimeout, TestContext.Current.CancellationToken);
        return service;
    }

    private static async Task<WebhookAnswer> PostAsync(ServiceProcess service, Sessions.Webhooks.WebhookRequest request)
    {
        using var message = WebhookMessage.For("liveswitch", request);
        using var response = await service.Http.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}\n{service.Output}");
        return JsonSerializer.Deserialize<WebhookAnswer>(text, JsonSerializerOptions.Web)!;
    }

    private static async Task<JsonElement> GetJsonAsync(ServiceProcess service, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", ApiKey);
        using var response = await service.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Asks until the entity answers: while the dead silo is not yet declared dead, calls to its grains fail.</summary>
    private static async Task<JsonElement> EventuallyGetJsonAsync(ServiceProcess service, string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", ApiKey);
            using var response = await service.Http.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            }

            last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{path} did not answer 200 from the survivor within {timeout}; last answer {last}\n{service.Output}");
        return default;
    }
}
