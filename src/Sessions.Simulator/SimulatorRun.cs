using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Sessions.Simulator.Sending;
using Sessions.Simulator.Traffic;
using Sessions.Simulator.Verification;

namespace Sessions.Simulator;

/// <summary>
/// One simulator run: plans the traffic (<see cref="TrafficGenerator"/>), delivers it through
/// <see cref="SimulatorOptions.Concurrency"/> senders at the configured rate, reports progress once a second, and with
/// <see cref="SimulatorOptions.Verify"/> compares the service's lists with the run's own expected state.
/// </summary>
public sealed class SimulatorRun(SimulatorOptions options, HttpClient http)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs to the end (or until <paramref name="cancellationToken"/> stops the sending) and says what happened.</summary>
    /// <exception cref="InvalidOperationException">The options are not usable (see <see cref="SimulatorOptions.Validate"/>).</exception>
    public async Task<SimulatorResult> RunAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (options.Validate() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var traffic = new TrafficOptions
        {
            Seed = options.Seed,
            RunId = options.RunId ?? Guid.NewGuid().ToString("N")[..6],
            Start = DateTimeOffset.UtcNow,
            Rate = options.Rate,
            Mix = options.Mix,
            Duplicates = options.Duplicates,
            Reorder = options.Reorder,
            ActiveScenarios = ActiveScenarios(),
            Secrets = options.Secrets,
        };
        var baseUrl = options.Url.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        var plan = new TrafficGenerator(traffic).Plan();
        if (options.PlannedEvents is { } events)
        {
            plan = plan.Take(events);
        }

        var tally = new DeliveryTally();
        var sender = new DeliverySender(http, baseUrl, options, tally);
        options.Progress?.WriteLine($"Run {traffic.IdPrefix}* against {baseUrl} (seed {traffic.Seed}, mix {traffic.Mix}, concurrency {options.Concurrency}, "
            + (options.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{options.Rate} deliveries/s)") : "unpaced)"));
        var stopwatch = Stopwatch.StartNew();
        using (var progressStop = new CancellationTokenSource())
        {
            var progress = options.Progress is { } writer ? ReportProgressAsync(writer, tally, stopwatch, progressStop.Token) : Task.CompletedTask;
            await DeliverAsync(plan, sender, stopwatch, cancellationToken);
            await progressStop.CancelAsync();
            await progress;
        }

        var elapsed = stopwatch.Elapsed;
        VerificationResult? verification = null;
        if (options.Verify && !cancellationToken.IsCancellationRequested)
        {
            verification = await new ApiVerifier(http, baseUrl, options.ApiKey!)
                .VerifyAsync(traffic.IdPrefix, traffic.Mix.Included, tally.Expected(), options.VerifyTimeout, cancellationToken);
        }

        return tally.Result(traffic.IdPrefix, options.MaxRetries, elapsed, verification);
    }

    /// <summary>
    /// Scenarios under way at once: about one per sixty deliveries of a short run (so most lifecycles complete), at
    /// least four and at most forty.
    /// </summary>
    private int ActiveScenarios()
    {
        var events = options.PlannedEvents ?? (options.Rate > 0 ? (int)Math.Min(int.MaxValue, options.Rate * options.Duration!.Value.TotalSeconds) : int.MaxValue);
        return Math.Clamp(events / 60, 4, 40);
    }

    /// <summary>Feeds the plan, paced, to the senders through a small buffer; stops at the duration or on cancellation.</summary>
    private async Task DeliverAsync(IEnumerable<PlannedDelivery> plan, DeliverySender sender, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<PlannedDelivery>(new BoundedChannelOptions(options.Concurrency * 2) { SingleWriter = true });
        var senders = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var delivery in queue.Reader.ReadAllAsync(CancellationToken.None))
            {
                await sender.SendAsync(delivery, cancellationToken);
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            foreach (var delivery in plan)
            {
                if ((options.Duration is { } duration && stopwatch.Elapsed >= duration) || options.StopSending.IsCancellationRequested)
                {
                    break;
                }

                // The clock is read once: read twice, the wait could turn negative between the test and the delay.
                var wait = delivery.At - stopwatch.Elapsed;
                if (options.Rate > 0 && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                await queue.Writer.WriteAsync(delivery, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the caller: what is in flight still finishes and is counted.
        }
        finally
        {
            queue.Writer.Complete();
        }

        await Task.WhenAll(senders);
    }

    private static async Task ReportProgressAsync(TextWriter writer, DeliveryTally tally, Stopwatch stopwatch, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        var (lastAcknowledged, lastAt) = (0, TimeSpan.Zero);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var (sent, acknowledged, rejected, failed, retries) = tally.Counters();
                var now = stopwatch.Elapsed;
                var rate = (acknowledged - lastAcknowledged) / (now - lastAt).TotalSeconds;
                (lastAcknowledged, lastAt) = (acknowledged, now);
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{now.TotalSeconds,5:0}s] sent {sent,7}  acknowledged {acknowledged,7}  rejected {rejected}  failed {failed}  retries {retries}  {rate,7:0.0}/s"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
