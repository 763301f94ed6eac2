using Microsoft.Playwright;
using Sessions.Testing;

namespace Sessions.Dashboard.Tests.Infrastructure;

/// <summary>
/// One service on real Kestrel and one headless Chromium, shared by the dashboard tests (the co-hosted silo binds real
/// ports, and a browser takes a second to start). Data is seeded on first use, once.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("dashboard");
    private readonly SemaphoreSlim _seeding = new(1, 1);
    private bool _seeded;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public DashboardHost Host { get; private set; } = null!;

    /// <summary>The running browser; call <see cref="Chromium.Require"/> first.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.InstallHint);

    /// <summary>Playwright, to launch more browsers or reach the same hosts; null when Chromium is missing.</summary>
    public IPlaywright? Playwright => _playwright;

    public async ValueTask InitializeAsync()
    {
        Host = DashboardHost.Start(_folder.SqliteConnectionString, FreePort.Next());
        if (Chromium.IsInstalled)
        {
            _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            _browser = await Chromium.LaunchAsync(_playwright);
        }
    }

    /// <summary>Replays the fixtures and the demo events, once per fixture; later calls return at once.</summary>
    public async Task SeedAsync()
    {
        await _seeding.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!_seeded)
            {
                await SeedData.SendAsync(Host);
                _seeded = true;
            }
        }
        finally
        {
            _seeding.Release();
        }
    }

    /// <summary>A fresh browser context at <paramref name="width"/> × <paramref name="height"/>, on the sign-in page.</summary>
    public Task<DashboardPage> OpenAsync(int width = 1280, int height = 860)
    {
        Chromium.Require();
        return DashboardPage.OpenAsync(Browser, Host.Address, width, height);
    }

    /// <summary>As <see cref="OpenAsync"/>, then signed in with the test key.</summary>
    public async Task<DashboardPage> OpenSignedInAsync(int width = 1280, int height = 860)
    {
        var page = await OpenAsync(width, height);
        await page.SignInAsync(DashboardHost.ApiKey);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Host.DisposeAsync();
        _seeding.Dispose();
        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = nameof(DashboardCollection);
}
