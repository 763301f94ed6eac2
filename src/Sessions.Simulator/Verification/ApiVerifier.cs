using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sessions.Simulator.Verification;

/// <summary>
/// Reads back what the service holds for the run. First every expected entity, once: it answers from its own stored
/// state, so it must already be in the expected status and name each acknowledged event on its timeline. Then what the
/// service lists: for each kind and provider the run produces, every status page by page (<c>provider=</c>,
/// <c>status=</c> or, for servers, <c>state=</c>, cursor paging), counting the ids with the run's prefix. The lists are
/// filed behind the entities, so it polls them until they agree with the expected counts or time runs out.
/// </summary>
internal sealed class ApiVerifier(HttpClient http, Uri baseUrl, string apiKey)
{
    private const int PageSize = 500;

    /// <summary>Entities read at once.</summary>
    private const int EntityReaders = 8;

    /// <summary>
    /// The service keeps an entity's newest 200 timeline entries; a timeline that long may have dropped acknowledged
    /// events, so only its status is compared.
    /// </summary>
    private const int TimelineLimit = 200;

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
        (EntityKinds.Client, Providers.LiveSwitch),
    ];

    public async Task<VerificationResult> VerifyAsync(
        string idPrefix,
        IReadOnlyList<string> providers,
        ExpectedState expectedState,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var entities = expectedState.Entities();
        IReadOnlyList<EntityMismatch> mismatches;
        try
        {
            mismatches = await CheckEntitiesAsync(entities, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new VerificationResult(0, [], false, [], stopwatch.Elapsed, 0, e.Message);
        }

        var expected = expectedState.Counts();
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
                return new VerificationResult(entities.Count, mismatches, false, [], stopwatch.Elapsed, polls, e.Message);
            }

            var matched = rows.All(r => r.Expected == r.Seen) && expected.Keys.All(slots.Contains);
            if (matched || stopwatch.Elapsed >= timeout)
            {
                return new VerificationResult(entities.Count, mismatches, matched, rows, stopwatch.Elapsed, polls);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Reads each entity once, a few at a time, and says what differs from the expectation, in the given order.</summary>
    private async Task<IReadOnlyList<EntityMismatch>> CheckEntitiesAsync(IReadOnlyList<ExpectedEntity> entities, CancellationToken cancellationToken)
    {
        var found = new EntityMismatch?[entities.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, entities.Count),
            new ParallelOptions { MaxDegreeOfParallelism = EntityReaders, CancellationToken = cancellationToken },
            async (i, token) => found[i] = await CheckEntityAsync(entities[i], token));
        return [.. found.OfType<EntityMismatch>()];
    }

    private async Task<EntityMismatch?> CheckEntityAsync(ExpectedEntity entity, CancellationToken cancellationToken)
    {
        var path = $"api/{entity.Kind}s/{Uri.EscapeDataString(entity.Provider)}/{Uri.EscapeDataString(entity.Id)}";
        var (status, text) = await GetAsync(path, allowNotFound: true, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            return Mismatch("not found (404)");
        }

        using var document = JsonDocument.Parse(text);
        var seen = document.RootElement.GetProperty(entity.Kind == EntityKinds.Server ? "state" : "status").GetString();
        if (seen != entity.Status)
        {
            return Mismatch($"status '{seen}', expected '{entity.Status}'");
        }

        var timeline = document.RootElement.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        if (timeline.Count >= TimelineLimit)
        {
            return null;
        }

        var missing = entity.Events
            .GroupBy(f => f.Type)
            .Select(g => (Type: g.Key, Expected: g.Count(), Seen: timeline.Count(t => t == g.Key)))
            .Where(t => t.Seen < t.Expected)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Expected - t.Seen} of {t.Expected} '{t.Type}'"))
            .ToList();
        return missing.Count == 0 ? null : Mismatch($"timeline lacks {string.Join(", ", missing)} acknowledged");

        EntityMismatch Mismatch(string problem) => new(entity.Kind, entity.Provider, entity.Id, problem);
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

            var (_, text) = await GetAsync(path, allowNotFound: false, cancellationToken);
            using var page = JsonDocument.Parse(text);
            count += page.RootElement.GetProperty("items").EnumerateArray()
                .Count(item => item.GetProperty("id").GetString() is { } id && IsOfRun(id, idPrefix));
            cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return count;
    }

    /// <summary>Whether the run made <paramref name="id"/>: it starts with the prefix, after the <c>{application}:</c> that scopes a LiveSwitch channel.</summary>
    private static bool IsOfRun(string id, string idPrefix) =>
        id.StartsWith(idPrefix, StringComparison.Ordinal)
        || (id.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && id.AsSpan(colon + 1).StartsWith(idPrefix, StringComparison.Ordinal));

    /// <summary>GET with the API key; any answer but a success (or a 404 when <paramref name="allowNotFound"/>) throws, naming it.</summary>
    private async Task<(HttpStatusCode Status, string Text)> GetAsync(string path, bool allowNotFound, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode && !(allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
        {
            throw new HttpRequestException($"GET /{path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }

        return (response.StatusCode, text);
    }
}
