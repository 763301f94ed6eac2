using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Indexing;
using Sessions.Service.Endpoints;
using Sessions.Service.Hosting;
using Sessions.Testing;
using Sessions.Testing.Postgres;

namespace Sessions.Capacity;

/// <summary>
/// One run: the service in-process on PostgreSQL; a warm-up wave; then waves of entities, each filed in the index,
/// measured while active, deactivated and measured idle; then the figures, checked against the service's own counts.
/// </summary>
internal sealed class CapacityRun(CapacityOptions options, TextWriter output)
{
    /// <summary>How long an activation must have been idle for the forced collection to take it.</summary>
    private static readonly TimeSpan IdleAge = TimeSpan.FromSeconds(2);

    /// <summary>How often the shards are asked for their counts while entities are collected, well within <see cref="IdleAge"/>.</summary>
    private static readonly TimeSpan ShardPing = TimeSpan.FromMilliseconds(100);

    /// <summary>The throwaway server's settings: durability traded for load speed, since this measures memory (printed with the figures).</summary>
    private const string DurabilityOff = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IndexTimeout = TimeSpan.FromMinutes(15);

    private readonly Stopwatch _clock = new();
    private long _loaded;
    private long _events;

    /// <summary>Runs the benchmark and prints the figures; false when the service does not count what was loaded.</summary>
    public async Task<bool> RunAsync()
    {
        _clock.Start();
        await using var postgres = options.Connection is null ? await StartPostgresAsync() : null;
        var connection = options.Connection
            ?? await postgres!.CreateDatabaseAsync("sessions", "Pooling=true;Maximum Pool Size=200;Timeout=15", CancellationToken.None);
        Print(postgres is null
            ? "storage: the PostgreSQL database given by --connection"
            : $"storage: throwaway PostgreSQL {postgres.Version} on 127.0.0.1:{postgres.Port}, started with {DurabilityOff} " +
              "(this measures memory, not durability)");

        // The content root is a temp folder, so nothing the service writes relative to it lands in the working tree.
        var contentRoot = Directory.CreateTempSubdirectory("sessions-capacity-");
        try
        {
            var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var run = $"capacity-{Guid.NewGuid():N}"[..21];
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot.FullName });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Mode"] = "postgres",
                ["Storage:ConnectionString"] = connection,

