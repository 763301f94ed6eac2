using System.Net;
using System.Net.Http.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// A committed change reaches its receiver because the commit wakes its dispatcher, not because a poll came round: the
/// poll (and the waker's pass, which follows it) is set to 30 s here, and each delivery is awaited for 10 s.
/// </summary>
public sealed class NotificationWakeTests
{
    private const int WellBeforeThePoll = 10;

    private static readonly string[] SessionEvents = ["session.active", "session.ended"];

    private static readonly object Session = new { provider = "acme", id = "s-1" };

    private static readonly string[] HealthEvents = ["server.health"];

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task A_commit_wakes_the_dispatcher_of_its_subscription(string mode)
    {
        using var folder = new TempDirectory("wake");
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var factory = Factory(mode, folder);
        using var client = await SubscribedClientAsync(factory, new { name = "prompt", url = receiver.Url("/prompt"), category = "session", events = SessionEvents });

        await PostAsync(client, "session.started", Session);
        await receiver.WaitForAsync("/prompt", r => r.Count >= 1, WellBeforeThePoll);

        // The dispatcher has ticked since; the next change of the entity wakes it again, and follows the first.
        await PostAsync(client, "session.ended", Session);
        var got = await receiver.WaitForAsync("/prompt", r => r.Count >= 2, WellBeforeThePoll);
        Assert.Equal(SessionEvents, got.Select(d => d.Events[0].GetProperty("type").GetString()));
    }

    /// <summary>A server's health is judged by its index shard, which stores the notification itself: that commit wakes too.</summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task A_health_change_stored_by_the_index_wakes_the_dispatcher_of_its_subscription(string mode)
    {
        using var folder = new TempDirectory("wake-health");
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var factory = Factory(mode, folder);
        using var client = await SubscribedClientAsync(factory, new { name = "health", url = receiver.Url("/health"), category = "server", events = HealthEvents });

        var server = new { provider = "acme", id = "m-1", role = "gateway" };
        await PostAsync(client, "server.registered", server);
        await PostAsync(client, "server.unregistered", server);
        var got = await receiver.WaitForAsync("/health", r => r.Count >= 1, WellBeforeThePoll);

        var announced = Assert.Single(got.SelectMany(d => d.Events));
        var data = announced.GetProperty("data");
        Assert.Equal(("server.health", "m-1", "healthy"),
            (announced.GetProperty("type").GetString(), data.GetProperty("id").GetString(), data.GetProperty("previousHealth").GetString()));
        Assert.NotEqual("healthy", data.GetProperty("health").GetString());
    }

    /// <summary>An API client of <paramref name="factory"/> that has created <paramref name="subscription"/>.</summary>
    private static async Task<HttpClient> SubscribedClientAsync(SessionsApiFactory factory, object subscription)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", WebhookApiFactory.ApiKey);
        using var created = await client.PostAsJsonAsync("/api/subscriptions", subscription, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return client;
    }

    private static async Task PostAsync(HttpClient client, string type, object data)
    {
        using var message = WebhookMessage.For(StandardWebhooks.Source, StandardWebhooks.Event(type, DateTimeOffset.UtcNow, data));
        using var answer = await client.SendAsync(message, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SessionsApiFactory Factory(string mode, TempDirectory folder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = mode,
            ["Storage:ConnectionString"] = mode == "sqlite" ? folder.SqliteConnectionString : null,
            ["Api:Keys:0"] = WebhookApiFactory.ApiKey,
            ["Notifications:AllowPrivateTargets"] = "true",
            ["Notifications:PollInterval"] = "00:00:30",
        };
        SourceSettings.Add(settings, StandardWebhooks.Source, TestSources.For("standard"));
        return new SessionsApiFactory(settings);
    }
}
