using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// Lists are written behind, so a crash loses their last second. The entities' own state is durable, and the index
/// shards rebuild what they lost from it when they come back: nothing acknowledged is missing from the lists.
/// </summary>
public sealed class IndexRepairTests
{
    private const string ApiKey = "repair-key";
    private const int Sessions = 40;

    [Fact]
    public async Task SessionsAcknowledgedJustBeforeASigkillAreListedAfterTheRestart()
    {
        using var folder = new TempDirectory("repair");
        var settings = Settings(folder);
        var provider = "crash" + Guid.NewGuid().ToString("N")[..6];
        var at = DateTimeOffset.UtcNow;

        await using (var service = ServiceProcess.Start(settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async i =>
            {
                using var message = WebhookMessage.For("standard", StandardWebhooks.Event("session.started", at, new { provider, id = $"s{i}" }));
                using var answer = await service.Http.SendAsync(message, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }));

            // At once: the shards write at most a second later, so their last writes die with the process.
            await service.KillAsync();
        }

        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var listed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && listed < Sessions)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions?provider={provider}&limit=100");
            request.Headers.Authorization = new("Bearer", ApiKey);
            using var response = await restarted.Http.SendAsync(request, TestContext.Current.CancellationToken);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            listed = page.GetProperty("items").GetArrayLength();
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True(listed == Sessions, $"{listed} of {Sessions} acknowledged sessions listed after the restart\n{restarted.Output}");
    }

    /// <summary>
    /// An event that only moves a server's last event time leaves its entry where it is, and the shard writes such
    /// entries seconds later than others: killed in between, the list still shows that time once the shard is back.
    /// </summary>
    [Fact]
    public async Task AServerWhoseLastEventOnlyMovedItsTimeIsListedAtThatTimeAfterASigkill()
    {
        using var folder = new TempDirectory("repair-seen");
        var settings = Settings(folder);
        var provider = "seen" + Guid.NewGuid().ToString("N")[..6];
        var started = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60);
        var seen = started.AddSeconds(30);
        var server = new { provider, id = "ms-1", role = "mediaserver" };

        await using (var service = ServiceProcess.Start(settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await SendAsync(service, StandardWebhooks.Event("server.started", started, server));

            // The new entry is written a second later; the next event's in-place change waits past another tick, unwritten.
            await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
            await SendAsync(service, StandardWebhooks.Event("server.seen", seen, server));
            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            Assert.Equal(seen, await ListedLastEventAsync(service, provider));
            await service.KillAsync();
        }

        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        DateTimeOffset? listed = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && listed != seen)
        {
            listed = await ListedLastEventAsync(restarted, provider);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True(listed == seen, $"listed with last event {listed}, expected {seen}\n{restarted.Output}");
    }

    private static Dictionary<string, string> Settings(TempDirectory folder) => new()
    {
        ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Api:Keys:0"] = ApiKey,
        ["Webhooks:Sources:standard:Kind"] = "standard",
        ["Webhooks:Sources:standard:Secret"] = TestSources.StandardSecret,
    };

    private static async Task SendAsync(ServiceProcess service, WebhookRequest webhook)
    {
        using var message = WebhookMessage.For("standard", webhook);
        using var answer = await service.Http.SendAsync(message, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    /// <summary>The last event time of the one server the list holds for <paramref name="provider"/>; null while it holds none.</summary>
    private static async Task<DateTimeOffset?> ListedLastEventAsync(ServiceProcess service, string provider)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/servers?provider={provider}");
        request.Headers.Authorization = new("Bearer", ApiKey);
        using var response = await service.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("items");
        return items.GetArrayLength() == 0 ? null : items[0].GetProperty("lastEventAt").GetDateTimeOffset();
    }
}
