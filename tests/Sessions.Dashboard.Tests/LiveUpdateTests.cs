using System.Diagnostics;
using Microsoft.Playwright;
using Sessions.Dashboard.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace Sessions.Dashboard.Tests;

/// <summary>Changes reach an open page through <c>GET /api/stream</c>, without a reload, and the stream survives a restart.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveUpdateTests(DashboardFixture fixture, ITestOutputHelper output)
{
    /// <summary>"Within a second of a webhook", with room for a loaded test machine.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 2000 };

    [Fact]
    public async Task ANewWebhookAppearsOnTheOpenPageWithoutAReload()
    {
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;
        await dashboard.GoAsync("#/sessions", "sessions");
        await Expect(dashboard.LiveIndicator).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        var provider = "live" + Guid.NewGuid().ToString("N")[..8];
        var title = $"Incident bridge {provider}";

        var clock = Stopwatch.StartNew();
        await fixture.Host.PostAsync(StandardWebhooks.Source,
            StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider, id = "bridge", title }));
        var row = page.GetByRole(AriaRole.Row, new() { Name = title });
        await Expect(row).ToBeVisibleAsync(Soon);
        output.WriteLine($"new session on screen {clock.ElapsedMilliseconds} ms after the webhook was sent");

        clock.Restart();
        await fixture.Host.PostAsync(StandardWebhooks.Source,
            StandardWebhooks.Event("participant.joined", DateTimeOffset.UtcNow, new { provider, id = "bridge", participantId = "p1", name = "Zoe" }));
        await Expect(row.Locator("td[data-label='Present']")).ToHaveTextAsync("1", new() { Timeout = Soon.Timeout });
        output.WriteLine($"participant count on screen {clock.ElapsedMilliseconds} ms after the webhook was sent");

        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task AfterTheServiceRestartsThePageReconnectsByItself()
    {
        Chromium.Require();
        using var folder = new TempDirectory("dashboard-restart");
        var port = FreePort.Next();
        await using var first = DashboardHost.Start(folder.SqliteConnectionString, port);
        await using var dashboard = await DashboardPage.OpenAsync(fixture.Browser, first.Address, 1280, 860);
        await dashboard.SignInAsync(DashboardHost.ApiKey);
        await Expect(dashboard.LiveIndicator).ToHaveTextAsync("Live");
        await dashboard.Page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var clock = Stopwatch.StartNew();
        await first.DisposeAsync();
        output.WriteLine($"service stopped in {clock.ElapsedMilliseconds} ms");
        await Expect(dashboard.LiveIndicator).ToHaveTextAsync("Reconnecting…");
        await dashboard.ScreenshotAsync("reconnecting-1280", fullPage: false);

        clock.Restart();
        await using var second = DashboardHost.Start(folder.SqliteConnectionString, port);
        output.WriteLine($"service started again in {clock.ElapsedMilliseconds} ms");
        await Expect(dashboard.LiveIndicator).ToHaveTextAsync("Live", new() { Timeout = 15_000 });
        output.WriteLine($"page live again {clock.ElapsedMilliseconds} ms after the restart began");

        await second.PostAsync(StandardWebhooks.Source, StandardWebhooks.Event("server.registered", DateTimeOffset.UtcNow,
            new { provider = "acme", id = "gw-after-restart", role = "gateway", region = "eu-west" }));
        await Expect(dashboard.Page.GetByTestId("count-healthy")).ToContainTextAsync("1", new() { Timeout = Soon.Timeout });
        await Expect(dashboard.Page.GetByRole(AriaRole.Link, new() { Name = "gw-after-restart" })).ToBeVisibleAsync(Soon);
        Assert.True(await dashboard.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }
}
