extern alias StandardWebhooksPackage;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Verifier = StandardWebhooksPackage::StandardWebhooks.StandardWebhook;

namespace Sessions.Service.Tests;

/// <summary>
/// Outbound notifications end to end: changes posted as signed provider webhooks, subscriptions made through the API,
/// deliveries caught by a real HTTP receiver on loopback, every signature checked with the StandardWebhooks package.
/// </summary>
public sealed class NotificationTests(WebhookApiFactory api, NotificationReceiverFixture receiverFixture)
    : IClassFixture<WebhookApiFactory>, IClassFixture<NotificationReceiverFixture>
{
    private static readonly string[] ReadyEvents = ["recording.ready"];
    private static readonly string[] JoinedEvents = ["session.participantJoined"];

    private readonly NotificationReceiver _receiver = receiverFixture.Receiver;

    [Fact]
    public async Task Create_answers_201_with_a_secret_shown_only_then_and_bad_input_400_naming_the_field()
    {
        var (status, created) = await CreateAsync(new { name = "ready", url = _receiver.Url("/create"), category = "recording", events = ReadyEvents });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(created.GetProperty("secret").GetString()!["whsec_".Length..]).Length);

        var listed = await GetAsync("/api/subscriptions");
        Assert.Contains(listed.EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(listed.EnumerateArray(), s => s.TryGetProperty("secret", out _));
        Assert.False((await GetAsync($"/api/subscriptions/{id}")).TryGetProperty("secret", out _));

        var before = (await GetAsync("/api/subscriptions")).GetArrayLength();
        foreach (var (body, field) in new (object, string)[]
        {
            (new { url = _receiver.Url("/x"), category = "session" }, "name"),
            (new { name = "n", url = "ftp://example.com/hook", category = "session" }, "url"),
            (new { name = "n", url = "/relative", category = "session" }, "url"),
            (new { name = "n", url = _receiver.Url("/x"), category = "meeting" }, "category"),
            (new { name = "n", url = _receiver.Url("/x"), category = "session", events = ReadyEvents }, "events"),
        })
        {
            var (bad, problem) = await CreateAsync(body);
            Assert.Equal(HttpStatusCode.BadRequest, bad);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{problem}");
        }

        Assert.Equal(before, (await GetAsync("/api/subscriptions")).GetArrayLength());

        using var patch = Api(HttpMethod.Patch, $"/api/subscriptions/{id}", new { category = "nope" });
        using var patched = await api.Client.SendAsync(patch, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, patched.StatusCode);
        Assert.Equal("recording", (await GetAsync($"/api/subscriptions/{id}")).GetProperty("category").GetString());
    }

    [Fact]
    public async Task Unknown_subscriptions_and_deliveries_answer_404()
    {
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, "/api/subscriptions/sub_missing", null),
            (HttpMethod.Patch, "/api/subscriptions/sub_missing", new { name = "x" }),
            (HttpMethod.Delete, "/api/subscriptions/sub_missing", null),
            (HttpMethod.Post, "/api/subscriptions/sub_missing/rotate-secret", null),
            (HttpMethod.Post, "/api/subscriptions/sub_missing/test", null),
            (HttpMethod.Get, "/api/subscriptions/sub_missing/deliveries", null),
            (HttpMethod.Post, "/api/subscriptions/sub_missing/deliveries/msg_missing/retry", null),
            (HttpMethod.Post, "/api/subscriptions/sub_missing/replay", new { since = "2026-01-01T00:00:00Z" }),
        })
        {
            using var request = Api(method, path, body);
            using var response = await api.Client.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Event_types_are_listed_per_category()
    {
        var types = await GetAsync("/api/subscriptions/event-types");
        var recording = types.GetProperty("recording").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("recording.ready", recording);
        Assert.Contains("server.health", types.GetProperty("server").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("session.participantJoined", types.GetProperty("session").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Deliveries_follow_category_events_providers_and_disabled_and_are_signed()
    {
        var provider = Provider();
        var other = Provider();
        var ready = await SubscribeAsync("/filter/ready", new { category = "recording", events = ReadyEvents, providers = new[] { provider } });
        var sessions = await SubscribeAsync("/filter/sessions", new { category = "session", providers = new[] { provider } });
        var otherProvider = await SubscribeAsync("/filter/other", new { category = "session", providers = new[] { other } });
        await SubscribeAsync("/filter/disabled", new { category = "session", disabled = true });

        await PostAsync("session.started", new { provider, id = "s-1" });
        await PostAsync("recording.status", new { provider, id = "r-1", status = "recording" });
        await PostAsync("recording.status", new { provider, id = "r-1", status = "ready" });
        await PostAsync("session.started", new { provider = other, id = "s-2" });

        var got = await _receiver.WaitForAsync("/filter/ready", r => r.Count >= 1);
        var evt = Assert.Single(got).Events.Single();
        Verify(ready.Secret, got[0]);
        Assert.Equal("recording.ready", evt.GetProperty("type").GetString());
        Assert.Equal("recording", evt.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("r-1", evt.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("ready", evt.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("recording", evt.GetProperty("data").GetProperty("previousStatus").GetString());

        var session = (await _receiver.WaitForAsync("/filter/sessions", r => r.Count >= 1)).Single();
        Verify(sessions.Secret, session);
        Assert.Equal("session.active", session.Events.Single().GetProperty("type").GetString());
        Assert.Equal(provider, session.Events.Single().GetProperty("data").GetProperty("provider").GetString());

        var second = (await _receiver.WaitForAsync("/filter/other", r => r.Count >= 1)).Single();
        Verify(otherProvider.Secret, second);
        Assert.Equal("s-2", second.Events.Single().GetProperty("data").GetProperty("id").GetString());

        // Every subscription's dispatcher reads the same outbox: by now the disabled one would have had the sessions.
        Assert.Empty(_receiver.At("/filter/disabled"));
        Assert.Single(_receiver.At("/filter/ready"));
        // The receiver has the delivery a moment before the dispatcher has stored its answer.
        var log = await EventuallyAsync($"/api/subscriptions/{ready.Id}/deliveries",
            p => p.GetProperty("items").EnumerateArray().All(d => d.GetProperty("status").GetString() == "succeeded"));
        var delivery = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal(got[0].Id, delivery.GetProperty("id").GetString());
        Assert.Equal(evt.GetProperty("id").GetString(), delivery.GetProperty("eventIds")[0].GetString());
    }

    [Fact]
    public async Task A_batch_subscription_receives_arrays_of_events()
    {
        var provider = Provider();
        var batch = await SubscribeAsync("/batch", new { category = "session", providers = new[] { provider }, batch = true });
        for (var i = 0; i < 3; i++)
        {
            await PostAsync("session.started", new { provider, id = $"s-{i}" });
        }

        var got = await _receiver.WaitForAsync("/batch", r => r.Sum(d => d.Events.Count) >= 3);
        Assert.All(got, d => Assert.StartsWith("[", d.Body, StringComparison.Ordinal));
        Assert.All(got, d => Verify(batch.Secret, d));
        Assert.Equal(["s-0", "s-1", "s-2"], got.SelectMany(d => d.Events).Select(e => e.GetProperty("data").GetProperty("id").GetString()).Order());
    }

    [Fact]
    public async Task Failures_are_retried_with_the_same_webhook_id_and_listed_as_attempts()
    {
        var provider = Provider();
        _receiver.Respond = Answer("/retry", (_, before) => before < 2 ? (503, null) : (200, null));
        var sub = await SubscribeAsync("/retry", new { category = "session", providers = new[] { provider } });
        await PostAsync("session.started", new { provider, id = "s-1" });

        var got = await _receiver.WaitForAsync("/retry", r => r.Count >= 3);
        Assert.Single(got.Select(r => r.Id).Distinct());
        Assert.All(got, d => Verify(sub.Secret, d));

        var delivery = await EventuallyAsync($"/api/subscriptions/{sub.Id}/deliveries?status=succeeded", p => p.GetProperty("items").GetArrayLength() == 1);
        var attempts = delivery.GetProperty("items")[0].GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([503, 503, 200], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Contains("503", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var provider = Provider();
        _receiver.Respond = Answer("/retry-after", (_, before) => before == 0 ? (429, "2") : (200, null));
        var sub = await SubscribeAsync("/retry-after", new { category = "session", providers = new[] { provider } });
        await PostAsync("session.started", new { provider, id = "s-1" });

        var got = await _receiver.WaitForAsync("/retry-after", r => r.Count >= 2);
        Assert.True(got[1].At - got[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(got[1].At - got[0].At).TotalSeconds} s");
        Assert.All(got, d => Verify(sub.Secret, d));
    }

    [Fact]
    public async Task Gone_disables_the_subscription_with_the_reason()
    {
        var provider = Provider();
        _receiver.Respond = Answer("/gone", (_, _) => (410, null));
        var sub = await SubscribeAsync("/gone", new { category = "session", providers = new[] { provider } });
        await PostAsync("session.started", new { provider, id = "s-1" });

        var state = await EventuallyAsync($"/api/subscriptions/{sub.Id}", s => s.GetProperty("disabled").GetBoolean());
        Assert.Contains("410", state.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        var delivery = (await GetAsync($"/api/subscriptions/{sub.Id}/deliveries")).GetProperty("items")[0];
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Single(_receiver.At("/gone"));
    }

    [Fact]
    public async Task Test_sends_a_signed_ping_and_retry_sends_a_delivery_again()
    {
        var sub = await SubscribeAsync("/ping", new { category = "client" });
        using var test = Api(HttpMethod.Post, $"/api/subscriptions/{sub.Id}/test");
        using var answer = await api.Client.SendAsync(test, Ct);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);

        var ping = (await _receiver.WaitForAsync("/ping", r => r.Count >= 1)).Single();
        Verify(sub.Secret, ping);
        Assert.Equal("ping", ping.Events.Single().GetProperty("type").GetString());

        await EventuallyAsync($"/api/subscriptions/{sub.Id}/deliveries?status=succeeded", p => p.GetProperty("items").GetArrayLength() == 1);
        using var retry = Api(HttpMethod.Post, $"/api/subscriptions/{sub.Id}/deliveries/{ping.Id}/retry");
        using var retried = await api.Client.SendAsync(retry, Ct);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var again = await _receiver.WaitForAsync("/ping", r => r.Count >= 2);
        Assert.Equal(ping.Id, again[1].Id);
    }

    [Fact]
    public async Task Replay_resends_every_matching_change_since_a_moment()
    {
        var provider = Provider();
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var sub = await SubscribeAsync("/replay", new { category = "session", providers = new[] { provider } });
        await PostAsync("session.started", new { provider, id = "s-1" });
        await PostAsync("session.ended", new { provider, id = "s-1" });
        var first = await _receiver.WaitForAsync("/replay", r => r.Count >= 2);

        using var replay = Api(HttpMethod.Post, $"/api/subscriptions/{sub.Id}/replay", new { since });
        using var answer = await api.Client.SendAsync(replay, Ct);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal(2, (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("events").GetInt32());

        var all = await _receiver.WaitForAsync("/replay", r => r.Count >= 4);
        Assert.All(all, d => Verify(sub.Secret, d));
        Assert.Equal(
            first.Select(d => d.Events.Single().GetProperty("id").GetString()).Order(),
            all.Skip(2).Select(d => d.Events.Single().GetProperty("id").GetString()).Order());

        using var bad = Api(HttpMethod.Post, $"/api/subscriptions/{sub.Id}/replay", new { });
        using var rejected = await api.Client.SendAsync(bad, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
    }

    [Fact]
    public async Task After_rotation_both_secrets_verify_during_the_overlap()
    {
        var provider = Provider();
        var sub = await SubscribeAsync("/rotate", new { category = "session", providers = new[] { provider } });
        using var rotate = Api(HttpMethod.Post, $"/api/subscriptions/{sub.Id}/rotate-secret");
        using var answer = await api.Client.SendAsync(rotate, Ct);
        var rotated = (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        Assert.NotEqual(sub.Secret, rotated);

        await PostAsync("session.started", new { provider, id = "s-1" });
        var got = (await _receiver.WaitForAsync("/rotate", r => r.Count >= 1)).Single();
        var entries = got.Signature.Split(' ');
        Assert.Equal(2, entries.Length);

        // StandardWebhooks 1.1.2 checks only the first entry of the header: give it each entry on its own.
        Verify(rotated, got with { Headers = WithSignature(got, entries[0]) });
        Verify(sub.Secret, got with { Headers = WithSignature(got, entries[1]) });
        Assert.Throws<StandardWebhooksPackage::StandardWebhooks.Diagnostics.WebhookVerificationException>(
            () => Verify(sub.Secret, got with { Headers = WithSignature(got, entries[0]) }));
    }

    [Fact]
    public async Task Changes_of_one_entity_arrive_in_order_while_others_do_not_wait()
    {
        var provider = Provider();
        var sub = await SubscribeAsync("/order", new { category = "session", events = JoinedEvents, providers = new[] { provider } });

        // Every third delivery fails once: the entity's next changes must wait for it, other entities must not.
        _receiver.Respond = Answer("/order", (d, before) => before == 0 && d.Events[0].GetProperty("data").GetProperty("participantId").GetString()!.EndsWith('2') ? (503, null) : (200, null));
        var sessions = Enumerable.Range(0, 6).Select(i => $"s-{i}").ToList();
        var random = new Random(12);
        var next = sessions.ToDictionary(s => s, _ => 0);
        const int PerSession = 5;
        while (next.Values.Any(n => n < PerSession))
        {
            var open = next.Where(n => n.Value < PerSession).Select(n => n.Key).ToList();
            var session = open[random.Next(open.Count)];
            await PostAsync("participant.joined", new { provider, id = session, participantId = $"p-{next[session]++}" });
        }

        var got = await _receiver.WaitForAsync("/order", r => r.Select(d => d.Id).Distinct().Count() >= sessions.Count * PerSession, seconds: 40);
        Assert.All(got, d => Verify(sub.Secret, d));
        var firstArrivals = got.GroupBy(d => d.Id).Select(g => g.Last()).OrderBy(d => d.At).ToList();
        foreach (var session in sessions)
        {
            var order = firstArrivals.Select(d => d.Events[0].GetProperty("data"))
                .Where(d => d.GetProperty("id").GetString() == session)
                .Select(d => d.GetProperty("participantId").GetString());
            Assert.Equal(Enumerable.Range(0, PerSession).Select(i => $"p-{i}"), order);
        }
    }

    [Fact]
    public async Task A_hanging_receiver_holds_up_neither_ingest_nor_other_subscriptions()
    {
        var provider = Provider();
        _receiver.Respond = Answer("/hang", (_, _) => null);
        await SubscribeAsync("/hang", new { category = "session", providers = new[] { provider } });
        var fine = await SubscribeAsync("/fine", new { category = "session", providers = new[] { provider } });

        for (var i = 0; i < 10; i++)
        {
            await PostAsync("session.started", new { provider, id = $"s-{i}" });
        }

        var got = await _receiver.WaitForAsync("/fine", r => r.Count >= 10);
        Assert.All(got, d => Verify(fine.Secret, d));
        Assert.NotEmpty(_receiver.At("/hang"));

        // The receiver comes back: its dispatchers' attempts end, and the service can stop without waiting on them.
        _receiver.Respond = Answer("/hang", (_, _) => (200, null));
        _receiver.ReleaseHanging();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Provider() => $"acme-{Guid.NewGuid():N}"[..16];

    /// <summary>Answers requests to <paramref name="path"/> with <paramref name="answer"/> and every other path as before.</summary>
    private Func<ReceivedDelivery, int, (int, string?)?> Answer(string path, Func<ReceivedDelivery, int, (int, string?)?> answer)
    {
        var previous = _receiver.Respond;
        return (d, before) => d.Path == path ? answer(d, before) : previous(d, before);
    }

    private static HeaderDictionary WithSignature(ReceivedDelivery delivery, string signature) =>
        new(delivery.Headers.ToDictionary(h => h.Key, h => h.Value)) { ["webhook-signature"] = signature };

    private static void Verify(string secret, ReceivedDelivery delivery) => new Verifier(secret).Verify(delivery.Body, delivery.Headers);

    private async Task PostAsync(string type, object data)
    {
        using var response = await api.PostAsync(StandardWebhooks.Source, StandardWebhooks.Event(type, DateTimeOffset.UtcNow, data));
        Assert.True(response.IsSuccessStatusCode, $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private async Task<(string Id, string Secret)> SubscribeAsync(string path, object settings)
    {
        var body = JsonSerializer.SerializeToNode(settings)!.AsObject();
        body["name"] = path;
        body["url"] = _receiver.Url(path);
        var (status, created) = await CreateAsync(body);
        Assert.Equal(HttpStatusCode.Created, status);
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    private async Task<(HttpStatusCode, JsonElement)> CreateAsync(object body)
    {
        using var request = Api(HttpMethod.Post, "/api/subscriptions", body);
        using var response = await api.Client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var request = Api(HttpMethod.Get, path);
        using var response = await api.Client.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>The delivery log is written after each attempt: ask until it says what the test waits for.</summary>
    private async Task<JsonElement> EventuallyAsync(string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await GetAsync(path);
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} never satisfied the condition: {value}");
            await Task.Delay(50, Ct);
        }
    }

    private static HttpRequestMessage Api(HttpMethod method, string path, object? body = null)
    {
        var request = WebhookApiFactory.Api(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }
}

/// <summary>One receiver for a test class; each test uses its own paths.</summary>
public sealed class NotificationReceiverFixture : IAsyncLifetime
{
    public NotificationReceiver Receiver { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Receiver = await NotificationReceiver.StartAsync();

    public ValueTask DisposeAsync() => Receiver.DisposeAsync();
}
