using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>The raw webhook log keeps what was accepted (signatures redacted) and /metrics counts every outcome.</summary>
public sealed class WebhookLogAndMetricsTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    [Fact]
    public async Task AcceptedBodyIsInTheRawLogWithItsSignatureRedacted()
    {
        var fixture = FixtureFiles.Get("eyeson/rest/03-recording_update.started.json");
        var request = TestSources.FixtureRequest(fixture);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("eyeson", request)).StatusCode);

        using var read = WebhookApiFactory.Api(HttpMethod.Get, "/api/webhooks/log?source=eyeson&limit=1");
        var entries = await (await api.Client.SendAsync(read, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        var entry = Assert.Single(entries.EnumerateArray());
        Assert.Equal(Encoding.UTF8.GetString(fixture.Body), entry.GetProperty("body").GetString());
        Assert.Equal("[redacted]", entry.GetProperty("headers").GetProperty("x-eyeson-signature").GetString());
        Assert.DoesNotContain(fixture.Value("signature")!, entry.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("applied", entry.GetProperty("outcomes")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task RawLogNeedsTheApiKey()
    {
        var response = await api.Client.GetAsync("/api/webhooks/log", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task MetricsCountOutcomesAndRejectionsPerSourceAndReason()
    {
        var fixture = FixtureFiles.Get("dyte/01-meeting.started.json");
        var request = TestSources.FixtureRequest(fixture);
        await api.PostAsync("dyte", request);
        await api.PostAsync("dyte", request);
        await api.PostAsync("dyte", TestSources.Request(fixture.Body));

        using var scrape = await api.Client.SendAsync(WebhookApiFactory.Api(HttpMethod.Get, "/metrics"), TestContext.Current.CancellationToken);
        var metrics = await scrape.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("sessions_webhook_received_total{source=\"dyte\",kind=\"dyte\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("sessions_webhook_events_total{source=\"dyte\",kind=\"dyte\",outcome=\"applied\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("sessions_webhook_events_total{source=\"dyte\",kind=\"dyte\",outcome=\"duplicate\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("sessions_webhook_rejected_total{source=\"dyte\",kind=\"dyte\",reason=\"unauthorized\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("sessions_webhook_duration_seconds_count{source=\"dyte\",kind=\"dyte\"} 2", metrics, StringComparison.Ordinal);
    }
}
