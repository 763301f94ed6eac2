using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Sessions.Service.Webhooks;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Postgres;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// Readiness tells the truth on PostgreSQL too: with the database server stopped, a webhook is 503 with
/// <c>Retry-After</c> and <c>/health/ready</c> is 503; once the server is back both recover by themselves and the
/// provider's retry is applied. The test stops its own server, so it does not share the assembly's.
/// </summary>
public sealed class PostgresReadinessTests(PostgresReadinessTests.OwnServer own) : IClassFixture<PostgresReadinessTests.OwnServer>
{
    /// <summary>A PostgreSQL server for this class alone.</summary>
    public sealed class OwnServer : IAsyncLifetime
    {
        public PostgresServer Server { get; } = new();

        public ValueTask InitializeAsync() => Server.InitializeAsync();

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    [Fact]
    public async Task StoppedServerGets503AndUnreadyThenRecoversAndTheRetryIsApplied()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var postgres = own.Server;
        var connectionString = await postgres.CreateDatabaseAsync(cancellation);
        var source = TestSources.For("fastpix");
        await using var service = new SessionsApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:WriteTimeout"] = "00:00:02",
            ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Webhooks:Sources:fastpix:Kind"] = "fastpix",
            ["Webhooks:Sources:fastpix:Secret"] = source.Secret,
        });
        using var client = service.CreateClient();
        using (var first = await PostAsync(client, "fastpix/01-video.live_stream.created.json"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(client));

        await postgres.StopAsync(cancellation);
        try
        {
            using var refused = await PostAsync(client, "fastpix/04-video.live_stream.connected.json");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyAsync(client));
        }
        finally
        {
            await postgres.ResumeAsync(cancellation);
        }

        var deadline = Stopwatch.StartNew();
        HttpStatusCode ready;
        while ((ready = await ReadyAsync(client)) != HttpStatusCode.OK)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"/health/ready still {(int)ready} 30 s after PostgreSQL came back");
            await Task.Delay(200, cancellation);
        }

        // The provider's retry may meet the grain that failed its write (it deactivates); another retry lands.
        HttpResponseMessage retried;
        while ((retried = await PostAsync(client, "fastpix/04-video.live_stream.connected.json")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(45), $"the retry is still {(int)retried.StatusCode}");
            retried.Dispose();
            await Task.Delay(500, cancellation);
        }

        using (retried)
        {
            var answer = await retried.Content.ReadFromJsonAsync<WebhookAnswer>(cancellation);
            Assert.Equal("applied", Assert.Single(answer!.Events).Outcome);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string fixture)
    {
        using var message = WebhookMessage.For("fastpix", TestSources.FixtureRequest(FixtureFiles.Get(fixture)));
        return await client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    private static async Task<HttpStatusCode> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
