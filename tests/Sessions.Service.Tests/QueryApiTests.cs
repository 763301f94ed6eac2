using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>The read side over HTTP: lists and cursors, aggregates that agree with the entities, the live stream, errors.</summary>
public sealed class QueryApiTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    /// <summary>Two hours ago, whole seconds: recent enough that no session or client is past <c>Silence:*</c>.</summary>
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
    private static readonly string[] ServerVerbs = ["started", "registered", "unregistered", "stopped"];
    private static readonly string[] RecordingWords = ["pending", "recording", "uploading", "ready", "failed"];

    [Fact]
    public async Task StreamDeliversAChangeWithinASecondOfTheWebhook()
    {
        using var request = WebhookApiFactory.Api(HttpMethod.Get, "/api/stream");
        using var response = await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var id = $"live-{Guid.NewGuid():N}";

        await PostAsync(StandardWebhooks.Event("session.started", T0, new { provider = "acme", id, title = "Stand-up" }));
        var posted = Stopwatch.StartNew();
        using var oneSecond = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        oneSecond.CancelAfter(TimeSpan.FromSeconds(1));
        var change = await ReadChangeAsync(reader, id, oneSecond.Token);

        Assert.True(posted.Elapsed < TimeSpan.FromSeconds(1), $"change arrived after {posted.Elapsed}");
        Assert.Equal("session", change.GetProperty("kind").GetString());
        Assert.Equal("acme", change.GetProperty("provider").GetString());
        Assert.Equal("active", change.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ListsPageThroughEveryEntityOnceWithCursors()
    {
        var provider = "page" + Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, 23).Select(i => $"s-{i:00}").ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await PostAsync(StandardWebhooks.Event("session.started", T0.AddMinutes(i % 5), new { provider, id }));
        }

        var seen = await EventuallyAsync(async () =>
        {
            var all = new List<string>();
            string? cursor = null;
            do
            {
                var page = await GetJsonAsync($"/api/sessions?provider={provider}&status=active&limit=5" + (cursor is null ? "" : $"&cursor={cursor}"));
                Assert.True(page.GetProperty("items").GetArrayLength() <= 5);
                all.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            return all;
        }, all => all.Count == ids.Count);

        Assert.Equal(ids.Order(), seen.Order());
        var times = new List<DateTimeOffset>();
        foreach (var id in seen)
        {
            times.Add((await GetJsonAsync($"/api/sessions/{provider}/{id}")).GetProperty("startedAt").GetDateTimeOffset());
        }

        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task AggregatesAgreeWithTheEntitiesAfterABurst()
    {
        var provider = "burst" + Guid.NewGuid().ToString("N")[..8];
        var random = new Random(42);
        var requests = new List<Sessions.Webhooks.WebhookRequest>();
        for (var i = 0; i < 2400; i++)
        {
            var at = T0.AddSeconds(random.Next(0, 3600));
            requests.Add(random.Next(3) switch
            {
                0 => StandardWebhooks.Event(random.Next(2) == 0 ? "session.started" : "session.ended", at, new { provider, id = $"s-{random.Next(200)}" }),
                1 => StandardWebhooks.Event($"server.{ServerVerbs[random.Next(4)]}", at,
                    new { provider, id = $"srv-{random.Next(100)}", role = random.Next(2) == 0 ? "gateway" : "mediaserver", region = random.Next(2) == 0 ? "eu" : "us" }),
                _ => StandardWebhooks.Event("recording.status", at,
                    new { provider, id = $"r-{random.Next(150)}", status = RecordingWords[random.Next(5)] }),
            });
        }

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (request, _) => await PostAsync(request));

        var truth = new Dictionary<string, int>();
        var servers = new List<JsonElement>();
        foreach (var (kind, prefix, count, field) in new[] { ("sessions", "s", 200, "status"), ("servers", "srv", 100, "state"), ("recordings", "r", 150, "status") })
        {
            for (var n = 0; n < count; n++)
            {
                using var get = WebhookApiFactory.Api(HttpMethod.Get, $"/api/{kind}/{provider}/{prefix}-{n}");
                using var response = await api.Client.SendAsync(get, TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var entity = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
                    var status = entity.GetProperty(field).GetString();
                    truth[$"{kind}:{status}"] = truth.GetValueOrDefault($"{kind}:{status}") + 1;
                    if (kind == "servers")
                    {
                        servers.Add(entity);
                    }
                }
            }
        }

        var counted = await EventuallyAsync(async () =>
        {
            var listed = new Dictionary<string, int>();
            foreach (var key in truth.Keys)
            {
                var (kind, status) = (key.Split(':')[0], key.Split(':')[1]);
                var filter = kind == "servers" ? "state" : "status";
                var total = 0;
                string? cursor = null;
                do
                {
                    var page = await GetJsonAsync($"/api/{kind}?provider={provider}&{filter}={status}&limit=500" + (cursor is null ? "" : $"&cursor={cursor}"));
                    total += page.GetProperty("items").GetArrayLength();
                    cursor = page.GetProperty("nextCursor").GetString();
                }
                while (cursor is not null);
                listed[key] = total;
            }

            return listed;
        }, listed => truth.All(t => listed[t.Key] == t.Value));

        Assert.Equal(truth.OrderBy(t => t.Key), counted.OrderBy(t => t.Key));

        // Facet filters, alone and with a state, in any case, page through exactly the servers whose own state says so.
        foreach (var (filter, expected) in new (string, Func<JsonElement, bool>)[]
        {
            ("region=EU&state=registered", s => s.GetProperty("region").GetString() == "eu" && s.GetProperty("state").GetString() == "registered"),
            ("health=down", s => s.GetProperty("health").GetString() == "down"),
            ("health=degraded&region=us", s => s.GetProperty("health").GetString() == "degraded" && s.GetProperty("region").GetString() == "us"),
        })
        {
            var listed = new List<string>();
            string? cursor = null;
            do
            {
                var page = await GetJsonAsync($"/api/servers?provider={provider}&{filter}&limit=7" + (cursor is null ? "" : $"&cursor={cursor}"));
                listed.AddRange(page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);

            Assert.Equal(servers.Where(expected).Select(s => s.GetProperty("id").GetString()!).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        }

        var overview = await GetJsonAsync("/api/overview");
        Assert.True(overview.GetProperty("sessions").GetProperty("total").GetInt32() >= truth.Where(t => t.Key.StartsWith("sessions", StringComparison.Ordinal)).Sum(t => t.Value));
    }

    [Fact]
    public async Task SearchAndLastEventWindowNarrowListsAndPageWithCursors()
    {
        var provider = "find" + Guid.NewGuid().ToString("N")[..8];

        // 30 sessions, one event minute apart; every third one has "Weekly Review" in its title, every fifth an Ada present.
        for (var i = 0; i < 30; i++)
        {
            var id = $"s-{i:00}";
            await PostAsync(StandardWebhooks.Event("session.started", T0.AddMinutes(i), new { provider, id, title = i % 3 == 0 ? $"Weekly Review {i}" : $"Stand-up {i}" }));
            if (i % 5 == 0)
            {
                await PostAsync(StandardWebhooks.Event("participant.joined", T0.AddMinutes(i), new { provider, id, participantId = $"p-{i}", name = "Ada Lovelace" }));
            }
        }

        await PostAsync(StandardWebhooks.Event("server.started", T0, new { provider, id = "srv-1", role = "mediaserver", machineName = "media-eu-07.example" }));
        await PostAsync(StandardWebhooks.Event("server.started", T0, new { provider, id = "srv-2", role = "mediaserver", machineName = "media-us-01.example" }));
        await PostAsync(StandardWebhooks.Event("recording.status", T0, new { provider, id = "rec-1", status = "recording", sessionId = "s-03" }));

        var weekly = Enumerable.Range(0, 30).Where(i => i % 3 == 0).Select(i => $"s-{i:00}").ToList();
        var listed = await EventuallyAsync(() => ListAllAsync($"/api/sessions?provider={provider}&q=weekly+REVIEW&limit=3"), ids => ids.Count == weekly.Count);
        Assert.Equal(weekly.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        // A participant's name or id, the session id, and the time window: [since, until) by last event time.
        var ada = await EventuallyAsync(() => ListAllAsync($"/api/sessions?provider={provider}&q=lovelace&limit=2"), ids => ids.Count == 6);
        Assert.Equal(["s-00", "s-05", "s-10", "s-15", "s-20", "s-25"], ada.Order(StringComparer.Ordinal));
        Assert.Equal(["s-15"], await ListAllAsync($"/api/sessions?provider={provider}&q=P-15"));
        var since = Uri.EscapeDataString(T0.AddMinutes(10).ToString("O"));
        var until = Uri.EscapeDataString(T0.AddMinutes(20).ToString("O"));
        var window = await ListAllAsync($"/api/sessions?provider={provider}&since={since}&until={until}&limit=4");
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"s-{i:00}"), window.Order(StringComparer.Ordinal));
        var both = await ListAllAsync($"/api/sessions?provider={provider}&status=active&q=review&since={since}&until={until}&limit=1");
        Assert.Equal(["s-12", "s-15", "s-18"], both.Order(StringComparer.Ordinal));

        Assert.Equal(["srv-1"], await EventuallyAsync(() => ListAllAsync($"/api/servers?provider={provider}&q=EU-07"), ids => ids.Count == 1));
        Assert.Equal(["rec-1"], await EventuallyAsync(() => ListAllAsync($"/api/recordings?provider={provider}&q=s-03"), ids => ids.Count == 1));
        Assert.Empty(await ListAllAsync($"/api/sessions?provider={provider}&q=nobody-by-this-name"));
    }

    [Fact]
    public async Task TimelineEntriesSayWhichParticipantOrRecordingTheyConcern()
    {
        var provider = "subj" + Guid.NewGuid().ToString("N")[..8];
        await PostAsync(StandardWebhooks.Event("session.started", T0, new { provider, id = "s-1", title = "Retro" }));
        await PostAsync(StandardWebhooks.Event("participant.joined", T0.AddSeconds(1), new { provider, id = "s-1", participantId = "p-7", name = "Grace Hopper" }));
        await PostAsync(StandardWebhooks.Event("recording.status", T0.AddSeconds(2), new { provider, id = "rec-9", status = "recording", sessionId = "s-1" }));

        var timeline = (await GetJsonAsync($"/api/sessions/{provider}/s-1")).GetProperty("timeline").EnumerateArray().ToList();

        Assert.Equal(JsonValueKind.Null, timeline[0].GetProperty("subject").ValueKind);
        var participant = timeline[1].GetProperty("subject");
        Assert.Equal(("participant", "p-7", "Grace Hopper"),
            (participant.GetProperty("kind").GetString(), participant.GetProperty("id").GetString(), participant.GetProperty("name").GetString()));
        var recording = timeline[2].GetProperty("subject");
        Assert.Equal(("recording", "rec-9"), (recording.GetProperty("kind").GetString(), recording.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ClientsOfOneApplicationRegisteringAtOnceAreEachCounted()
    {
        const string Application = "tracker-demo-app";
        var prefix = "cl" + Guid.NewGuid().ToString("N")[..8];
        var clients = Enumerable.Range(0, 300).Select(n => $"{prefix}-{n}").ToList();

        // All register at once; then a third unregister, and a registration older than that arrives late for 20 of them.
        await PostClientsAsync(clients.Select(c => ("client.registered", c, 10)));
        await PostClientsAsync(clients.Take(100).Select(c => ("client.unregistered", c, 20)).Concat(clients.Take(20).Select(c => ("client.registered", c, 15))));

        var application = await EventuallyAsync(() => GetJsonAsync($"/api/applications/{Application}"), a => a.GetProperty("registeredClients").GetInt32() == 200);
        Assert.Equal((200, 300), (application.GetProperty("registeredClients").GetInt32(), application.GetProperty("clients").GetInt32()));
        var listed = await GetJsonAsync("/api/applications");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == Application);

        var registered = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync($"/api/clients?application={Application}&status=registered&limit=120" + (cursor is null ? "" : $"&cursor={cursor}"));
            registered.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(clients.Skip(100).Order(StringComparer.Ordinal), registered.Order(StringComparer.Ordinal));

        var gone = await GetJsonAsync($"/api/clients/liveswitch/{clients[5]}");
        Assert.Equal(("unregistered", Application, 3), (gone.GetProperty("status").GetString(), gone.GetProperty("applicationId").GetString(), gone.GetProperty("timeline").GetArrayLength()));
        using var unknown = WebhookApiFactory.Api(HttpMethod.Get, "/api/applications/never-seen");
        using var missing = await api.Client.SendAsync(unknown, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("/api/sessions?status=finished", "status 'finished' is not one of")]
    [InlineData("/api/sessions?limit=0", "limit must be between 1 and 500")]
    [InlineData("/api/recordings?cursor=not-a-cursor", "cursor is not one this service issued")]
    [InlineData("/api/sessions?limit=abc", "limit")]
    [InlineData("/api/servers?limit=1.5", "limit")]
    [InlineData("/api/servers?health=sick", "health 'sick' is not one of: healthy, degraded, down, offline")]
    [InlineData("/api/servers?role=bogus", "role 'bogus' is not one of: gateway")]
    [InlineData("/api/webhooks/log?limit=abc", "limit")]
    [InlineData("/api/webhooks/log?limit=501", "limit must be between 1 and 500")]
    [InlineData("/api/webhooks/log?before=2026-01-01T00:00:00Z", "before")]
    [InlineData("/api/sessions?since=yesterday", "since")]
    [InlineData("/api/clients?until=2026-13-01", "until")]
    [InlineData("/api/servers?since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z", "since (2026-11-02T00:00:00.0000000+00:00) is after until")]
    public async Task InvalidListQueryGets400SayingWhy(string path, string detail)
    {
        using var request = WebhookApiFactory.Api(HttpMethod.Get, path);
        using var response = await api.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownEntityGets404AndNoKeyGets401()
    {
        using var unknown = WebhookApiFactory.Api(HttpMethod.Get, "/api/sessions/dyte/never-seen");
        var missing = await api.Client.SendAsync(unknown, TestContext.Current.CancellationToken);
        var anonymous = await api.Client.GetAsync("/api/overview", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheApi()
    {
        // Outside Development the description needs the API key (Api:PublicDocs); Hardening/PublicEndpointsTests covers both.
        using var response = await api.Client.SendAsync(WebhookApiFactory.Api(HttpMethod.Get, "/openapi/v1.json"), TestContext.Current.CancellationToken);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/sessions/{provider}/{id}", out _));
        Assert.True(paths.TryGetProperty("/webhooks/{source}", out _));
        foreach (var list in new[] { "/api/sessions", "/api/servers", "/api/recordings", "/api/livestreams", "/api/clients" })
        {
            var parameters = paths.GetProperty(list).GetProperty("get").GetProperty("parameters").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.TryGetProperty("description", out var d) ? d.GetString() : null);
            Assert.Contains("without case", parameters["q"], StringComparison.Ordinal);
            Assert.Contains("ISO-8601", parameters["since"], StringComparison.Ordinal);
            Assert.Contains("ISO-8601", parameters["until"], StringComparison.Ordinal);
        }

        // Not following redirects: the client would drop the key on /scalar's redirect to /scalar/.
        using var noRedirects = api.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var scalar = await noRedirects.SendAsync(WebhookApiFactory.Api(HttpMethod.Get, "/scalar"), TestContext.Current.CancellationToken);
        Assert.True(scalar.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently, $"/scalar: {(int)scalar.StatusCode}");
    }

    /// <summary>Signed LiveSwitch client events, eight in flight at a time; each must be acknowledged.</summary>
    private async Task PostClientsAsync(IEnumerable<(string Type, string Client, int Seconds)> events) =>
        await Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (e, cancellationToken) =>
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    id = $"{e.Client}-{e.Type}-{e.Seconds}",
                    timestamp = T0.AddSeconds(e.Seconds).ToUnixTimeMilliseconds(),
                    type = e.Type,
                    client = new { id = e.Client, applicationId = "tracker-demo-app", userAlias = e.Client },
                });
                var (_, request) = TestSources.Authenticated("liveswitch", body, DateTimeOffset.UtcNow);
                using var response = await api.PostAsync("liveswitch", request);
                Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            });

    private async Task PostAsync(Sessions.Webhooks.WebhookRequest request)
    {
        using var response = await api.PostAsync("standard", request);
        Assert.True(response.IsSuccessStatusCode,
            $"{(int)response.StatusCode} for {StandardWebhooks.Text(request)}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    /// <summary>The ids of every item of a list, following its cursors.</summary>
    private async Task<List<string>> ListAllAsync(string path)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync(path + (cursor is null ? "" : $"&cursor={cursor}"));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var request = WebhookApiFactory.Api(HttpMethod.Get, path);
        using var response = await api.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Indexes are updated after each change, not in the same call: ask again until they agree (a few seconds at most).</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<JsonElement> ReadChangeAsync(StreamReader reader, string id, CancellationToken cancellationToken)
    {
        string? eventType = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventType == "change")
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                if (data.GetProperty("id").GetString() == id)
                {
                    return data;
                }
            }
        }

        throw new EndOfStreamException("the stream ended before the change arrived");
    }
}
