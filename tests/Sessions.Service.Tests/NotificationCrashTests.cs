extern alias StandardWebhooksPackage;

using System.Globalization;
using System.Net;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Verifier = StandardWebhooksPackage::StandardWebhooks.StandardWebhook;

namespace Sessions.Service.Tests;

/// <summary>
/// One process on SQLite, SIGKILLed while changes pour in and their notifications wait for a failing receiver: after a
/// restart every acknowledged change is delivered at least once, and a change delivered twice carries one webhook-id.
/// </summary>
public sealed class NotificationCrashTests
{
    private const string ApiKey = "crash-key";
    private const int Senders = 8;

    [Fact]
    public async Task EveryAcknowledgedChangeIsDeliveredAfterASigkill()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("notify-crash");
        await using var receiver = await NotificationReceiver.StartAsync();
        var settings = Settings(folder);

        // Until the kill the receiver takes every other attempt and fails the rest: deliveries are pending and sent alike.
        var healthy = false;
        receiver.Respond = (_, before) => healthy || before % 2 == 1 ? (200, null) : (503, null);
        var traffic = new SessionStarts();
        string secret;
        await using (var service = ServiceProcess.Start(settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
            service.Http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
            secret = await SessionStarts.SubscribeAsync(service.Http, new { name = "crash", url = receiver.Url("/crash"), category = "session", events = ActiveOnly });

            using var stop = new CancellationTokenSource();
            var senders = traffic.RunAsync([service.Http], Senders, stop.Token);
            await receiver.WaitForAsync("/crash", r => r.Count >= 20, seconds: 60);
            await service.KillAsync();
            await stop.CancelAsync();
            await senders;
        }

        Assert.NotEmpty(traffic.Acknowledged);
        healthy = true;
        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);

        await traffic.AssertAllDeliveredAsync(receiver, "/crash", secret, seconds: 90);
    }

    /// <summary>
    /// Two servers fall silent: one while the process runs (the shard's sweep notices it), one while the process is down
    /// after a SIGKILL (the shard notices it when it loads after the restart, with no event and no API call). Both are
    /// announced, signed, with the same fields; the one announced before the crash is not announced again.
    /// </summary>
    [Fact]
    public async Task AServerThatFellSilentWhileTheProcessWasDownIsAnnouncedAfterTheRestartLikeOneNoticedLive()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("notify-health");
        await using var receiver = await NotificationReceiver.StartAsync();
        var silentAfter = TimeSpan.FromSeconds(20);
        var settings = Settings(folder);
        settings["Fleet:SilentAfter"] = silentAfter.ToString("c", CultureInfo.InvariantCulture);

        // The fleet-history sampler is what loads the server index shards after a start; sooner than its default 30 s.
        settings["Dashboard:FleetSampleInterval"] = "00:00:02";
        var provider = $"hp{Guid.NewGuid():N}"[..12];
        string secret;
        DateTimeOffset crashedSilentAt;
        await using (var service = ServiceProcess.Start(settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
            service.Http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
            secret = await SessionStarts.SubscribeAsync(service.Http, new { name = "health", url = receiver.Url("/health"), category = "server", events = HealthOnly });

            // Heard from last: "live" 8 s before it turns silent (so a slow machine still files it healthy first: a server
            // filed already silent has no change to announce), "crashed" just now.
            var now = DateTimeOffset.UtcNow;
            crashedSilentAt = now + silentAfter;
            await RegisterAsync(service, provider, "live", now - silentAfter + TimeSpan.FromSeconds(8));
            await RegisterAsync(service, provider, "crashed", now);
            await receiver.WaitForAsync("/health", r => HealthOf(r, "live").Count > 0, seconds: 30);
            Assert.True(DateTimeOffset.UtcNow < crashedSilentAt - TimeSpan.FromSeconds(2), "too slow to kill the process before the second server fell silent");
            await service.KillAsync();
        }

        var untilSilent = crashedSilentAt + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        await Task.Delay(untilSilent > TimeSpan.Zero ? untilSilent : TimeSpan.Zero, cancellationToken);
        var restartedAt = DateTimeOffset.UtcNow;
        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);

        var got = await receiver.WaitForAsync("/health", r => HealthOf(r, "crashed").Count > 0, seconds: 60);
        Assert.All(got, d => new Verifier(secret).Verify(d.Body, d.Headers));
        var live = Assert.Single(HealthOf(got, "live").DistinctBy(e => e.GetProperty("id").GetString()));
        var crashed = Assert.Single(HealthOf(got, "crashed").DistinctBy(e => e.GetProperty("id").GetString()));
        foreach (var announced in new[] { live, crashed })
        {
            var data = announced.GetProperty("data");
            Assert.Equal(
                ("server.health", "down", "silent", "healthy", "registered"),
                (Text(announced, "type"), Text(data, "health"), Text(data, "healthReason"), Text(data, "previousHealth"), Text(data, "status")));
        }

        Assert.Equal(Fields(live), Fields(crashed));
        Assert.Equal(Fields(live.GetProperty("data")), Fields(crashed.GetProperty("data")));
        Assert.True(crashed.GetProperty("timestamp").GetDateTimeOffset() >= restartedAt, "announced with the time it was noticed, after the restart");
    }

    private static readonly string[] ActiveOnly = ["session.active"];
    private static readonly string[] HealthOnly = ["server.health"];

    private static async Task RegisterAsync(ServiceProcess service, string provider, string id, DateTimeOffset at)
    {
        using var message = WebhookMessage.For(StandardWebhooks.Source,
            StandardWebhooks.Event("server.registered", at, new { provider, id, role = "gateway" }));
        using var answer = await service.Http.SendAsync(message, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    /// <summary>The <c>server.health</c> events about server <paramref name="id"/> that the receiver answered 200.</summary>
    private static List<JsonElement> HealthOf(IEnumerable<ReceivedDelivery> received, string id) =>
    [
        .. received.Where(d => d.Answered is 200).SelectMany(d => d.Events)
            .Where(e => Text(e, "type") == "server.health" && Text(e.GetProperty("data"), "id") == id),
    ];

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] Fields(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>A service on SQLite in <paramref name="folder"/>; a restart with the same settings takes up the same file and ports.</summary>
    private static Dictionary<string, string> Settings(TempDirectory folder) => new(SessionStarts.ServiceSettings)
    {
        ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Api:Keys:0"] = ApiKey,
    };
}
