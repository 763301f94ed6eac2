using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Service.Queries;
using Sessions.Service.Storage;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Postgres;

namespace Sessions.Service.Tests;

/// <summary>
/// <c>GET /api/fleet/history</c> as an operator relies on it: the samples outlive a restart, the time the tracker was
/// down is marked as a gap, <c>from</c>/<c>to</c> select, and one sample per time is kept however many silos sample.
/// </summary>
public sealed class FleetHistoryTests(PostgresServer postgres)
{
    private const string ApiKey = "fleet-history-test-key";
    private const int IntervalMs = 200;
    private static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2026-11-30T12:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task HistoryOutlivesARestartWithTheDowntimeMarkedAsAGapAndFromToSelect()
    {
        using var folder = new TempDirectory("fleet-history");
        List<DateTimeOffset> before;
        await using (var first = Service(folder))
        {
            using var client = Client(first);
            before = Times(await ApiPolling.EventuallyAsync(client, "/api/fleet/history", h => h.GetArrayLength() >= 3));
        }

        // Down for longer than two sample intervals, which is what makes a gap (a faster restart is not one; the second
        // host of this process can start within that).
        var stopped = await LastStoredAsync(folder);
        var down = stopped.AddMilliseconds(3 * IntervalMs) - DateTimeOffset.UtcNow;
        if (down > TimeSpan.Zero)
        {
            await Task.Delay(down, TestContext.Current.CancellationToken);
        }

        await using var second = Service(folder);
        using var again = Client(second);
        var history = await ApiPolling.EventuallyAsync(again, "/api/fleet/history", h => Times(h).Any(t => t > stopped));

        // Every sample of the first run is still there, and the first one after it says the tracker was not running.
        Assert.Superset(before.ToHashSet(), Times(history).ToHashSet());
        var resumed = history.EnumerateArray().First(s => At(s) > stopped);
        var gap = resumed.GetProperty("gapBefore");
        Assert.Equal((stopped, At(resumed)), (Time(gap, "from"), Time(gap, "to")));

        // from/to select; a window that starts inside the gap still shows it.
        var window = await GetAsync(again, $"/api/fleet/history?from={Query(before[1])}&to={Query(before[^1])}");
        Assert.Equal(before[1..], Times(window));
        var fromInsideGap = await GetAsync(again, $"/api/fleet/history?from={Query(stopped.AddMilliseconds(1))}&to={Query(At(resumed))}");
        Assert.Equal([At(resumed)], Times(fromInsideGap));
        Assert.Equal(stopped, Time(fromInsideGap[0].GetProperty("gapBefore"), "from"));
    }

    [Theory]
    [InlineData("from=abc", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=2026-12-02T10:00:00Z&to=2026-12-02T09:00:00Z", "later than to")]
    public async Task MalformedOrInvertedTimesAreAProblemNamingTheParameter(string query, string named)
    {
        using var folder = new TempDirectory("fleet-history-bad");
        await using var service = Service(folder);
        using var client = Client(service);

        using var response = await client.GetAsync($"/api/fleet/history?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryKeepsTheFirstSampleOfATimeAndTrimsThePast() =>
        await AssertKeepsTheFirstSampleOfATimeAndTrimsThePastAsync(new InMemoryFleetHistoryStore());

    [Fact]
    public async Task SqliteKeepsTheFirstSampleOfATimeAndTrimsThePast()
    {
        using var folder = new TempDirectory("fleet-history-store");
        await using var dataSource = await MigratedAsync("sqlite", folder.SqliteConnectionString);
        await AssertKeepsTheFirstSampleOfATimeAndTrimsThePastAsync(Store(dataSource, "sqlite", folder.SqliteConnectionString));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresKeepsTheFirstSampleOfATimeAndTrimsThePast()
    {
        var connectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using var dataSource = await MigratedAsync("postgres", connectionString);
        await AssertKeepsTheFirstSampleOfATimeAndTrimsThePastAsync(Store(dataSource, "postgres", connectionString));
    }

    private static async Task AssertKeepsTheFirstSampleOfATimeAndTrimsThePastAsync(IFleetHistoryStore store)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await store.AddAsync(new FleetSample(Noon, 5, 0, 0, 0), Noon.AddHours(-24), cancellationToken);
        await store.AddAsync(new FleetSample(Noon, 4, 1, 0, 0), Noon.AddHours(-24), cancellationToken);   // another silo, same time
        await store.AddAsync(new FleetSample(Noon.AddSeconds(30), 3, 1, 1, 0), Noon.AddHours(-24), cancellationToken);
        Assert.Equal([new(Noon, 5, 0, 0, 0), new(Noon.AddSeconds(30), 3, 1, 1, 0)], await store.ReadAsync(Noon, Noon.AddHours(1), cancellationToken));
        Assert.Equal([new(Noon, 5, 0, 0, 0), new(Noon.AddSeconds(30), 3, 1, 1, 0)], await store.ReadAsync(Noon.AddSeconds(1), Noon.AddHours(1), cancellationToken));

        await store.AddAsync(new FleetSample(Noon.AddHours(24).AddSeconds(15), 2, 0, 0, 3), Noon.AddSeconds(15), cancellationToken);
        Assert.Equal(
            [new(Noon.AddSeconds(30), 3, 1, 1, 0), new(Noon.AddHours(24).AddSeconds(15), 2, 0, 0, 3)],
            await store.ReadAsync(Noon.AddHours(-1), Noon.AddHours(25), cancellationToken));
    }

    private static async Task<DbDataSource> MigratedAsync(string mode, string connectionString)
    {
        var settings = StorageSettings.Of(mode, connectionString).Value.Storage;
        var dataSource = StorageDataSource.Create(settings.StorageMode, settings.EffectiveConnectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        return dataSource;
    }

    private static AdoNetFleetHistoryStore Store(DbDataSource dataSource, string mode, string connectionString)
    {
        var settings = StorageSettings.Of(mode, connectionString);
        return new(dataSource, settings, new StorageWriteGate(settings, new StorageWriteHealth(settings, TimeProvider.System)));
    }

    private static SessionsApiFactory Service(TempDirectory folder) => new(new Dictionary<string, string?>
    {
        ["Storage:Mode"] = "sqlite",
        ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        ["Api:Keys:0"] = ApiKey,
        ["Dashboard:FleetSampleInterval"] = TimeSpan.FromMilliseconds(IntervalMs).ToString("c", CultureInfo.InvariantCulture),
    });

    private static HttpClient Client(SessionsApiFactory service)
    {
        var client = service.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>The time of the last sample stored, read from the database itself.</summary>
    private static async Task<DateTimeOffset> LastStoredAsync(TempDirectory folder)
    {
        await using var connection = new SqliteConnection(folder.SqliteConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(AtMs) FROM FleetHistory";
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    private static string Query(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    private static List<DateTimeOffset> Times(JsonElement history) => [.. history.EnumerateArray().Select(At)];

    private static DateTimeOffset At(JsonElement sample) => Time(sample, "at");

    private static DateTimeOffset Time(JsonElement element, string property) => element.GetProperty(property).GetDateTimeOffset();

    private static async Task<JsonElement> GetAsync(HttpClient client, string path) =>
        await client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);
}
