using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// The raw webhook log keeps what was accepted (signatures redacted); /metrics counts every outcome, beside what the
/// libraries measure; no trace is recorded without somewhere to send it.
/// </summary>
[Collection(MetricsCollection.Name)]
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
        const string Source = WebhookApiFactory.MetricsSource;
        await api.PostAsync(Source, request);
        await api.PostAsync(Source, request);
        await api.PostAsync(Source, TestSources.Request(fixture.Body));

        var metrics = await ScrapeAsync();

        (string, string)[] dyte = [("source", Source), ("kind", "dyte")];
        Assert.Equal(3, metrics.Value("sessions_webhook_received_total", dyte));
        Assert.Equal(1, metrics.Value("sessions_webhook_events_total", [.. dyte, ("outcome", "applied")]));
        Assert.Equal(1, metrics.Value("sessions_webhook_events_total", [.. dyte, ("outcome", "duplicate")]));
        Assert.Equal(1, metrics.Value("sessions_webhook_rejected_total", [.. dyte, ("reason", "unauthorized")]));
        Assert.Equal(2, metrics.Value("sessions_webhook_duration_seconds_count", dyte));
    }

    [Fact]
    public async Task MetricsCarryWhatOrleansAspNetCoreAndTheRuntimeMeasureBesideTheService()
    {
        var fixture = FixtureFiles.Get("fastpix/01-video.live_stream.created.json");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("fastpix", TestSources.FixtureRequest(fixture))).StatusCode);

        var metrics = await ScrapeAsync();

        Assert.True(metrics.Value("sessions_webhook_received_total", ("source", "fastpix"), ("kind", "fastpix")) >= 1);
        Assert.True(metrics.Value("orleans_grains", ("grain_type", "livestream")) >= 1, "Orleans counts the livestream grain the webhook activated");
        Assert.NotEmpty(metrics.Matching("http_server_request_duration_seconds_count", ("http_route", "/webhooks/{source}"), ("http_response_status_code", "200")));
        Assert.Contains("dotnet_gc_collections_total", metrics.Names);
    }

    [Fact]
    public async Task MetricsTimeTheGroupCommitAndCountTheWritesItMadeDurableTogether()
    {
        // Other test hosts in this process commit too (they share the meter listener): the webhook's commit is at
        // least one more, holding at least its journal append.
        var before = await ScrapeAsync();
        var fixture = FixtureFiles.Get("dyte/02-meeting.participantJoined.json");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("dyte", TestSources.FixtureRequest(fixture))).StatusCode);

        var after = await ScrapeAsync();

        Assert.True(Committed(after, "sessions_storage_commit_duration_seconds_count") > Committed(before, "sessions_storage_commit_duration_seconds_count"));
        Assert.True(Committed(after, "sessions_storage_commit_duration_seconds_sum") > Committed(before, "sessions_storage_commit_duration_seconds_sum"));
        Assert.True(Committed(after, "sessions_storage_commit_writes_sum") >= Committed(before, "sessions_storage_commit_writes_sum") + 1);

        // None of the series is there before the process's first commit.
        static double Committed(PrometheusScrape scrape, string name) => scrape.Matching(name, ("outcome", "committed")).Sum(s => s.Value);
    }

    /// <summary>The metrics as a scraper with the API key reads them (metrics are not public outside Development).</summary>
    private async Task<PrometheusScrape> ScrapeAsync()
    {
        using var scrape = await api.Client.SendAsync(WebhookApiFactory.Api(HttpMethod.Get, "/metrics"), TestContext.Current.CancellationToken);
        return PrometheusScrape.Parse(await scrape.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void WithoutAnOtlpEndpointNothingIsTraced()
    {
        Assert.Null(api.Factory.Services.GetService<TracerProvider>());
    }
}
