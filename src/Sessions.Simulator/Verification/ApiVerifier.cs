using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sessions.Simulator.Verification;

/// <summary>
/// Reads back what the service lists for the run: for each kind and provider the run produces, every status page by page
/// (<c>provider=</c>, <c>status=</c> or, for servers, <c>state=</c>, cursor paging), counting the ids with the run's
/// prefix. The lists are filed behind the entities, so it polls until they agree with the expected counts or time runs out.
/// </summary>
internal sealed class ApiVerifier(HttpClient http, Uri baseUrl, string apiKey)
{
    private const int PageSize = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The lists the simulated traffic can fill, per provider.</summary>
    private static readonly (string Kind, string Provider)[] Lists =
    [
        (EntityKinds.Server, Providers.LiveSwitch),
        (EntityKinds.Session, Providers.LiveSwitch),
        (EntityKinds.Session, Providers.Dyte),
        (EntityKinds.Recording, Providers.LiveSwitch),
        (EntityKinds.Recording, Providers.Dyte),
        (EntityKinds.Recording, Providers.FastPix),
        (EntityKinds.Livestream, Providers.FastPix),
    ];

    public async Task<VerificationResult> VerifyAsync(
        string idPrefix,
        IReadOnlyList<string> providers,
        IReadOnlyDictionary<(string Kind, string Provider, string Status), int> expected,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var slots = Lists.Where(l => providers.Contains(l.Provider))
            .SelectMany(l => ExpectedState.Statuses(l.Kind).Select(status => (l.Kind, l.Provider, Status: status)))
            .ToList();
        for (var polls = 1; ; polls++)
        {
            VerificationRow[] rows;
            try
            {
                var seen = await Task.WhenAll(slots.Select(s => CountAsync(s.Kind, s.Provider, s.Status, idPrefix, cancellationToken)));
                rows = [.. slots
                    .Select((s, i) => new VerificationRow(s.Kind, s.Provider, s.Status, expected.GetValueOrDefault(s), seen[i]))
                    .Where(r => r.Expected > 0 || r.Seen > 0)];
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return new VerificationResult(false, [], stopwatch.Elapsed, polls, e.Message);
            }

            var passed = rows.All(r => r.Expected == r.Seen) && expected.Keys.All(slots.Contains);
            if (passed || stopwatch.Elapsed >= timeout)
            {
                return new VerificationResult(passed, rows, stopwatch.Elapsed, polls);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<int> CountAsync(string kind, string provider, string status, string idPrefix, CancellationToken cancellationToken)
    {
        var filter = kind == EntityKinds.Server ? "state" : "status";
        var count = 0;
        string? cursor = null;
        do
        {
            var path = string.Create(CultureInfo.InvariantCulture,
                $"api/{kind}s?provider={Uri.EscapeDataString(provider)}&{filter}={status}&limit={PageSize}");
            if (cursor is not null)
            {
                path += "&cursor=" + Uri.EscapeDataString(cursor);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET /{path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
            }

            using var page = JsonDocument.Parse(text);
            count += page.RootElement.GetProperty("items").EnumerateArray()
                .Count(item => item.GetProperty("id").GetString()?.StartsWith(idPrefix, StringComparison.Ordinal) == true);
            cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return count;
    }
}
