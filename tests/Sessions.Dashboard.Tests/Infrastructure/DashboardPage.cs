using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Sessions.Dashboard.Tests.Infrastructure;

/// <summary>One browser context and page on the dashboard, collecting console errors and uncaught errors as they happen.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private DashboardPage(IBrowserContext context, IPage page, Uri address)
    {
        _context = context;
        Page = page;
        Address = address;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console.error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record($"uncaught: {error}");
    }

    public IPage Page { get; }

    public Uri Address { get; }

    /// <summary>Every console error and uncaught error (unhandled rejections included) seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>The live indicator in the header.</summary>
    public ILocator LiveIndicator => Page.Locator("#live");

    public static async Task<DashboardPage> OpenAsync(IBrowser browser, Uri address, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page, address);
        await page.GotoAsync(address.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        return dashboard;
    }

    /// <summary>Fills the sign-in form and submits it.</summary>
    public async Task SubmitKeyAsync(string key)
    {
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Signs in and waits for the fleet view.</summary>
    public async Task SignInAsync(string key)
    {
        await SubmitKeyAsync(key);
        await WaitForViewAsync("fleet");
    }

    /// <summary>Goes to a hash route (no reload) and waits until its view has rendered data.</summary>
    public async Task GoAsync(string hash, string view)
    {
        await Page.EvaluateAsync("hash => { location.hash = hash; }", hash);
        await WaitForViewAsync(view);
    }

    /// <summary>Waits for <c>main[data-view]</c>, which the app sets once a view has rendered its data.</summary>
    public Task WaitForViewAsync(string view) =>
        Expect(Page.Locator($"main[data-view='{view}']")).ToBeVisibleAsync();

    /// <summary>Saves a screenshot under the test output's <c>screenshots</c> folder and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name, bool fullPage = true)
    {
        var path = Path.Combine(Screenshots.Folder, name + ".png");
        // No hover highlight from wherever the pointer was left, and fonts settled, so pictures are stable.
        await Page.Mouse.MoveAsync(0, 0);
        await Page.EvaluateAsync("() => document.fonts.ready");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private void Record(string text)
    {
        lock (_errors)
        {
            _errors.Add(text);
        }
    }
}

/// <summary>Where the dashboard tests leave their pictures: <c>bin/…/screenshots/</c>.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
}
