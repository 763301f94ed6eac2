using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Abstractions.Entities;
using Sessions.Canonical;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

/// <summary>
/// Entities whose provider never sends their end, as an API user sees them: an active session or a registered client
/// that is not heard from for <c>Silence:*</c> is shown ended / unregistered with the reason <c>silent</c>, by the
/// tracker's clock alone, in the entity and the lists alike, and its next event brings it back; a FastPix recording
/// whose stream disconnected and never said more is stopped at the disconnection once the reconnect window has closed.
/// </summary>
public sealed class SilenceTests
{
    private const string ApiKey = "silence-test-key";

    [Fact]
    public async Task ASessionNeverEndedByItsProviderIsEndedBySilenceAndItsNextEventReopensIt()
    {
        using var folder = new TempDirectory("silence-session");
        await using var service = Service(folder);
        using var client = Client(service);
        var grains = service.Services.GetRequiredService<IGrainFactory>();
        var provider = "silent" + Guid.NewGuid().ToString("N")[..8];
        var startedAt = DateTimeOffset.UtcNow;

        await grains.Get(EntityKind.Session, provider, "room-1").ApplyAsync(Session(provider, "room-1", startedAt, "start"));
        Assert.Equal("active", Text(await GetAsync(client, $"/api/sessions/{provider}/room-1"), "status"));

        // No event, no call to the session's grain: the index shard's sweep ends it.
        var ended = await ApiPolling.EventuallyAsync(
            client, $"/api/sessions?provider={provider}&status=ended", page => page.GetProperty("items").GetArrayLength() == 1);
        var listed = ended.GetProperty("items")[0];
        Assert.Equal(("room-1", "ended", "silent"), (Text(listed, "id"), Text(listed, "status"), Text(listed, "endReason")));
        var session = await GetAsync(client, $"/api/sessions/{provider}/room-1");
        Assert.Equal(("ended", "silent"), (Text(session, "status"), Text(session, "endReason")));
        Assert.Equal(session.GetProperty("lastEventAt").GetDateTimeOffset(), session.GetProperty("endedAt").GetDateTimeOffset());

        await grains.Get(EntityKind.Session, provider, "room-1").ApplyAsync(Session(provider, "room-1", DateTimeOffset.UtcNow, "again"));
        var reopened = await GetAsync(client, $"/api/sessions/{provider}/room-1");
        Assert.Equal("active", Text(reopened, "status"));
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("endReason").ValueKind);
        await ApiPolling.EventuallyAsync(
            client, $"/api/sessions?provider={provider}&status=active", page => page.GetProperty("items").GetArrayLength() == 1);
    }

    [Fact]
    public async Task AClientNeverUnregisteredIsUnregisteredBySilenceAndLeavesItsApplicationsRegisteredCount()
    {
        using var folder = new TempDirectory("silence-client");
        await using var service = Service(folder);
        using var client = Client(service);
        var grains = service.Services.GetRequiredService<IGrainFactory>();
        var provider = "silent" + Guid.NewGuid().ToString("N")[..8];
        var application = "app-" + provider;

        await grains.Get(EntityKind.Client, provider, "c-1").ApplyAsync(Registered(provider, "c-1", application, DateTimeOffset.UtcNow));
        Assert.Equal("registered", Text(await GetAsync(client, $"/api/clients/{provider}/c-1"), "status"));

        await ApiPolling.EventuallyAsync(
            client, $"/api/clients?provider={provider}&status=unregistered", page => page.GetProperty("items").GetArrayLength() == 1);
        var gone = await GetAsync(client, $"/api/clients/{provider}/c-1");
        Assert.Equal(("unregistered", "silent"), (Text(gone, "status"), Text(gone, "unregisterReason")));
        Assert.Equal(gone.GetProperty("lastEventAt").GetDateTimeOffset(), gone.GetProperty("since").GetDateTimeOffset());
        var counts = await GetAsync(client, $"/api/applications/{application}");
        Assert.Equal((0, 1), (counts.GetProperty("registeredClients").GetInt32(), counts.GetProperty("clients").GetInt32()));
    }

    [Fact]
    public async Task AFastPixRecordingWhoseStreamDisconnectedAndFellSilentStopsAtTheDisconnectionOnceTheWindowCloses()
    {
        using var folder = new TempDirectory("silence-recording");
        await using var service = Service(folder);
        using var client = Client(service);
        var grains = service.Services.GetRequiredService<IGrainFactory>();
        var provider = "silent" + Guid.NewGuid().ToString("N")[..8];
        var startedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var disconnectedAt = startedAt.AddSeconds(1);

        await grains.Get(EntityKind.Recording, provider, "rec-1").ApplyAsync(Recording(provider, "rec-1", startedAt));
        await grains.Get(EntityKind.Livestream, provider, "ls-1").ApplyAsync(
            Stream(provider, LivestreamStatus.Live, "active", startedAt) with { Change = new LivestreamStatusChanged(LivestreamStatus.Live, "active", Settings: EightSecondWindow) { StartedRecordingId = "rec-1" } });
        await grains.Get(EntityKind.Livestream, provider, "ls-1").ApplyAsync(Stream(provider, LivestreamStatus.Disconnected, "disconnected", disconnectedAt));
        var away = await GetAsync(client, $"/api/recordings/{provider}/rec-1");
        Assert.Equal("recording", Text(away, "status"));
        Assert.Equal(disconnectedAt.AddSeconds(8), away.GetProperty("streamReconnectBy").GetDateTimeOffset());

        // FastPix sends nothing more: the index shard's sweep stops it once the window has closed.
        await ApiPolling.EventuallyAsync(
            client, $"/api/recordings?provider={provider}&status=stopped", page => page.GetProperty("items").GetArrayLength() == 1);
        var stopped = await GetAsync(client, $"/api/recordings/{provider}/rec-1");
        Assert.Equal(("stopped", "disconnected"), (Text(stopped, "status"), Text(stopped, "providerStatus")));
        Assert.Equal(disconnectedAt, stopped.GetProperty("stoppedAt").GetDateTimeOffset());

        // A later word of the stream proves the same end by events: nothing moves.
        await grains.Get(EntityKind.Livestream, provider, "ls-1").ApplyAsync(Stream(provider, LivestreamStatus.Idle, "idle", disconnectedAt.AddMinutes(5)));
        var proven = await GetAsync(client, $"/api/recordings/{provider}/rec-1");
        Assert.Equal(("stopped", disconnectedAt), (Text(proven, "status"), proven.GetProperty("stoppedAt").GetDateTimeOffset()));
    }

    private static readonly LivestreamSettings EightSecondWindow = new(ReconnectWindowSeconds: 8);

    private static CanonicalEvent Recording(string provider, string id, DateTimeOffset at) => new()
    {
        Type = "video.live_stream.recording",
        Provider = provider,
        Kind = EntityKind.Recording,
        EntityId = id,
        OccurredAt = at,
        DedupeKey = $"{provider}:{id}:recording",
        Change = new RecordingStatusChanged(RecordingStatus.Recording, "recording"),
    };

    private static CanonicalEvent Stream(string provider, LivestreamStatus status, string word, DateTimeOffset at) => new()
    {
        Type = $"video.live_stream.{word}",
        Provider = provider,
        Kind = EntityKind.Livestream,
        EntityId = "ls-1",
        OccurredAt = at,
        DedupeKey = $"{provider}:ls-1:{word}:{at.UtcTicks}",
        Change = new LivestreamStatusChanged(status, word, Settings: EightSecondWindow),
    };

    private static SessionsApiFactory Service(TempDirectory folder) => new(new Dictionary<string, string?>
    {
        ["Storage:Mode"] = "sqlite",
        ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        ["Api:Keys:0"] = ApiKey,
        ["Silence:SessionEndsAfter"] = "00:00:05",
        ["Silence:ClientUnregistersAfter"] = "00:00:05",
    });

    private static HttpClient Client(SessionsApiFactory service) => ApiJson.Client(service, ApiKey);

    private static Task<JsonElement> GetAsync(HttpClient client, string path) => ApiJson.GetAsync(client, path);

    private static string? Text(JsonElement element, string property) => ApiJson.Text(element, property);

    private static CanonicalEvent Session(string provider, string id, DateTimeOffset at, string key) => new()
    {
        Type = "session.started",
        Provider = provider,
        Kind = EntityKind.Session,
        EntityId = id,
        OccurredAt = at,
        DedupeKey = $"{provider}:{id}:{key}",
        Change = new SessionStatusChanged(SessionStatus.Active),
    };

    private static CanonicalEvent Registered(string provider, string id, string application, DateTimeOffset at) => new()
    {
        Type = "client.registered",
        Provider = provider,
        Kind = EntityKind.Client,
        EntityId = id,
        OccurredAt = at,
        DedupeKey = $"{provider}:{id}:registered",
        Change = new ClientRegistrationChanged(application, Registered: true),
    };
}