                // A cluster and service of its own: rows an existing database holds from other runs are not this run's.
                ["Orleans:ClusterId"] = run,
                ["Orleans:ServiceId"] = run,
                ["Orleans:SiloPort"] = $"{FreePort.Next()}",
                ["Orleans:GatewayPort"] = $"{FreePort.Next()}",
                ["Urls"] = url.ToString(),
                ["Api:Keys:0"] = apiKey,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            builder.AddSessions();
            await using var app = builder.Build();
            app.MapSessions();
            await app.StartAsync();
            try
            {
                return await MeasureAsync(app, url, apiKey);
            }
            finally
            {
                await app.StopAsync();
            }
        }
        finally
        {
            contentRoot.Delete(recursive: true);
        }
    }

    private static Task<LocalPostgres> StartPostgresAsync() =>
        LocalPostgres.StartAsync(
            LocalPostgres.FindBinaries() ?? throw new InvalidOperationException(LocalPostgres.InstallHint + ", or pass --connection with an existing database."),
            $"-c max_connections=300 -c shared_buffers=512MB {DurabilityOff}",
            CancellationToken.None);

    private async Task<bool> MeasureAsync(WebApplication app, Uri url, string apiKey)
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var index = new IndexProbe(grains);
        var origin = DateTimeOffset.UtcNow.AddDays(-1);

        // Ctrl+C stops the host; the load stops with it rather than calling into a silo that is shutting down.
        var stopping = app.Lifetime.ApplicationStopping;
        Print($"{options.Entities:N0} entities (servers, sessions, recordings, livestreams in turn), {options.WarmUp:N0} of them " +
              $"a warm-up, then waves of {options.Wave:N0} with {options.Concurrency} loading at once; server GC: {GCSettings.IsServerGC}");

        await index.TotalAsync();
        var empty = MemoryReading.Take();
        Print($"service up, {IndexProbe.Kinds.Length * IndexShards.Count} index shards active, nothing loaded: {Show(empty)}");

        using var stopProgress = new CancellationTokenSource();
        var progress = ReportProgressAsync(stopProgress.Token);
        await LoadAsync(grains, 0, options.WarmUp, origin, stopping);
        await WaitForIndexAsync(index, options.WarmUp, stopping);
        await DeactivateEntitiesAsync(index, grains);
        var baseline = MemoryReading.Take();
        var warmUpEvents = Interlocked.Read(ref _events);
        Print($"baseline, {options.WarmUp:N0} warm-up entities idle: {Show(baseline)}");

        var loading = TimeSpan.Zero;
        var (activeGrowth, activeLoaded, activationBytes, activations) = (0L, 0L, 0L, 0L);
        var idle = baseline;
        var wave = 0;
        for (var from = options.WarmUp; from < options.Entities; from += options.Wave)
        {
            var to = Math.Min(from + options.Wave, options.Entities);
            var watch = Stopwatch.StartNew();
            await LoadAsync(grains, from, to, origin, stopping);
            var called = watch.Elapsed;
            await WaitForIndexAsync(index, to, stopping);
            loading += watch.Elapsed;
            var activeNow = await index.EntityActivationsAsync();
            var active = MemoryReading.Take();
            await DeactivateEntitiesAsync(index, grains);
            var settled = MemoryReading.Take();
            Print($"wave {++wave}: {to - from:N0} entities in {called.TotalSeconds:N1} s ({(to - from) / called.TotalSeconds:N0}/s), " +
                  $"filed {(watch.Elapsed - called).TotalSeconds:N1} s later; {to:N0} tracked");
            Print($"  active ({activeNow:N0} entity activations): {Show(active)}, {PerEntity(active.Heap - idle.Heap, to - from)} per entity of the wave, " +
                  $"{PerEntity(active.Heap - settled.Heap, activeNow)} per activation");
            Print($"  idle: {Show(settled)}, {PerEntity(settled.Heap - baseline.Heap, to - options.WarmUp)} per idle entity since the baseline");
            (activeGrowth, activeLoaded) = (activeGrowth + active.Heap - idle.Heap, activeLoaded + to - from);
            (activationBytes, activations) = (activationBytes + active.Heap - settled.Heap, activations + activeNow);
            idle = settled;
        }

        await stopProgress.CancelAsync();
        await progress;
        var counts = await index.CountAsync();
        using var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var overview = await http.GetFromJsonAsync<Overview>("/api/overview", JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("GET /api/overview answered null");
        var served = overview.Servers.Total + overview.Sessions.Total + overview.Recordings.Total + overview.Livestreams.Total;
        var loaded = options.Entities - options.WarmUp;

        Print("");
        var byKind = counts.Select(c => $"{c.Key.ToString().ToLowerInvariant()}s {c.Value.Total:N0}");
        Print($"index shards:  {string.Join(", ", byKind)} = {counts.Values.Sum(c => c.Total):N0}");
        Print($"/api/overview: servers {overview.Servers.Total:N0}, sessions {overview.Sessions.Total:N0}, recordings {overview.Recordings.Total:N0}, " +
              $"livestreams {overview.Livestreams.Total:N0} = {served:N0}");
        Print($"heap before loading     {empty.Heap,15:N0} B   RSS {Mib(empty.Rss)}");
        Print($"heap at the baseline    {baseline.Heap,15:N0} B   RSS {Mib(baseline.Rss)}   ({options.WarmUp:N0} warm-up entities idle)");
        Print($"heap after, all idle    {idle.Heap,15:N0} B   RSS {Mib(idle.Rss)}");
        Print($"per idle entity         {PerEntity(idle.Heap - baseline.Heap, loaded)} over the {loaded:N0} loaded after the baseline; " +
              $"{PerEntity(idle.Heap - empty.Heap, options.Entities)} over all {options.Entities:N0} from before loading (target: 2,048 B)");
        Print($"RSS per idle entity     {PerEntity(idle.Rss - baseline.Rss, loaded)}");
        Print($"per active entity       {PerEntity(activeGrowth, activeLoaded)} while its wave was active " +
              "(index entry and, unless it finished, its activation); " +
              $"{PerEntity(activationBytes, activations)} per activation on top of the idle entry");
        Print($"load                    {loaded:N0} entities, {Interlocked.Read(ref _events) - warmUpEvents:N0} events " +
              $"in {loading.TotalSeconds:N0} s, filing included: {loaded / loading.TotalSeconds:N0} entities/s");
        Print($"elapsed                 {_clock.Elapsed:hh\\:mm\\:ss}");

        var total = counts.Values.Sum(c => c.Total);
        var matched = total == options.Entities && served == options.Entities;
        if (!matched)
        {
            Print($"MISMATCH: {options.Entities:N0} entities loaded, the index holds {total:N0} and /api/overview counts {served:N0}");
        }

        if (options.QuerySeconds > 0)
        {
            await MeasureQueriesAsync(grains, http, origin, stopping);
        }

        if (options.Hold)
        {
            Print($"holding the measured state; process {Environment.ProcessId} (e.g. dotnet-gcdump collect -p {Environment.ProcessId}); Ctrl+C ends");
            await app.WaitForShutdownAsync();
        }

        return matched;
    }

    /// <summary>
    /// Times the read API (<see cref="QueryProbe.Paths"/>, one request at a time over HTTP) while new entities arrive
    /// through their grains at <see cref="CapacityOptions.QueryLoad"/> a second, numbered on from the loaded ones.
    /// </summary>
    private async Task MeasureQueriesAsync(IGrainFactory grains, HttpClient http, DateTimeOffset origin, CancellationToken stopping)
    {
        var eventsBefore = Interlocked.Read(ref _events);
        var probe = new QueryProbe(http);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        window.CancelAfter(TimeSpan.FromSeconds(options.QuerySeconds));
        var reads = probe.RunAsync(window.Token);

        // Ten batches a second; each batch's entities load with up to --concurrency in flight, batches overlapping.
        var perTick = Math.Max(1, options.QueryLoad / 10);
        var next = options.Entities;
        var loads = new List<Task>();
        var watch = Stopwatch.StartNew();
        using (var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
        {
            while (await ticks.WaitForNextTickAsync(CancellationToken.None) && !window.IsCancellationRequested)
            {
                loads.Add(LoadAsync(grains, next, next + perTick, origin, stopping));
                next += perTick;
            }
        }

        await Task.WhenAll(loads);
        await reads;
        var events = Interlocked.Read(ref _events) - eventsBefore;
        Print($"read API over HTTP for {options.QuerySeconds} s with {options.Entities:N0} entities tracked, while {next - options.Entities:N0} more arrived " +
              $"({events / watch.Elapsed.TotalSeconds:N0} events/s through the grains):");
        foreach (var line in probe.Report())
        {
            Print("  " + line);
        }
    }

    private async Task LoadAsync(IGrainFactory grains, int from, int to, DateTimeOffset origin, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), parallel, async (n, _) =>
        {
            foreach (var evt in Fleet.Events(n, origin))
            {
                var outcome = await grains.Get(evt.Kind, evt.Provider, evt.EntityId).ApplyAsync(evt);
                if (outcome is not TransitionOutcome.Applied)
                {
                    throw new InvalidOperationException($"{evt.Kind} {evt.Provider}/{evt.EntityId}: {evt.Type} was {outcome}, not applied");
                }

                Interlocked.Increment(ref _events);
            }

            Interlocked.Increment(ref _loaded);
        });
    }

    /// <summary>Waits until the shards, which hear of entities one-way, hold <paramref name="expected"/> entries.</summary>
    private static async Task WaitForIndexAsync(IndexProbe index, int expected, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (await index.TotalAsync() is var total && total != expected)
        {
            if (total > expected || watch.Elapsed > IndexTimeout)
            {
                throw new InvalidOperationException($"the index shards hold {total:N0} entries after {watch.Elapsed.TotalSeconds:N0} s; {expected:N0} expected");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>
    /// Deactivates every entity grain, leaving the index shards active. The forced collection takes whatever has been idle
    /// for <see cref="IdleAge"/>: the entities have been since their last event, and the shards are asked for their counts
    /// meanwhile so they never are (a collected shard would, on its return, ask the entities written since its last save
    /// to file again).
    /// </summary>
    private async Task DeactivateEntitiesAsync(IndexProbe index, IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        for (var attempt = 1; ; attempt++)
        {
            using var stop = new CancellationTokenSource();
            var pings = PingShardsAsync(index, stop.Token);
            await Task.Delay(IdleAge + ShardPing);
            await management.ForceActivationCollection(IdleAge);
            await stop.CancelAsync();
            await pings;
            var left = await index.EntityActivationsAsync();
            if (left == 0)
            {
                return;
            }

            if (attempt == 3)
            {
                Print($"  warning: {left:N0} entity activations still active after {attempt} forced collections; the next figures include them");
                return;
            }
        }
    }

    private static async Task PingShardsAsync(IndexProbe index, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await index.CountAsync();
            await Task.Delay(ShardPing, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        var (lastLoaded, lastEvents, lastAt) = (0L, 0L, _clock.Elapsed);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var (loaded, events, at) = (Interlocked.Read(ref _loaded), Interlocked.Read(ref _events), _clock.Elapsed);
                if (loaded != lastLoaded)
                {
                    var seconds = (at - lastAt).TotalSeconds;
                    Print($"  {loaded:N0} / {options.Entities:N0} loaded, {(loaded - lastLoaded) / seconds:N0} entities/s " +
                          $"({(events - lastEvents) / seconds:N0} events/s); heap {Mib(GC.GetTotalMemory(false))}, RSS {Mib(MemoryReading.ResidentSet())}");
                }

                (lastLoaded, lastEvents, lastAt) = (loaded, events, at);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The waves are done.
        }
    }

    private void Print(string line)
    {
        lock (output)
        {
            output.WriteLine(line.Length == 0 ? line : $"[{_clock.Elapsed:hh\\:mm\\:ss}] {line}");
        }
    }

    private static string Show(MemoryReading reading) => $"heap {Mib(reading.Heap)}, RSS {Mib(reading.Rss)}";

    private static string Mib(long bytes) => $"{bytes / 1048576.0:N1} MiB";

    private static string PerEntity(long bytes, long entities) => entities == 0 ? "n/a" : $"{(double)bytes / entities:N0} B";
}
