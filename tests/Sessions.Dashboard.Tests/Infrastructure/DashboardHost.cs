using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Service.Queries;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Dashboard.Tests.Infrastructure;

/// <summary>
/// The real service on real Kestrel at a loopback port (a browser needs a socket, TestServer has none), with every
/// fixture source configured with the test secrets, one API key, a SQLite file and a one-second fleet sample.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    public const string ApiKey = "dashboard-test-key-0123456789";

    private readonly SessionsApiFactory _factory;
    private bool _disposed;

    private DashboardHost(SessionsApiFactory factory, HttpClient client, Uri address)
    {
        _factory = factory;
        Client = client;
        Address = address;
    }

    /// <summary>Where the browser goes: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address { get; }

    /// <summary>A client of the same server, for webhooks.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the service on <paramref name="port"/> over the SQLite file of <paramref name="sqliteConnectionString"/>.</summary>
    public static DashboardHost Start(string sqliteConnectionString, int port)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = sqliteConnectionString,
            ["Api:Keys:0"] = ApiKey,
            ["Dashboard:FleetSampleInterval"] = "00:00:01",
            // The demo fleet reported up to an hour ago and stays healthy; the fixtures' 2024 muxer is silent even so.
            ["Fleet:SilentAfter"] = "1.00:00:00",
            // The service's own tests cover its logs; here they would only bury a browser failure.
            ["Logging:LogLevel:Default"] = "Warning",
            // GET /api/stream ends only when its client goes away, so an open dashboard holds a graceful stop for the
            // whole shutdown timeout (30 s by default); the restart test stops the service with a page open.
            ["shutdownTimeoutSeconds"] = "2",
            // The notifications page's receiver listens on loopback; a failing delivery gives up after one retry.
            ["Notifications:AllowPrivateTargets"] = "true",
            ["Notifications:RetrySchedule"] = "1s",
        };
        foreach (var kind in TestSources.Kinds)
        {
            SourceSettings.Add(settings, kind, TestSources.For(kind));
        }

        // UseKestrel on the factory itself: on a WithWebHostBuilder copy the port is ignored (feasibility P8).
        var factory = new SessionsApiFactory(settings);
        try
        {
            factory.UseKestrel(port);
            factory.StartServer();
            var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            var client = factory.CreateClient();
            client.BaseAddress = address;
            return new DashboardHost(factory, client, address);
        }
        catch
        {
            factory.Dispose();
            throw;
        }
    }

    /// <summary>POSTs a webhook the way its provider would and fails the test unless the service answers 200.</summary>
    public async Task PostAsync(string source, WebhookRequest request)
    {
        using var message = WebhookMessage.For(source, request);
        using var response = await Client.SendAsync(message, TestContext.Current.CancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"POST /webhooks/{source}: expected 200, got {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>Stores fleet-health samples as if the service had taken them: older history, before a stretch it was not running.</summary>
    public async Task AddFleetSamplesAsync(IEnumerable<FleetSample> samples)
    {
        var store = _factory.Services.GetRequiredService<IFleetHistoryStore>();
        foreach (var sample in samples)
        {
            await store.AddAsync(sample, DateTimeOffset.UtcNow.AddDays(-1), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until the service has taken a fleet-health sample that <paramref name="taken"/> accepts.</summary>
    public Task WaitForFleetSampleAsync(Func<FleetSample, bool> taken)
    {
        var history = _factory.Services.GetRequiredService<FleetHistory>();
        return WaitForSampleAsync(
            async () => Latest(await history.ReadAsync(DateTimeOffset.UtcNow.AddMinutes(-1), null, TestContext.Current.CancellationToken)),
            taken);
    }

    /// <summary>Waits until the service has taken an activity sample (<c>GET /api/overview/history</c>) that <paramref name="taken"/> accepts.</summary>
    public Task WaitForActivitySampleAsync(Func<ActivitySample, bool> taken)
    {
        var history = _factory.Services.GetRequiredService<ActivityHistory>();
        return WaitForSampleAsync(() => Task.FromResult(Latest(history.Samples)), taken);
    }

    private static T? Latest<T>(IReadOnlyList<T> samples)
        where T : class => samples.Count > 0 ? samples[^1] : null;

    /// <summary>
    /// Polls the latest sample until <paramref name="taken"/> accepts it (the samplers run once a second here, and what
    /// they count follows the events through the index); fails the test after 30 s. A page draws its charts from the
    /// history it loads, so a test waits here before it opens one.
    /// </summary>
    private static async Task WaitForSampleAsync<T>(Func<Task<T?>> latest, Func<T, bool> taken)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var sample = await latest();
            if (sample is not null && taken(sample))
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"no such sample in 30 s; the latest: {sample?.ToString() ?? "none"}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Dispose();
        try
        {
            await _factory.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // With a dashboard connected, Kestrel's graceful drain waits on GET /api/stream (which ignores
            // ApplicationStopping) for the whole shutdown timeout, and the silo's stop then gets a cancelled token:
            // the service stopped, but not gracefully, as after a crash. Release what the cut-short stop left.
            _factory.Dispose();
        }
    }
}
