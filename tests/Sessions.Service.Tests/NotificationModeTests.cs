extern alias StandardWebhooksPackage;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Verifier = StandardWebhooksPackage::StandardWebhooks.StandardWebhook;

namespace Sessions.Service.Tests;

/// <summary>Notifications in the memory storage mode, the refusal of private targets where they are not allowed, and a subscription disabled after failing for <c>Notifications:DisableAfter</c>.</summary>
public sealed class NotificationModeTests
{
    private const string FailedSince = "every delivery failed since ";
    private static readonly string[] ActiveOnly = ["session.active"];

    [Fact]
    public async Task MemoryModeDeliversSignedChanges()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var factory = Factory("memory", allowPrivateTargets: true);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", WebhookApiFactory.ApiKey);
        using var created = await client.PostAsJsonAsync("/api/subscriptions",
            new { name = "memory", url = receiver.Url("/memory"), category = "session", events = ActiveOnly }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;

        using var message = WebhookMessage.For(StandardWebhooks.Source,
            StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider = "acme", id = "s-1" }));
        using var answer = await client.SendAsync(message, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var got = (await receiver.WaitForAsync("/memory", r => r.Count >= 1)).Single();
        new Verifier(secret).Verify(got.Body, got.Headers);
        Assert.Equal("session.active", got.Events[0].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://224.0.0.1/hook")]
    public async Task PrivateTargetsAreRefusedUnlessAllowed(string url)
    {
        await using var factory = Factory("memory", allowPrivateTargets: false);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", WebhookApiFactory.ApiKey);
        using var created = await client.PostAsJsonAsync("/api/subscriptions", new { name = "private", url, category = "session" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        var problem = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("private", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/subscriptions", Ct)).GetArrayLength());
    }

    /// <summary>
    /// A receiver that fails every attempt, retried every 0.3 s: once its deliveries have all failed for longer than
    /// <c>Notifications:DisableAfter</c> (1 s here; 5 days by default) the subscription is disabled and says why, and its
    /// receiver hears nothing more.
    /// </summary>
    [Fact]
    public async Task ASubscriptionFailingLongerThanDisableAfterIsDisabledWithTheReason()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.Respond = (_, _) => (503, null);
        using var folder = new TempDirectory("notify-disable");
        await using var factory = Factory("sqlite", allowPrivateTargets: true, new()
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Notifications:DisableAfter"] = "00:00:01",
            ["Notifications:RetrySchedule"] = string.Join(',', Enumerable.Repeat("0.3s", 30)),
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", WebhookApiFactory.ApiKey);
        using var created = await client.PostAsJsonAsync("/api/subscriptions",
            new { name = "failing", url = receiver.Url("/failing"), category = "session", events = ActiveOnly }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}", Ct)).GetProperty("disabled").GetBoolean());

        using var message = WebhookMessage.For(StandardWebhooks.Source,
            StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider = "acme", id = "s-1" }));
        using var answer = await client.SendAsync(message, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var disabled = await ApiPolling.EventuallyAsync(client, $"/api/subscriptions/{id}", s => s.GetProperty("disabled").GetBoolean());
        var failingSince = disabled.GetProperty("failingSince").GetDateTimeOffset();
        var reason = disabled.GetProperty("disabledReason").GetString()!;
        Assert.StartsWith(FailedSince, reason, StringComparison.Ordinal);
        Assert.Equal(failingSince, DateTimeOffset.Parse(reason[FailedSince.Length..], CultureInfo.InvariantCulture));
        var attempts = receiver.At("/failing");
        // Retried while failing, and not disabled before it had failed for a while. How many retries fit in the second
        // depends on how busy the machine is (a loaded CI machine fitted only one), so the count is not the check.
        Assert.True(attempts.Count >= 2 && attempts[^1].At - attempts[0].At >= TimeSpan.FromSeconds(0.5),
            $"disabled after {attempts.Count} attempt(s) over {attempts[^1].At - attempts[0].At}");

        // Disabled, it sends nothing more: the delivery stays pending with the attempts made, none after.
        var delivery = (await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}/deliveries", Ct)).GetProperty("items")[0];
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Equal(attempts.Count, delivery.GetProperty("attempts").GetArrayLength());

        // Enabled again with the receiver still failing, it is disabled again by its next failed attempt.
        using var enable = await client.PatchAsJsonAsync($"/api/subscriptions/{id}", new { disabled = false }, Ct);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        var again = await ApiPolling.EventuallyAsync(client, $"/api/subscriptions/{id}", s => s.GetProperty("disabled").GetBoolean());
        Assert.Equal(reason, again.GetProperty("disabledReason").GetString());
        Assert.Equal(attempts.Count + 1, receiver.At("/failing").Count);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SessionsApiFactory Factory(string mode, bool allowPrivateTargets, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(more ?? [])
        {
            ["Storage:Mode"] = mode,
            ["Api:Keys:0"] = WebhookApiFactory.ApiKey,
            ["Notifications:AllowPrivateTargets"] = allowPrivateTargets ? "true" : "false",
            ["Notifications:PollInterval"] = "00:00:00.2",
        };
        SourceSettings.Add(settings, StandardWebhooks.Source, TestSources.For("standard"));
        return new SessionsApiFactory(settings);
    }
}
