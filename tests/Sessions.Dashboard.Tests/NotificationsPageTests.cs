using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Sessions.Dashboard.Tests.Infrastructure;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace Sessions.Dashboard.Tests;

/// <summary>
/// The Notifications pages in Chromium against a real receiver on loopback: each subscription with its health, its
/// deliveries with every attempt, and the test and retry buttons reaching the receiver.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class NotificationsPageTests(DashboardFixture fixture)
{
    private static readonly string[] SessionActive = ["session.active"];
    private static readonly string[] Acme = ["acme"];

    [Fact]
    public async Task SubscriptionsShowTheirHealthAndDeliveriesAndTheButtonsSendAgain()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.Respond = (request, _) => request.Path == "/down" ? (503, null) : (200, null);
        var run = Guid.NewGuid().ToString("N")[..8];
        var working = await CreateAsync($"billing backend {run}", receiver.Url("/ok"));
        var broken = await CreateAsync($"broken backend {run}", receiver.Url("/down"));

        // One change both subscriptions want: a session of the standard source starts.
        await fixture.Host.PostAsync(StandardWebhooks.Source,
            StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider = "acme", id = $"notify-{run}", title = "Notified" }));
        await EventuallyAsync(() => receiver.At("/ok").Count >= 1 && receiver.At("/down").Count >= 2, "the deliveries reached the receiver");

        await using var dashboard = await fixture.OpenSignedInAsync(width: 1400);
        var page = dashboard.Page;
        await dashboard.GoAsync("#/notifications", "notifications");
        var workingRow = page.Locator("tr", new() { HasText = working.Name });
        var brokenRow = page.Locator("tr", new() { HasText = broken.Name });
        await Expect(workingRow).ToContainTextAsync("healthy");
        await Expect(workingRow).ToContainTextAsync("last success");
        await Expect(brokenRow).ToContainTextAsync("failing");

        // "Send test" on the working subscription: a ping reaches its URL.
        var before = receiver.At("/ok").Count;
        await workingRow.GetByRole(AriaRole.Button, new() { Name = $"Send a test to {working.Name}" }).ClickAsync();
        await Expect(workingRow.GetByRole(AriaRole.Status)).ToHaveTextAsync("Test queued.");
        await EventuallyAsync(() => receiver.At("/ok").Skip(before).Any(r => r.Body.Contains("\"ping\"", StringComparison.Ordinal)), "the test ping arrived");

        // The broken subscription's page lists the failed delivery with each 503, and Retry sends it once more with
        // the same webhook-id.
        await brokenRow.GetByRole(AriaRole.Link, new() { Name = broken.Name }).ClickAsync();
        await dashboard.WaitForViewAsync("subscription");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = broken.Name, Level = 1 })).ToBeVisibleAsync();
        var failedRow = page.Locator(".deliveries-table tbody tr", new() { HasText = "failed" });
        await Expect(failedRow).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(failedRow.Locator(".attempts li")).ToHaveCountAsync(2);
        await Expect(failedRow.Locator(".attempts")).ToContainTextAsync("503");
        var deliveryId = await failedRow.Locator("td").First.TextContentAsync();
        var sent = receiver.At("/down").Count;
        await dashboard.ScreenshotAsync("notifications-subscription-1400");

        await failedRow.GetByRole(AriaRole.Button, new() { Name = $"Retry delivery {deliveryId}" }).ClickAsync();

        await EventuallyAsync(() => receiver.At("/down").Count > sent, "the retried delivery arrived");
        Assert.Equal(deliveryId, receiver.At("/down")[^1].Id);
        await Expect(failedRow.Locator(".attempts li")).ToHaveCountAsync(3, new() { Timeout = 15_000 });
        Assert.Empty(dashboard.Errors);
    }

    private async Task<Created> CreateAsync(string name, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["name"] = name, ["url"] = url, ["category"] = "session", ["events"] = SessionActive, ["providers"] = Acme,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DashboardHost.ApiKey);
        using var response = await fixture.Host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return new Created(body.GetProperty("id").GetString()!, name);
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"not within 20 s: {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private sealed record Created(string Id, string Name);
}
