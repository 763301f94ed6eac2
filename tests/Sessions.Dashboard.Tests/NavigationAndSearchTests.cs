using Microsoft.Playwright;
using Sessions.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Sessions.Dashboard.Tests;

/// <summary>Unknown pages, the clients and applications views, and the search box and provider filter on the lists.</summary>
[Collection(DashboardCollection.Name)]
public sealed class NavigationAndSearchTests(DashboardFixture fixture)
{
    private const string Alice = "c1a7f0e2d3b44c5a9e8f7a6b5c4d3e2f";

    [Theory]
    [InlineData("#/sessions/dyte/never-seen")]
    [InlineData("#/clients/liveswitch/never-seen")]
    [InlineData("#/applications/never-seen")]
    [InlineData("#/no/such/page")]
    public async Task AnUnknownPageSaysNotFoundAndStaysSo(string hash)
    {
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;

        // The browser's clock is Playwright's (from a reload on; the key stays in the tab's storage): the placeholder's
        // timer can be run past without waiting for it.
        await page.Clock.InstallAsync();
        await page.ReloadAsync();
        await dashboard.WaitForViewAsync("fleet");
        await dashboard.GoAsync(hash, "notfound");
        await page.Clock.RunForAsync(5000);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Loading…")).ToHaveCountAsync(0);
        Assert.DoesNotContain(dashboard.Errors, e => !e.Contains("404", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientsAndApplicationsHaveTheirViewsAndLinks()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Applications" }).ClickAsync();
        await dashboard.WaitForViewAsync("applications");
        var row = page.GetByRole(AriaRole.Row, new() { Name = "tracker-demo-app" });
        await Expect(row).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "tracker-demo-app" }).ClickAsync();
        await dashboard.WaitForViewAsync("application");
        await Expect(page.GetByTestId("application-clients")).ToContainTextAsync("1");
        await Expect(page.GetByTestId("application-registered")).ToContainTextAsync("0");

        await page.GetByRole(AriaRole.Link, new() { Name = "All clients of this application" }).ClickAsync();
        await dashboard.WaitForViewAsync("clients");
        await page.GetByRole(AriaRole.Link, new() { Name = "Alice", Exact = true }).ClickAsync();
        await dashboard.WaitForViewAsync("client");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alice", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-title-row")).ToContainTextAsync("unregistered");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Details" })).ToContainTextAsync("alice-laptop");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Timeline" })).ToContainTextAsync("client.registered");
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task TheSearchBoxAndProviderFilterNarrowEveryList()
    {
        await fixture.SeedAsync();
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;

        await dashboard.GoAsync("#/sessions", "sessions");
        await page.GetByRole(AriaRole.Searchbox).FillAsync("chloé");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=chlo"));
        await dashboard.WaitForViewAsync("sessions");
        var rows = page.Locator("table.sessions-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Daily stand-up");

        await dashboard.GoAsync("#/sessions?status=ended", "sessions");
        await page.GetByLabel("Provider").SelectOptionAsync("liveswitch");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("provider=liveswitch"));
        await Expect(page.Locator("table.sessions-table tbody tr td[data-label='Provider']")).ToHaveTextAsync(["liveswitch"]);

        // Every list has both controls; a search that matches nothing says so.
        foreach (var (hash, view) in new[] { ("#/fleet", "fleet"), ("#/recordings", "recordings"), ("#/livestreams", "livestreams"), ("#/clients", "clients") })
        {
            await dashboard.GoAsync(hash, view);
            await Expect(page.GetByLabel("Provider")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Searchbox).FillAsync("nothing-is-called-this");
            await page.GetByRole(AriaRole.Searchbox).PressAsync("Enter");
            await Expect(page.GetByText("Nothing matches this search.")).ToBeVisibleAsync();
        }

        await dashboard.GoAsync("#/fleet?q=ms-eu", "fleet");
        await Expect(page.Locator(".groups li.server")).ToHaveCountAsync(3);
        await dashboard.ScreenshotAsync("fleet-search-1280");
        Assert.Empty(dashboard.Errors);
    }
}
