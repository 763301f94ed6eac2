using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Simulator;
using Sessions.Simulator.Sending;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Postgres;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// Three silos and a front-end on one throwaway PostgreSQL take a steady stream of signed webhooks while one silo is
/// killed with SIGKILL and later restarted: nothing acknowledged is lost, the only failed attempts are 5xx that a
/// provider retries, and the cluster serves again within the membership timeout.
/// </summary>
[Trait("Category", "Postgres")]
[Collection(FaultCollection.Name)]
public sealed class FaultToleranceTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncDisposable
{
    private const string ApiKey = "fault-test-key";
    private const int Silos = 3;

    /// <summary>Every attempt sent later than this after the kill must succeed, and the cluster must count the silo out within it.</summary>
    private static readonly TimeSpan MembershipTimeout = SiloCluster.MembershipTimeout;

    /// <summary>The front-end's grain call timeout (the service's default): a call in flight to the killed silo ends then, as a 503.</summary>
    private static readonly TimeSpan ClientResponseTimeout = Sessions.Service.Hosting.OrleansHosting.ClientResponseTimeout;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // The stream: 60 deliveries/s; the kill 8 s in, the restart 8 s after it, and 5 s more of traffic once the restarted
    // silo has rejoined (however long its start takes on a busy machine), within a cap of three minutes.
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan AfterRejoin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StreamCap = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RejoinTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A provider's own patience; a request left unanswered that long counts as a transport failure.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly SiloCluster _cluster = new();

    [Fact]
    public async Task AKilledSiloLosesNoAcknowledgedEventAndTheClusterServesAgainWithinTheMembershipTimeout()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var settings = await ClusterSettingsAsync(cancellationToken);
        var silos = Enumerable.Range(0, Silos).Select(_ => SiloCluster.WithPorts(settings)).ToArray();
        var started = silos.Select((s, i) => _cluster.Start($"silo-{i + 1}", s)).ToArray();
        await Task.WhenAll(started.Select(s => s.WaitReadyAsync(StartTimeout, cancellationToken)));
        var frontend = _cluster.Start("frontend", SiloCluster.WithPorts(new Dictionary<string, string>(settings) { ["Role"] = "frontend" }));
        await frontend.WaitReadyAsync(StartTimeout, cancellationToken);
        await WaitForActiveSilosAsync(frontend, Silos, RejoinTimeout, cancellationToken);

