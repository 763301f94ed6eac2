using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Abstractions.Entities;
using Sessions.Canonical;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

/// <summary>
/// Silence as an operator sees it: a server that should be up and sends nothing for <c>Fleet:SilentAfter</c> turns
/// down (<c>silent</c>) by the tracker's clock alone, in the entity, the lists, the fleet counts and the live stream,
/// also after a restart, and its next event makes it healthy again.
/// </summary>
public sealed class FleetHealthTests
{
    private const string ApiKey = "fleet-health-test-key";

    [Fact]
    public async Task ServerSilentPastTheThresholdTurnsDownAndItsNextEventMakesItHealthyAgain()
    {
        using var folder = new TempDirectory("fleet-health");
        await using var service = Service(folder, silentAfter: "00:00:02");
        using var client = Client(service);
        var grains = service.Services.GetRequiredService<IGrainFactory>();
        var provider = "fleet" + Guid.NewGuid().ToString("N")[..8];
        using var stream = await OpenStreamAsync(client);

        await grains.Get(EntityKind.Server, provider, "gw-1").ApplyAsync(Server(provider, "gw-1", ServerStatus.Registered, DateTimeOffset.UtcNow));
        var fresh = await GetAsync(client, $"/api/servers/{provider}/gw-1");
        Assert.Equal("healthy", Text(fresh, "health"));
        Assert.Equal(JsonValueKind.Null, fresh.GetProperty("healthReason").ValueKind);

        // No event, no call to the server's grain: the index shard's sweep moves it, and the stream says so.
        var silent = await ReadHealthAsync(stream, "gw-1", "down");
        Assert.Equal(("silent", "healthy"), (Text(silent, "healthReason"), Text(silent, "previous")));
        var fleet = await GetAsync(client, "/api/fleet");
        Assert.Contains(fleet.GetProperty("unhealthy").EnumerateArray(), s => Text(s, "id") == "gw-1" && Text(s, "healthReason") == "silent");
        Assert.Equal(1, fleet.GetProperty("byHealthReason").GetProperty("silent").GetInt32());
        Assert.Equal(("down", "silent"), Health(await GetAsync(client, $"/api/servers/{provider}/gw-1")));
        var listed = await GetAsync(client, $"/api/servers?provider={provider}&health=down");
        Assert.Equal(["gw-1"], listed.GetProperty("items").EnumerateArray().Select(s => Text(s, "id")));

        // Stats are enough to be heard from.
        await grains.Get(EntityKind.Server, provider, "gw-1").ApplyAsync(Seen(provider, "gw-1", DateTimeOffset.UtcNow));
        var back = await ReadHealthAsync(stream, "gw-1", "healthy");
        Assert.Equal("down", Text(back, "previous"));
        Assert.Equal(("healthy", null), Health(await GetAsync(client, $"/api/servers/{provider}/gw-1")));
    }

    [Fact]
    public async Task SilenceIsJudgedByTheClockAfterARestartAndACleanStopIsOfflineNotDown()
    {
        using var folder = new TempDirectory("fleet-restart");
        var provider = "fleet" + Guid.NewGuid().ToString("N")[..8];
        var tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10);
        await using (var service = Service(folder, silentAfter: "00:05:00"))
        {
            var grains = service.Services.GetRequiredService<IGrainFactory>();
            await grains.Get(EntityKind.Server, provider, "ms-quiet").ApplyAsync(Server(provider, "ms-quiet", ServerStatus.Registered, tenMinutesAgo));
            await grains.Get(EntityKind.Server, provider, "ms-stopped").ApplyAsync(Server(provider, "ms-stopped", ServerStatus.Stopped, tenMinutesAgo));
            await grains.Get(EntityKind.Server, provider, "ms-left").ApplyAsync(Server(provider, "ms-left", ServerStatus.Unregistered, DateTimeOffset.UtcNow));
            using var client = Client(service);
            await ApiPolling.EventuallyAsync(client, $"/api/servers?provider={provider}", page => page.GetProperty("items").GetArrayLength() == 3);
        }

        await using (var restarted = Service(folder, silentAfter: "00:05:00"))
        {
            using var client = Client(restarted);
            var fleet = await ApiPolling.EventuallyAsync(client, "/api/fleet", f => f.GetProperty("total").GetInt32() >= 3);
            var unhealthy = fleet.GetProperty("unhealthy").EnumerateArray().Where(s => Text(s, "provider") == provider).ToList();
            Assert.Equal(
                ["ms-left/down/unregistered", "ms-quiet/down/silent"],
                unhealthy.Select(s => $"{Text(s, "id")}/{Text(s, "health")}/{Text(s, "healthReason")}").Order(StringComparer.Ordinal));
            Assert.Equal(("offline", "stopped"), Health(await GetAsync(client, $"/api/servers/{provider}/ms-stopped")));
            Assert.Equal(("down", "silent"), Health(await GetAsync(client, $"/api/servers/{provider}/ms-quiet")));
        }
    }

    private static SessionsApiFactory Service(TempDirectory folder, string silentAfter) => new(new Dictionary<string, string?>
    {
        ["Storage:Mode"] = "sqlite",
        ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        ["Api:Keys:0"] = ApiKey,
        ["Fleet:SilentAfter"] = silentAfter,
    });

    private static HttpClient Client(SessionsApiFactory service) => ApiJson.Client(service, ApiKey);

    private static async Task<StreamReader> OpenStreamAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line && line != "event: ready")
        {
        }

        return reader;
    }

    /// <summary>The next <c>health</c> event of server <paramref name="id"/> that says <paramref name="health"/>, within 15 s.</summary>
    private static async Task<JsonElement> ReadHealthAsync(StreamReader reader, string id, string health)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        string? type = null;
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line["event: ".Length..];
                }
                else if (type == "health" && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                    if (Text(data, "id") == id && Text(data, "health") == health)
                    {
                        return data;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"no 'health' event saying server {id} is {health} on /api/stream within 15 s");
    }

    private static Task<JsonElement> GetAsync(HttpClient client, string path) => ApiJson.GetAsync(client, path);

    private static (string? Health, string? Reason) Health(JsonElement server) => (Text(server, "health"), Text(server, "healthReason"));

    private static string? Text(JsonElement element, string property) => ApiJson.Text(element, property);

    private static CanonicalEvent Server(string provider, string id, ServerStatus state, DateTimeOffset at) => new()
    {
        Type = $"gateway.{StatusWords.Of(state)}",
        Provider = provider,
        Kind = EntityKind.Server,
        EntityId = id,
        OccurredAt = at,
        DedupeKey = $"{provider}:{id}:{state}:{at.UtcTicks}",
        Change = new ServerStateChanged("gateway", state),
    };

    private static CanonicalEvent Seen(string provider, string id, DateTimeOffset at) => new()
    {
        Type = "gateway.stats",
        Provider = provider,
        Kind = EntityKind.Server,
        EntityId = id,
        OccurredAt = at,
        DedupeKey = $"{provider}:{id}:stats:{at.UtcTicks}",
        Change = new ServerSeen("gateway"),
    };
}
