using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Service.Webhooks;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// SIGTERM lets the webhooks already in flight finish (and be stored) before the silo leaves, and a clean stop with
/// the dashboard's kind of clients connected logs no errors.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task SigtermWithALiveStreamOpenAndNotificationsFlowingExitsZeroAndLogsNoErrors()
    {
        using var folder = new TempDirectory("sigterm-clean");
        await using var receiver = await NotificationReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Api:Keys:0"] = "shutdown-key",
            ["Notifications:AllowPrivateTargets"] = "true",
        };
        SourceSettings.Add(settings, StandardWebhooks.Source, TestSources.For(StandardWebhooks.Source));
        await using var service = ServiceProcess.Start(settings.ToDictionary(s => s.Key, s => s.Value ?? ""));
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        // What an open dashboard holds: the live stream.
        using var streamRequest = Api(HttpMethod.Get, "/api/stream");
        using var stream = await service.Http.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line && line != "event: ready")
        {
        }

        // A notification subscription with deliveries going out.
        using var subscribe = Api(HttpMethod.Post, "/api/subscriptions");
        subscribe.Content = JsonContent.Create(new { name = "sigterm", url = receiver.Url("/sigterm"), category = "session" });
        Assert.Equal(HttpStatusCode.Created, (await service.Http.SendAsync(subscribe, TestContext.Current.CancellationToken)).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            using var webhook = WebhookMessage.For(
                StandardWebhooks.Source, StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider = "acme", id = $"s-{i}" }));
            Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(webhook, TestContext.Current.CancellationToken)).StatusCode);
        }

        await receiver.WaitForAsync("/sigterm", r => r.Count >= 5);
        await service.TerminateAsync();
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var errors = service.Output.Split('\n').Where(l => l.TrimStart().StartsWith("fail:", StringComparison.Ordinal) || l.TrimStart().StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} error lines on a clean stop:\n{service.Output}");
        Assert.Equal(0, exitCode);
    }

    private static HttpRequestMessage Api(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", "shutdown-key");
        return request;
    }

    [Fact]
    public async Task WebhookInFlightWhenSigtermArrivesIsStillStoredAndAnswered200()
    {
        using var folder = new TempDirectory("sigterm");
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Api:Keys:0"] = "shutdown-key",
            ["Webhooks:Sources:fastpix:Kind"] = "fastpix",
            ["Webhooks:Sources:fastpix:Secret"] = TestSources.FastPixSecret,
        };
        await using var service = ServiceProcess.Start(settings);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var fixture = FixtureFiles.Get("fastpix/01-video.live_stream.created.json");

        Task<HttpResponseMessage> inFlight;
        // Hold the database so the webhook is still being stored when SIGTERM arrives.
        await using (await SqliteLock.HoldAsync(folder.SqliteConnectionString, TestContext.Current.CancellationToken))
        {
            using var message = WebhookMessage.For("fastpix", TestSources.FixtureRequest(fixture));
            inFlight = service.Http.SendAsync(message, TestContext.Current.CancellationToken);
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await service.TerminateAsync();
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            Assert.False(inFlight.IsCompleted, "the webhook should still be waiting for the database");
        }

        using var answer = await inFlight;
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("applied", Assert.Single((await answer.Content.ReadFromJsonAsync<WebhookAnswer>(TestContext.Current.CancellationToken))!.Events).Outcome);
        Assert.Equal(0, exitCode);

        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/livestreams/fastpix/7d2e9c4b1a0f48e6b3c5d8a9f1e2c3b4");
        get.Headers.Authorization = new("Bearer", "shutdown-key");
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.SendAsync(get, TestContext.Current.CancellationToken)).StatusCode);
    }
}
