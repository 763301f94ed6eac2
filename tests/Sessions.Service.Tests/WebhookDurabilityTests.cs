using System.Net;
using System.Net.Http.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Service.Webhooks;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>A 2xx means stored: when storage cannot take the write the answer is 503, and the provider's retry then lands.</summary>
public sealed class WebhookDurabilityTests
{
    [Fact]
    public async Task LockedStorageGets503AndTheRetryIsAppliedNotADuplicate()
    {
        using var folder = new TempDirectory("locked");
        // A short busy timeout so a locked database fails the write quickly instead of waiting 30 s.
        var connectionString = folder.SqliteConnectionString + ";Default Timeout=1";
        var source = TestSources.For("fastpix");
        await using var factory = new SessionsApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = connectionString,
            ["Webhooks:Sources:fastpix:Kind"] = "fastpix",
            ["Webhooks:Sources:fastpix:Secret"] = source.Secret,
        });
        using var client = factory.CreateClient();
        var fixture = FixtureFiles.Get("fastpix/04-video.live_stream.connected.json");

        HttpResponseMessage refused;
        await using (await SqliteLock.HoldAsync(connectionString, TestContext.Current.CancellationToken))
        {
            refused = await PostAsync(client, fixture);
        }

        var retried = await PostAsync(client, fixture);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var answer = await retried.Content.ReadFromJsonAsync<WebhookAnswer>(TestContext.Current.CancellationToken);
        Assert.Equal("applied", Assert.Single(answer!.Events).Outcome);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Fixture fixture)
    {
        using var message = WebhookMessage.For("fastpix", TestSources.FixtureRequest(fixture));
        return await client.SendAsync(message, TestContext.Current.CancellationToken);
    }
}
