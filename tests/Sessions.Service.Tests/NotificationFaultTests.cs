using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Hosting;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>
/// Three silos on one throwaway PostgreSQL take signed webhooks while their notifications wait for a receiver that fails
/// every first attempt; a silo running one of the subscription's dispatchers is SIGKILLed with deliveries pending. Once
/// the two left have counted it out, every acknowledged change is delivered at least once, signed, a change delivered
/// twice with one webhook-id.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(FaultCollection.Name)]
public sealed class NotificationFaultTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string ApiKey = "notify-fault-key";
    private const int Silos = 3;
    private const int Senders = 6;

    /// <summary>What a dispatcher logs when a delivery's first attempt fails.</summary>
    private const string FailedFirstAttempt = "attempt 1 failed";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Traffic after the kill, past the membership timeout: changes acknowledged by the silos left, while they count the dead one out.</summary>
    private static readonly TimeSpan SendAfterKill = SiloCluster.MembershipTimeout + TimeSpan.FromSeconds(2);

    private static readonly string[] ActiveOnly = ["session.active"];

    [Fact]
    public async Task EveryAcknowledgedChangeIsDeliveredAfterASiloIsKilledWithDeliveriesPending()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var receiver = await NotificationReceiver.StartAsync();
        var settings = SiloCluster.Settings(await postgres.CreateDatabaseAsync(cancellationToken), ApiKey);
        foreach (var (key, value) in SessionStarts.ServiceSettings)
        {
            settings[key] = value;
        }

        // Until the kill every delivery's first attempt fails, so each one waits a retry: a backlog whatever the timing.
        var healthy = false;
        receiver.Respond = (_, before) => healthy || before > 0 ? (200, null) : (503, null);
        var traffic = new SessionStarts();
        await using var cluster = new SiloCluster();
        var silos = Enumerable.Range(0, Silos).Select(n => cluster.Start($"silo-{n + 1}", SiloCluster.WithPorts(settings))).ToArray();
        await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(StartTimeout, cancellationToken)));
        silos[0].Http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        var secret = await SessionStarts.SubscribeAsync(silos[0].Http, new { name = "fault", url = receiver.Url("/fault"), category = "session", events = ActiveOnly });
        using var stop = new CancellationTokenSource();
        var senders = traffic.RunAsync([.. silos.Select(s => s.Http)], Senders, stop.Token);

        await receiver.WaitForAsync("/fault", r => r.Count >= 60, seconds: 60);

        // The silo killed is one where a dispatcher of the subscription runs: its log has the failed first attempts.
        var victim = silos.First(s => s.Output.Contains(FailedFirstAttempt, StringComparison.Ordinal));
        var pending = receiver.At("/fault").GroupBy(d => d.Id).Count(g => g.All(d => d.Answered != 200));
        await victim.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        await Task.Delay(SendAfterKill, cancellationToken);
        await stop.CancelAsync();
        await senders;
        var acknowledged = traffic.Acknowledged.Count;
        healthy = true;

        output.WriteLine($"{pending} deliveries unanswered with 200 at the kill; {acknowledged} changes acknowledged");
        Assert.True(pending > 0, "no delivery was pending at the kill");
        var got = await traffic.AssertAllDeliveredAsync(receiver, "/fault", secret, seconds: 60);
        output.WriteLine($"{got.Count} requests, the last {(got[^1].At - killedAt).TotalSeconds:0.0} s after the kill");
        Assert.False(silos.Any(s => s != victim && s.HasExited), cluster.Tails());
    }
}
