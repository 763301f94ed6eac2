using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

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
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Api:Keys:0"] = ApiKey,
            ["Webhooks:Sources:standard:Kind"] = "standard",
            ["Webhooks:Sources:standard:Secret"] = TestSources.StandardSecret,
        };
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
}
