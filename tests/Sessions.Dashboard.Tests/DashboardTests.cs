using Microsoft.Playwright;
using Sessions.Dashboard.Tests.Infrastructure;
using Sessions.Service.Queries;
using static Microsoft.Playwright.Assertions;

namespace Sessions.Dashboard.Tests;

/// <summary>The dashboard in a real Chromium against the real service: sign-in, every view, console, phone width.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    /// <summary>Every view with data once seeded: the hash and the view name the app reports.</summary>
    public static readonly (string Name, string Hash, string View)[] Views =
    [
        ("fleet", "#/fleet", "fleet"),
        ("server", "#/servers/liveswitch/3b2f6a10-5c7e-4d21-9f0a-6c1d2e3f4a5b", "server"),
        ("sessions", "#/sessions", "sessions"),
        ("sessions-ended", "#/sessions?status=ended", "sessions"),
        ("session", "#/sessions/acme/town-hall", "session"),
        ("session-fixture", "#/sessions/liveswitch/tracker-demo-app:room-42", "session"),
        ("recordings", "#/recordings", "recordings"),
        ("recordings-failed", "#/recordings?status=failed", "recordings"),
        ("recording", "#/recordings/dyte/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "recording"),
        ("livestreams", "#/livestreams", "livestreams"),
        ("livestream", "#/livestreams/fastpix/7d2e9c4b1a0f48e6b3c5d8a9f1e2c3b4", "livestream"),
        ("clients", "#/clients", "clients"),
        ("client", "#/clients/liveswitch/c1a7f0e2d3b44c5a9e8f7a6b5c4d3e2f", "client"),
        ("applications", "#/applications", "applications"),
        ("application", "#/applications/tracker-demo-app", "application"),
    ];

    [Fact]
    public async Task SigningInWithTheKeyOpensTheFleetAndFollowsChanges()
    {
        await using var dashboard = await fixture.OpenAsync();
        await dashboard.ScreenshotAsync("signin-1280");

        await dashboard.SignInAsync(DashboardHost.ApiKey);

        await Expect(dashboard.Page.GetByRole(AriaRole.Heading, new() { Name = "Fleet", Level = 1 })).ToBeVisibleAsync();
        await Expect(dashboard.LiveIndicator).ToHaveTextAsync("Live");
        await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        Assert.Equal(DashboardHost.ApiKey, await dashboard.Page.EvaluateAsync<string>("() => sessionStorage.getItem('sessions.apiKey')"));

        await dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(dashboard.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Null(await dashboard.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('sessions.apiKey')"));
    }

    [Fact]
    public async Task AWrongKeyIsRefusedWithAVisibleMessage()
    {
        await using var dashboard = await fixture.OpenAsync();

        await dashboard.SubmitKeyAsync("not-the-key");

        var alert = dashboard.Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("This API key was not accepted.");
        await Expect(dashboard.Page.GetByLabel("API key")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dashboard.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Null(await dashboard.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('sessions.apiKey')"));
        await dashboard.ScreenshotAsync("signin-refused-1280");
    }

    [Fact]
    public async Task ReplayedFixturesShowInTheFleetWithTheirCountsAndStates()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;

        var demo = SeedData.DemoServers;
        var fixtures = SeedData.FixtureServers;
        await Expect(page.GetByTestId("count-total")).ToContainTextAsync((demo.Length + fixtures.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var health in new[] { "healthy", "degraded", "down", "offline" })
        {
            var expected = demo.Count(s => s.Health == health) + fixtures.Count(s => s.Health == health);
            await Expect(page.GetByTestId($"count-{health}")).ToContainTextAsync(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Every server down or degraded is listed under "Needs attention", with its state and the reason, the worst
        // first; a server stopped cleanly (offline) is not.
        var attention = page.Locator("#needs-attention").Locator("xpath=ancestor::section[1]");
        await Expect(attention.Locator("li.server", new() { HasText = "LS-GW-01" })).ToHaveCountAsync(0);
        await Expect(attention.Locator("li.server", new() { HasText = "LS-MUX-01" })).ToContainTextAsync("silent");
        foreach (var (machine, state, health) in fixtures.Where(s => s.Health != "offline"))
        {
            var row = attention.Locator("li.server", new() { HasText = machine });
            await Expect(row).ToContainTextAsync(state);
            await Expect(row.GetByRole(AriaRole.Img, new() { Name = health })).ToBeVisibleAsync();
        }

        await Expect(attention.Locator("li.server").First.GetByRole(AriaRole.Img)).ToHaveAttributeAsync("aria-label", "down");

        // Servers are grouped by role and region.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "mediaserver · eu-west" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "gateway · no region" })).ToBeVisibleAsync();
        await Expect(page.Locator("#fleet-history").Locator("xpath=ancestor::section[1]").Locator("figure.chart svg")).ToBeVisibleAsync();
        await dashboard.ScreenshotAsync("fleet-1280");
        await dashboard.ScreenshotAsync("fleet-1280-viewport", fullPage: false);
    }

    [Fact]
    public async Task TheFleetChartShowsTheDayTheApiKeepsAndBreaksWhereTheTrackerWasNotRunning()
    {
        await fixture.SeedAsync();

        // Twenty samples three hours ago, a second apart: history the tracker took before a stretch it was not running.
        var earlier = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds());
        await fixture.Host.AddFleetSamplesAsync(Enumerable.Range(0, 20).Select(i => new FleetSample(earlier.AddSeconds(i), 2, 0, 1, 0)));
        // This run's side of the break: a sample that counts the seeded fleet's healthy servers (the chart is drawn
        // once, from the history the page loads, so a page opened before it would show this run's samples empty).
        await fixture.Host.WaitForFleetSampleAsync(sample => sample.Healthy > 0);
        await using var dashboard = await fixture.OpenSignedInAsync();
        var chart = dashboard.Page.Locator("#fleet-history").Locator("xpath=ancestor::section[1]").Locator("figure.chart");
        var hour = chart.GetByRole(AriaRole.Button, new() { Name = "1 h" });
        var day = chart.GetByRole(AriaRole.Button, new() { Name = "24 h" });
        var gap = chart.Locator("svg rect.gap");

        // The last hour by default: the time before this run of the service is shaded from the left edge, not drawn.
        await Expect(hour).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(gap.First).ToHaveAttributeAsync("x", "36");

        // The day the API keeps: the early run, then the stretch without samples as a break, most of the width.
        await day.ClickAsync();
        await Expect(day).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(hour).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(chart.Locator("svg")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("not running"));
        await Expect(gap.First.Locator("title")).ToContainTextAsync("the tracker was not running");
        var plotWidth = await chart.Locator("svg").EvaluateAsync<double>("svg => svg.width.baseVal.value");
        var gapWidth = await gap.First.EvaluateAsync<double>("rect => rect.width.baseVal.value");
        Assert.True(gapWidth > plotWidth / 2, $"the stretch without samples is {gapWidth} px of {plotWidth}");
        var healthyAreas = await chart.Locator("svg path.series-ok").CountAsync();
        Assert.True(healthyAreas >= 2, $"the healthy area is drawn across the gap ({healthyAreas} piece)");
        await dashboard.ScreenshotAsync("fleet-chart-24h-1280", fullPage: false);
    }

    [Fact]
    public async Task TheSessionPageShowsParticipantsConnectionsAndTheTimeline()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;

        await dashboard.GoAsync("#/sessions?status=ended", "sessions");
        // Long ids are shortened in lists; the full id is the link's title.
        await page.Locator("a.entity-link[title='tracker-demo-app:room-42']").ClickAsync();
        await dashboard.WaitForViewAsync("session");

        var participants = page.GetByRole(AriaRole.Region, new() { Name = "Participants" });
        await Expect(participants.GetByRole(AriaRole.Row, new() { Name = "Alice" })).ToContainTextAsync("left");
        var connections = page.GetByRole(AriaRole.Region, new() { Name = "Connections" });
        await Expect(connections).ToContainTextAsync("failed");
        await Expect(connections).ToContainTextAsync("closed");
        var timeline = page.GetByRole(AriaRole.Region, new() { Name = "Timeline" });
        foreach (var type in new[] { "channel.activated", "channel.client.joined", "connection.failed", "channel.deactivated", "channel.recording.ready" })
        {
            await Expect(timeline.GetByText(type, new() { Exact = true })).ToBeVisibleAsync();
        }

        // The fixtures are from June 2024: each time carries its date, and each entry says whom or what it concerns.
        await Expect(timeline.Locator("time").First).ToContainTextAsync("Jun 2024");
        await Expect(timeline.Locator("li", new() { HasText = "channel.client.joined" })).ToContainTextAsync("participant Alice");
        await Expect(timeline.Locator("li", new() { HasText = "connection.failed" }).First).ToContainTextAsync("connection");
        await Expect(timeline.Locator("li", new() { HasText = "channel.recording.ready" }).Locator("[data-subject='recording']")).ToBeVisibleAsync();

        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Recordings" }).GetByRole(AriaRole.Link, new() { Name = "tracker-demo-app:room-42" })).ToBeVisibleAsync();
        await dashboard.ScreenshotAsync("session-fixture-1280");

        await dashboard.GoAsync("#/sessions/acme/town-hall", "session");
        await Expect(page.GetByTestId("session-present")).ToContainTextAsync("5");
        await Expect(page.GetByTestId("session-peak")).ToContainTextAsync("6");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Livestreams" })).ToContainTextAsync("live");
    }

    [Fact]
    public async Task IngestRateAndActiveSessionsAreChartedBesideTheFleet()
    {
        await fixture.SeedAsync();
        // The charts are drawn from the history the page loads: wait for a sample taken after the demo sessions started.
        await fixture.Host.WaitForActivitySampleAsync(sample => sample.ActiveSessions >= 3);
        await using var dashboard = await fixture.OpenSignedInAsync(width: 1400);
        var page = dashboard.Page;

        var ingest = page.GetByRole(AriaRole.Region, new() { Name = "Ingest rate" });
        await Expect(ingest.Locator("svg[role='img']")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Events per second over the last"));
        var sessions = page.GetByRole(AriaRole.Region, new() { Name = "Active sessions" });
        await Expect(sessions.Locator("svg path.series-line")).ToHaveCountAsync(1);
        // Three demo sessions at least (a test that runs earlier may have started more).
        await Expect(sessions.GetByTestId("now-activeSessions")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^([3-9]|[1-9][0-9]+)$"));
        await dashboard.ScreenshotAsync("fleet-1400");
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task EveryViewRendersWithoutConsoleErrors()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenSignedInAsync();

        foreach (var (name, hash, view) in Views)
        {
            await dashboard.GoAsync(hash, view);
            await Expect(dashboard.Page.Locator("#page-title")).ToBeVisibleAsync();
            await dashboard.ScreenshotAsync($"{name}-1280");
        }

        // The dark scheme follows the system setting; its pictures are for a person to look at.
        await dashboard.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        foreach (var (name, hash, view) in Views.Where(v => v.Name is "fleet" or "recordings" or "session"))
        {
            await dashboard.GoAsync(hash, view);
            await dashboard.ScreenshotAsync($"{name}-1280-dark");
        }

        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task TheStreamParserHandlesSplitLinesCommentsAndMultiLineData()
    {
        await using var dashboard = await fixture.OpenAsync();

        // The page's own module, fed the awkward cases of the SSE format one chunk at a time.
        var seen = await dashboard.Page.EvaluateAsync<string[]>(
            """
            async () => {
              const { createSseParser } = await import('/js/sse.js');
              const seen = [];
              const parser = createSseParser({
                onEvent: (e) => seen.push(`${e.type}|${e.data}|${e.id}`),
                onComment: (c) => seen.push(`comment|${c}`),
              });
              for (const chunk of ['event: ready\r', '\ndata: {}\r\n\r\n', ': keep-alive\n\n',
                                   'event: change\nid: 7\ndata: line one\nda', 'ta:line two\n', '\n', 'data: no type\n\n',
                                   'event: change\n\n', 'data: cr only\r\r']) {
                parser.push(chunk);
              }
              return seen;
            }
            """);

        Assert.Equal(
            ["ready|{}|", "comment|keep-alive", "change|line one\nline two|7", "message|no type|7", "message|cr only|7"],
            seen);
    }

    [Fact]
    public async Task AtDesktopWidthListRowsStayWithinThreeLinesAndIdsCopy()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenSignedInAsync(width: 1400);
        await dashboard.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        var tall = new List<string>();
        foreach (var (name, hash, view) in Views.Where(v => v.View is "sessions" or "recordings" or "livestreams" or "clients" or "applications"))
        {
            await dashboard.GoAsync(hash, view);
            var lines = await dashboard.Page.EvaluateAsync<double>(
                """
                () => Math.max(0, ...[...document.querySelectorAll('table.data tbody td')].map((td) => {
                  const style = getComputedStyle(td);
                  const inner = td.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
                  return inner / parseFloat(style.lineHeight);
                }))
                """);
            if (lines > 3.2)
            {
                tall.Add($"{name}: a cell {lines:0.0} lines tall");
            }
        }

        Assert.Empty(tall);

        // A shortened id carries the full one in its title, and its button copies it.
        await dashboard.GoAsync("#/recordings", "recordings");
        var cell = dashboard.Page.Locator("td[data-label='Recording'] .id-cell").First;
        var full = await cell.Locator("a").GetAttributeAsync("title") ?? await cell.Locator("a").InnerTextAsync();
        await cell.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(cell.GetByRole(AriaRole.Button)).ToHaveTextAsync("Copied");
        Assert.Equal(full, await dashboard.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await dashboard.ScreenshotAsync("recordings-1400");
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task AtPhoneWidthNoViewOverflowsHorizontally()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenAsync(width: 390, height: 844);
        await dashboard.SignInAsync(DashboardHost.ApiKey);

        var overflowing = new List<string>();
        foreach (var (name, hash, view) in Views)
        {
            await dashboard.GoAsync(hash, view);
            var overflow = await dashboard.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (overflow > 0)
            {
                overflowing.Add($"{name} ({hash}): {overflow} px wider than the screen");
            }

            await dashboard.ScreenshotAsync($"{name}-390");
        }

        Assert.Empty(overflowing);
        Assert.Empty(dashboard.Errors);
    }
}
