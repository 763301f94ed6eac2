using Microsoft.Playwright;

namespace Sessions.Dashboard.Tests.Infrastructure;

/// <summary>The machine's Chromium, driven by Playwright; the package's driver never downloads a browser.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public const string InstallHint =
        "Chromium not found at " + ExecutablePath + "; install it with 'apt-get install -y chromium' to run the dashboard tests.";

    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>Skips the calling test with the install hint, or fails it under <c>CI=true</c>, when Chromium is missing.</summary>
    public static void Require()
    {
        if (IsInstalled)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(InstallHint);
        }

        Assert.Skip(InstallHint);
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }
}
