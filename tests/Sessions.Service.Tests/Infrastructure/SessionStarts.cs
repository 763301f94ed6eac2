extern alias StandardWebhooksPackage;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Verifier = StandardWebhooksPackage::StandardWebhooks.StandardWebhook;

namespace Sessions.Service.Tests.Infrastructure;

/// <summary>
/// Provider traffic for crash tests: several senders post signed <c>session.started</c> webhooks (each a new session)
/// to the given processes in turn until stopped, and note each session a 200 acknowledged. A process that stops
/// answering connections (killed) is left out from then on; the senders end when none is left.
/// </summary>
internal sealed class SessionStarts
{
    private readonly ConcurrentDictionary<HttpClient, bool> _gone = new();

    /// <summary>
    /// What a crash test's service needs beside its storage: the <c>standard</c> source with the test secret, and
    /// notifications to loopback polled and retried (twenty times, 0.2 s apart) fast enough for a test.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Webhooks:Sources:standard:Kind"] = "standard",
        ["Webhooks:Sources:standard:Secret"] = TestSources.StandardSecret,
        ["Notifications:AllowPrivateTargets"] = "true",
        ["Notifications:RetrySchedule"] = string.Join(',', Enumerable.Repeat("0.2s", 20)),
        ["Notifications:PollInterval"] = "00:00:00.2",
    };

    /// <summary>The sessions whose <c>session.started</c> was answered 200: each must become a <c>session.active</c> notification.</summary>
    public ConcurrentBag<string> Acknowledged { get; } = [];

    /// <summary>Creates a subscription through <paramref name="api"/> (which carries the API key) and returns its secret.</summary>
    public static async Task<string> SubscribeAsync(HttpClient api, object subscription)
    {
        using var created = await api.PostAsJsonAsync("/api/subscriptions", subscription, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("secret").GetString()!;
    }

    /// <summary>
    /// Waits until <paramref name="receiver"/> answered 200 to a <c>session.active</c> of every acknowledged session at
    /// <paramref name="path"/>, then checks every request it got there: each signature verifies with
    /// <paramref name="secret"/> (the StandardWebhooks package), and the copies of one event carry one <c>webhook-id</c>.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedDelivery>> AssertAllDeliveredAsync(NotificationReceiver receiver, string path, string secret, int seconds)
    {
        var expected = Acknowledged.ToHashSet();
        var got = await receiver.WaitForAsync(path, r => expected.IsSubsetOf(Delivered(r)), seconds);
        Assert.All(got, d => new Verifier(secret).Verify(d.Body, d.Headers));
        foreach (var copies in got.GroupBy(d => d.Events[0].GetProperty("id").GetString()))
        {
            Assert.Single(copies.Select(d => d.Id).Distinct());
        }

        return got;
    }

    public Task RunAsync(IReadOnlyList<HttpClient> targets, int senders, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(() => SendAsync(targets, sender, stop), CancellationToken.None)));

    private async Task SendAsync(IReadOnlyList<HttpClient> targets, int sender, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var alive = targets.Where(t => !_gone.ContainsKey(t)).ToList();
            if (alive.Count == 0)
            {
                return;
            }

            var target = alive[n % alive.Count];
            var id = $"s-{sender}-{n}";
            try
            {
                using var message = WebhookMessage.For(StandardWebhooks.Source,
                    StandardWebhooks.Event("session.started", DateTimeOffset.UtcNow, new { provider = "acme", id }));
                using var answer = await target.SendAsync(message, CancellationToken.None);
                if (answer.StatusCode is HttpStatusCode.OK)
                {
                    Acknowledged.Add(id);
                }
            }
            catch (HttpRequestException)
            {
                _gone[target] = true; // the process is gone
            }
            catch (TaskCanceledException)
            {
                // Unanswered in time: not acknowledged, so nothing is owed.
            }
        }
    }

    private static HashSet<string> Delivered(IEnumerable<ReceivedDelivery> received) =>
        [.. received.Where(d => d.Answered is 200).Select(d => d.Events[0].GetProperty("data").GetProperty("id").GetString()!)];
}
