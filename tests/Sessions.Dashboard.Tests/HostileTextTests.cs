using Microsoft.Playwright;
using Sessions.Dashboard.Tests.Infrastructure;
using Sessions.Service.Hosting;
using Sessions.Testing.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace Sessions.Dashboard.Tests;

/// <summary>
/// Strings a provider sent are text on the page, never markup, and the headers make a slip harmless: with the
/// Content-Security-Policy, even markup injected into the page runs no inline handler.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class HostileTextTests(DashboardFixture fixture)
{
    private const string Payload = "<img src=x onerror=\"window.__pwned=1;alert(1)\">";

    [Fact]
    public async Task MarkupInAParticipantNameRendersAsTextAndRunsNothing()
    {
        var id = $"xss-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        await fixture.Host.PostAsync(StandardWebhooks.Source, StandardWebhooks.Event("session.started", now.AddMinutes(-2), new { provider = "acme", id, title = Payload }));
        await fixture.Host.PostAsync(StandardWebhooks.Source, StandardWebhooks.Event("participant.joined", now.AddMinutes(-1), new { provider = "acme", id, participantId = "p1", name = Payload }));
        await using var dashboard = await fixture.OpenSignedInAsync();
        var page = dashboard.Page;
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };

        await dashboard.GoAsync($"#/sessions/acme/{id}", "session");

        var participants = page.GetByRole(AriaRole.Region, new() { Name = "Participants" });
        await Expect(participants).ToContainTextAsync(Payload);
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task DashboardAnswersCarryTheHeadersAndTheyBlockInjectedHandlers()
    {
        await using var dashboard = await fixture.OpenAsync();
        var page = dashboard.Page;

        var response = await page.GotoAsync(dashboard.Address.ToString());

        var headers = await response!.AllHeadersAsync();
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);

        // A slip the DOM-from-text rule exists to prevent, made on purpose: the policy still runs no inline handler or script.
        // Resolves once the browser has refused all three: two inline handlers and one inline script.
        var refused = await page.EvaluateAsync<int>("""
            () => new Promise(resolve => {
              let seen = 0;
              document.addEventListener('securitypolicyviolation', () => { if (++seen === 3) { resolve(seen); } });
              document.body.insertAdjacentHTML('beforeend', '<img src="x1" onerror="window.__pwned=1"><img src="x2" onerror="window.__pwned=2">');
              const s = document.createElement('script'); s.textContent = 'window.__pwned = 3'; document.body.append(s);
            })
            """);
        Assert.Equal(3, refused);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
    }
}
