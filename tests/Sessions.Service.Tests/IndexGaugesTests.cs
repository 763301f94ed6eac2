using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Metrics;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// What Prometheus alerts on: <c>/metrics</c> reports servers by health, role and region and entities by kind and
/// status, the same numbers <c>/api/fleet</c> and <c>/api/overview</c> show, with a zero for a health nobody has.
/// The service runs as its own process, as it is scraped: metrics listeners are per process.
/// </summary>
public sealed class IndexGaugesTests
{
    private const string ApiKey = "index-gauges-test-key";

    [Fact]
    public async Task MetricsReportTheFleetAndTheEntitiesAsTheApiCountsThem()
    {
        using var folder = new TempDirectory("index-gauges");
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Api:Keys:0"] = ApiKey,
            ["Webhooks:Sources:liveswitch:Kind"] = "liveswitch",
            ["Webhooks:Sources:liveswitch:Token"] = TestSources.Token,
        });
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        service.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        Assert.Equal(0, (await ScrapeAsync(service.Http)).Value("sessions_servers_by_health", ("health", "down")));

        // Servers of 2024: the gateway stopped (offline), the media server and the muxer silent since (down).
        foreach (var name in new[] { "01-gateway.started.json", "02-mediaserver.registered.json", "15-recordingmuxer.started.json", "17-gateway.stopped.json" })
        {
            using var message = WebhookMessage.For("liveswitch", TestSources.FixtureRequest(FixtureFiles.Get($"liveswitch/{name}")));
            Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(message, TestContext.Current.CancellationToken)).StatusCode);
        }

        // Scrapes read the index at most every few seconds: wait until one has read it since the servers were filed.
        var deadline = DateTime.UtcNow + IndexGauges.CacheFor * 4;
        var metrics = await ScrapeAsync(service.Http);
        while (metrics.Value("sessions_servers_by_health", ("health", "offline")) < 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            metrics = await ScrapeAsync(service.Http);
        }

        var fleet = await service.Http.GetFromJsonAsync<JsonElement>("/api/fleet", TestContext.Current.CancellationToken);
        var overview = await service.Http.GetFromJsonAsync<JsonElement>("/api/overview", TestContext.Current.CancellationToken);
        Assert.Equal((0, 2, 0, 1), (Gauge(metrics, "health", "healthy"), Gauge(metrics, "health", "down"), Gauge(metrics, "health", "degraded"), Gauge(metrics, "health", "offline")));
        foreach (var (facet, label) in new[] { ("byHealth", "health"), ("byRole", "role"), ("byRegion", "region") })
        {
            foreach (var count in fleet.GetProperty(facet).EnumerateObject())
            {
                Assert.Equal(count.Value.GetInt32(), Gauge(metrics, label, count.Name));
            }
        }

        Assert.Equal(1, Gauge(metrics, "role", "gateway"));
        foreach (var (kind, counts) in new[] { ("server", "servers"), ("session", "sessions"), ("recording", "recordings"), ("livestream", "livestreams"), ("client", "clients") })
        {
            var byStatus = overview.GetProperty(counts).GetProperty("byStatus");
            foreach (var sample in metrics.Matching("sessions_entities", ("kind", kind)))
            {
                var expected = byStatus.TryGetProperty(sample.Labels["status"], out var count) ? count.GetInt32() : 0;
                Assert.Equal(expected, sample.Value);
            }
        }

        Assert.Equal(1, metrics.Value("sessions_entities", ("kind", "server"), ("status", "stopped")));
        Assert.Equal(0, metrics.Value("sessions_entities", ("kind", "session"), ("status", "active")));
    }

    private static double Gauge(PrometheusScrape metrics, string label, string value) =>
        metrics.Value($"sessions_servers_by_{label}", (label, value));

    private static async Task<PrometheusScrape> ScrapeAsync(HttpClient client) =>
        PrometheusScrape.Parse(await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken));
}
