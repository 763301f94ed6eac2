extern alias StandardWebhooksPackage;

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
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
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Api:Keys:0"] = ApiKey,
            ["Webhooks:Sources:standard:Kind"] = "standard",
            ["Webhooks:Sources:standard:Secret"] = TestSources.StandardSecret,
            ["Notifications:AllowPrivateTargets"] = "true",
            ["Notifications:RetrySchedule"] = "0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s,0.2s",
            ["Notifications:PollInterval"] = "00:00:00.2",
        };

        // Until the kill the receiver takes every other attempt and fails the rest: deliveries are pending and sent alike.
        var healthy = false;
        receiver.Respond = (_, before) => healthy || before % 2 == 1 ? (200, null) : (503, null);
        var acknowledged = new ConcurrentBag<string>();
        string secret;
        await using (var service = ServiceProcess.Start(settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
            service.Http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
            using var created = await service.Http.PostAsJsonAsync("/api/subscriptions",
                new { name = "crash", url = receiver.Url("/crash"), category = "session", events = ActiveOnly }, cancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            secret = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken)).GetProperty("secret").GetString()!;

            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var id = $"s-{sender}-{n}";
                    try
                    {
                        using var message = WebhookMessage.For(StandardWebhooks.Source,
                            StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider = "acme", id }));
                        using var answer = await service.Http.SendAsync(message, CancellationToken.None);
                        if (answer.StatusCode is HttpStatusCode.OK)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone
                    }
                }
            }, CancellationToken.None)).ToArray();

            await receiver.WaitForAsync("/crash", r => r.Count >= 20, seconds: 60);
            await service.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        Assert.NotEmpty(acknowledged);
        healthy = true;
        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);

        var expected = acknowledged.ToHashSet();
        var got = await receiver.WaitForAsync("/crash", r => expected.IsSubsetOf(SessionIds(r)), seconds: 90);
        Assert.All(got, d => new Verifier(secret).Verify(d.Body, d.Headers));
        foreach (var copies in got.GroupBy(d => d.Events[0].GetProperty("id").GetString()))
        {
            Assert.Single(copies.Select(d => d.Id).Distinct());
        }
    }

    private static readonly string[] ActiveOnly = ["session.active"];

    private static HashSet<string> SessionIds(IEnumerable<ReceivedDelivery> received) =>
        [.. received.Where(d => d.Answered is 200).Select(d => d.Events[0].GetProperty("data").GetProperty("id").GetString()!)];
}
