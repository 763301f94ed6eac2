using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Abstractions.Entities;
using Sessions.Canonical;
using Sessions.Service.Metrics;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

/// <summary>
/// What Prometheus alerts on: <c>/metrics</c> reports servers by health, role and region and entities by kind and
/// status, the same numbers <c>/api/fleet</c> and <c>/api/overview</c> show, with a zero for a health nobody has.
/// </summary>
public sealed class IndexGaugesTests
{
    private const string ApiKey = "index-gauges-test-key";

    [Fact]
    public async Task MetricsReportTheFleetAndTheEntitiesAsTheApiCountsThem()
    {
        using var folder = new TempDirectory("index-gauges");
        await using var service = new SessionsApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Api:Keys:0"] = ApiKey,
        });
        using var client = service.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var grains = service.Services.GetRequiredService<IGrainFactory>();

        var before = await ScrapeAsync(client);
        Assert.Equal(0, before.Value("sessions_servers_by_health", ("health", "down")));

        var now = DateTimeOffset.UtcNow;
        await Apply(grains, "gw-1", "gateway", ServerStatus.Registered, "eu-west", now);
        await Apply(grains, "ms-1", "mediaserver", ServerStatus.Registered, "eu-west", now.AddMinutes(-10));   // silent: down
        await Apply(grains, "ms-2", "mediaserver", ServerStatus.Stopped, "us-east", now);

        // Scrapes read the index at most every few seconds: wait until one has read it since the servers were filed.
        var deadline = DateTime.UtcNow + IndexGauges.CacheFor * 4;
        var metrics = await ScrapeAsync(client);
        while (metrics.Value("sessions_servers_by_health", ("health", "offline")) < 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            metrics = await ScrapeAsync(client);
        }

        var fleet = await client.GetFromJsonAsync<JsonElement>("/api/fleet", TestContext.Current.CancellationToken);
        var overview = await client.GetFromJsonAsync<JsonElement>("/api/overview", TestContext.Current.CancellationToken);
        Assert.Equal((1, 1, 0, 1), (Gauge(metrics, "health", "healthy"), Gauge(metrics, "health", "down"), Gauge(metrics, "health", "degraded"), Gauge(metrics, "health", "offline")));
        foreach (var (facet, label) in new[] { ("byHealth", "health"), ("byRole", "role"), ("byRegion", "region") })
        {
            foreach (var count in fleet.GetProperty(facet).EnumerateObject())
            {
                Assert.Equal(count.Value.GetInt32(), Gauge(metrics, label, count.Name));
            }
        }

        Assert.Equal((1, 2, 2, 1), (Gauge(metrics, "role", "gateway"), Gauge(metrics, "role", "mediaserver"), Gauge(metrics, "region", "eu-west"), Gauge(metrics, "region", "us-east")));
        foreach (var (kind, counts) in new[] { ("server", "servers"), ("session", "sessions"), ("recording", "recordings"), ("livestream", "livestreams"), ("client", "clients") })
        {
            var byStatus = overview.GetProperty(counts).GetProperty("byStatus");
            foreach (var sample in metrics.Matching("sessions_entities", ("kind", kind)))
            {
                var expected = byStatus.TryGetProperty(sample.Labels["status"], out var count) ? count.GetInt32() : 0;
                Assert.Equal(expected, sample.Value);
            }
        }

        Assert.Equal((2, 1), (metrics.Value("sessions_entities", ("kind", "server"), ("status", "registered")), metrics.Value("sessions_entities", ("kind", "server"), ("status", "stopped"))));
        Assert.Equal(0, metrics.Value("sessions_entities", ("kind", "session"), ("status", "active")));
    }

    private static double Gauge(PrometheusScrape metrics, string label, string value) =>
        metrics.Value($"sessions_servers_by_{label}", (label, value));

    private static async Task<PrometheusScrape> ScrapeAsync(HttpClient client) =>
        PrometheusScrape.Parse(await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken));

    private static Task<TransitionOutcome> Apply(IGrainFactory grains, string id, string role, ServerStatus state, string region, DateTimeOffset at) =>
        grains.Get(EntityKind.Server, "gauges", id).ApplyAsync(new CanonicalEvent
        {
            Type = $"{role}.{StatusWords.Of(state)}",
            Provider = "gauges",
            Kind = EntityKind.Server,
            EntityId = id,
            OccurredAt = at,
            DedupeKey = $"gauges:{id}:{state}",
            Change = new ServerStateChanged(role, state, new ServerInfo(Region: region)),
        });
}