        // Through the front-end, an Orleans client: its calls spread the entities over the three silos, where a silo
        // taking the webhooks itself would host them all (local placement).
        var attempts = new ConcurrentQueue<DeliveryAttempt>();
        using var stopSending = new CancellationTokenSource();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16 };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new SimulatorOptions
        {
            Url = frontend.Http.BaseAddress!,
            Rate = 60,
            Duration = StreamCap,
            StopSending = stopSending.Token,
            Concurrency = 8,
            Seed = 11,
            RunId = "fault",
            MaxRetries = 10,
            RetryDelay = TimeSpan.FromMilliseconds(200),
            RequestTimeout = RequestTimeout,
            ApiKey = ApiKey,
            Verify = true,
            VerifyTimeout = TimeSpan.FromSeconds(15),
            Attempted = attempts.Enqueue,
        };
        var run = Task.Run(() => new SimulatorRun(options, http).RunAsync(cancellationToken), cancellationToken);

        await Task.Delay(KillAfter, cancellationToken);
        var killedAt = DateTimeOffset.UtcNow;
        await started[1].KillAsync();
        var countedOutAt = await WaitForActiveSilosAsync(frontend, Silos - 1, RejoinTimeout, cancellationToken);

        var untilRestart = killedAt + RestartAfter - DateTimeOffset.UtcNow;
        await Task.Delay(untilRestart > TimeSpan.Zero ? untilRestart : TimeSpan.Zero, cancellationToken);
        var restartedAt = DateTimeOffset.UtcNow;
        await RestartAsync(silos[1], cancellationToken);
        var rejoinedAt = await WaitForActiveSilosAsync(frontend, Silos, RejoinTimeout, cancellationToken);
        await Task.Delay(AfterRejoin, cancellationToken);
        await stopSending.CancelAsync();
        var result = await run;

        using var summary = new StringWriter(CultureInfo.InvariantCulture);
        SummaryWriter.Write(summary, result);
        var failures = attempts.Where(a => !a.Acknowledged).OrderBy(a => a.At).ToList();
        var lastFailure = failures.Count > 0 ? failures[^1].At - killedAt : TimeSpan.Zero;
        var timing = string.Create(CultureInfo.InvariantCulture,
            $"membership timeout {MembershipTimeout.TotalSeconds:0.#} s; silo counted out {(countedOutAt - killedAt).TotalSeconds:0.0} s after the kill; "
            + $"{failures.Count} failed attempt(s), last {lastFailure.TotalSeconds:0.0} s after the kill; "
            + $"restarted {(restartedAt - killedAt).TotalSeconds:0.0} s after the kill, rejoined {(rejoinedAt - restartedAt).TotalSeconds:0.0} s later");
        output.WriteLine(timing);
        output.WriteLine(summary.ToString());

        var verification = result.Verification!;
        var problems = new List<string>();
        void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }

        // Zero lost: each entity an acknowledged delivery names is in the expected status with every acknowledged event.
        Expect(verification.EntitiesChecked > 0, $"the entities could not be read back: {verification.Error}");
        Expect(verification.EntityMismatches.Count == 0, $"{verification.EntityMismatches.Count} entities lack acknowledged events (see the summary)");

        // Every delivery acknowledged in the end; what failed on the way was a 5xx, which a provider retries.
        Expect(result.Rejected == 0 && result.Failed == 0, $"{result.Rejected} deliveries rejected and {result.Failed} failed after every retry");
        Expect(failures.All(a => a.Status is >= 500 and < 600), "a failed attempt was not a 5xx (a 4xx, or no answer in time)");

        // Served again within the membership timeout: every failed attempt answered between the kill and that bound,
        // the silo counted out within it, and deliveries acknowledged after it (before the restart) and after the rejoin.
        // A call the front-end had already sent to the killed silo is answered when the client's response timeout ends.
        // Attempts that failed before the kill are a cold cluster on a busy machine timing out its first calls (the
        // front-end's response timeout); the provider retries them like any other 503 and the zero-loss check covers them.
        var sinceKill = failures.Where(a => a.At >= killedAt).ToList();
        Expect(sinceKill.All(a => a.At - a.Elapsed <= killedAt + MembershipTimeout), "an attempt sent after the membership timeout failed");
        Expect(sinceKill.All(a => a.At - killedAt <= MembershipTimeout + ClientResponseTimeout),
            "a failed attempt was answered later than the membership timeout plus the front-end's response timeout after the kill");
        Expect(countedOutAt - killedAt <= MembershipTimeout, "the front-end counted the killed silo out later than the membership timeout");
        Expect(attempts.Any(a => a.Acknowledged && a.At > killedAt + MembershipTimeout && a.At < restartedAt), "nothing was acknowledged between the kill and the restart");
        Expect(attempts.Any(a => a.Acknowledged && a.At > rejoinedAt), "nothing was acknowledged after the restarted silo rejoined");
        Expect(!frontend.HasExited, "the front-end exited");

        // The lists and counts are filed behind the entities; a kill must not leave them wrong either.
        Expect(verification.Error is null && verification.ListsMatched, "the lists do not count what the entities hold (see the summary)");
        Assert.True(problems.Count == 0, $"{string.Join('\n', problems)}\n\n{timing}\n{summary}\nfailed attempts:\n{Describe(failures, killedAt)}\n{_cluster.Tails()}");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private async Task<Dictionary<string, string>> ClusterSettingsAsync(CancellationToken cancellationToken)
    {
        var settings = SiloCluster.Settings(await postgres.CreateDatabaseAsync(cancellationToken), ApiKey);
        foreach (var (key, value) in SimulatedSources.Settings())
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }

        return settings;
    }

    /// <summary>
    /// Starts the killed silo again as its supervisor would: on a busy machine the others can declare a starting silo dead
    /// when its first probes miss their one-second timeout, and it then stops itself; it is started again, three times
    /// at most, and each start that failed is written to the test's output.
    /// </summary>
    private async Task RestartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var restarted = _cluster.Start($"silo-2 restart {attempt}", settings);
            try
            {
                await restarted.WaitReadyAsync(StartTimeout, cancellationToken);
                return;
            }
            catch (Exception ex) when (restarted.HasExited && attempt < 3)
            {
                output.WriteLine($"restart {attempt} stopped before it was ready: {ex.Message.Split('\n')[0]}");
            }
        }
    }

    /// <summary>Asks the front-end's readiness until it reports <paramref name="count"/> active silos, and says when it did.</summary>
    private async Task<DateTimeOffset> WaitForActiveSilosAsync(ServiceProcess frontend, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var expected = $"{count} active silo(s)";
        var deadline = DateTimeOffset.UtcNow + timeout;
        var last = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var response = await frontend.Http.GetAsync("/health/ready", cancellationToken);
            var health = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            last = health.GetProperty("checks").GetProperty("cluster").GetProperty("description").GetString() ?? "";
            if (last == expected)
            {
                return DateTimeOffset.UtcNow;
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"the front-end did not report {expected} within {timeout}; last '{last}'\n{_cluster.Tails()}");
        return default;
    }

    /// <summary>Each failed attempt: when it was sent and answered (seconds after the kill), its answer, and what it carried.</summary>
    private static string Describe(IReadOnlyList<DeliveryAttempt> failures, DateTimeOffset killedAt) =>
        string.Join('\n', failures.Select(a => string.Create(CultureInfo.InvariantCulture,
            $"  sent {(a.At - a.Elapsed - killedAt).TotalSeconds,6:0.00} s, answered {(a.At - killedAt).TotalSeconds,6:0.00} s: "
            + $"{(a.Status == 0 ? "transport" : a.Status)} {a.Delivery.Event.Source} {a.Delivery.Event.Type} (attempt {a.Attempt}): {a.Detail}")));
}

/// <summary>
/// The fault test runs alone, after the assembly's other tests: its one-second membership probes are meant to measure
/// a kill, not the CPU the other tests of a two-core machine take.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "fault tolerance";
}
