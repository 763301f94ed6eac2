using System.Net;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// Every provider's fixture folder replayed over HTTP, in order and shuffled with every body delivered twice: the API
/// answers the same states, participants, links and counts either way.
/// </summary>
public sealed class FixtureReplayTests
{
    private const string DyteSession = "a7e3d2c1-b0a9-4f8e-8d7c-6b5a4e3d2c1b";
    private const string Alice = "c1a7f0e2d3b44c5a9e8f7a6b5c4d3e2f";

    [Fact]
    public async Task FixturesInOrderGiveTheExpectedFinalStates()
    {
        await using var api = new WebhookApiFactory();
        await api.InitializeAsync();

        foreach (var fixture in FixtureFiles.All)
        {
            await DeliverAsync(api, fixture);
        }

        await AssertFinalStatesAsync(api, dyteLivestream: "idle");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task FixturesShuffledAndRedeliveredGiveTheSameFinalStates(int seed)
    {
        await using var api = new WebhookApiFactory();
        await api.InitializeAsync();
        var deliveries = FixtureFiles.All.Concat(FixtureFiles.All).ToArray();
        new Random(seed).Shuffle(deliveries);

        foreach (var fixture in deliveries)
        {
            await DeliverAsync(api, fixture);
        }

        // Dyte's livestream updates carry no time at all, so for them alone the receive time decides: the one whose first
        // delivery came last wins (its redelivery is a duplicate and changes nothing).
        var lastLivestream = deliveries.DistinctBy(f => f.Id).Last(f => f.Id.StartsWith("dyte/", StringComparison.Ordinal) && f.Id.Contains("livestreaming", StringComparison.Ordinal));
        await AssertFinalStatesAsync(api, dyteLivestream: lastLivestream.Id.Contains("LIVE", StringComparison.Ordinal) ? "live" : "idle");
    }

    private static async Task AssertFinalStatesAsync(WebhookApiFactory api, string dyteLivestream)
    {
        // LiveSwitch fleet: the gateway stopped (offline, not an outage), the media server unregistered without stopping
        // (down), the recording muxer only started, in 2024, and has been silent since (down).
        // Lists and counts follow the entities' answers by up to the index lanes' gathering time: wait for the last of them.
        // The media server is down either way while its shard still holds its earlier, silent entry: wait for the reasons too.
        string[] unhealthy = ["down/silent", "down/unregistered"];
        var fleet = await EventuallyAsync(api, "/api/fleet", f => f.GetProperty("total").GetInt32() == 3
            && Count(f.GetProperty("byHealth"), "offline") == 1 && Count(f.GetProperty("byHealth"), "down") == 2
            && Unhealthy(f).SequenceEqual(unhealthy));
        Assert.Equal(1, fleet.GetProperty("byHealth").GetProperty("offline").GetInt32());
        Assert.Equal(2, fleet.GetProperty("byHealth").GetProperty("down").GetInt32());
        Assert.Equal(unhealthy, Unhealthy(fleet));
        var gateway = await GetAsync(api, "/api/servers/liveswitch/3b2f6a10-5c7e-4d21-9f0a-6c1d2e3f4a5b");
        Assert.Equal(("gateway", "stopped", "offline", "stopped", 1), (Text(gateway, "role"), Text(gateway, "state"), Text(gateway, "health"), Text(gateway, "healthReason"), gateway.GetProperty("incarnation").GetInt32()));
        Assert.Equal("unregistered", Text(await GetAsync(api, "/api/servers/liveswitch/8d4e2c71-0a9b-4f6e-b3c2-1a7e5d9f0c24"), "state"));

        // LiveSwitch channel: Alice left after she joined (whatever arrived first), her connection closed, bob's failed.
        var room = await GetAsync(api, "/api/sessions/liveswitch/tracker-demo-app:room-42");
        Assert.Equal("ended", Text(room, "status"));
        var alice = Assert.Single(room.GetProperty("participants").EnumerateArray());
        Assert.Equal((Alice, false), (Text(alice, "id"), alice.GetProperty("present").GetBoolean()));
        Assert.Equal((0, 1), (room.GetProperty("participantCount").GetInt32(), room.GetProperty("peakParticipants").GetInt32()));
        Assert.Equal(["failed", "closed"], room.GetProperty("connections").EnumerateArray().Select(c => Text(c, "state")).Order().Reverse());
        Assert.Equal(["tracker-demo-app:room-42"], Ids(room, "recordings"));
        Assert.Equal("ready", Text(await GetAsync(api, "/api/recordings/liveswitch/tracker-demo-app:room-42"), "status"));

        // LiveSwitch presence: Alice unregistered after she registered, so her application counts her but not as registered.
        var client = await GetAsync(api, $"/api/clients/liveswitch/{Alice}");
        Assert.Equal(("unregistered", "tracker-demo-app", "Alice", "us-east"), (Text(client, "status"), Text(client, "applicationId"), Text(client, "userAlias"), Text(client, "region")));
        var application = await EventuallyAsync(api, "/api/applications/tracker-demo-app", a => a.GetProperty("clients").GetInt32() == 1
            && a.GetProperty("registeredClients").GetInt32() == 0);
        Assert.Equal(0, application.GetProperty("registeredClients").GetInt32());

        // Dyte meeting: ended, both recordings linked; UPLOADED is not downgraded by a late UPLOADING; the other failed.
        var meeting = await GetAsync(api, $"/api/sessions/dyte/{DyteSession}");
        Assert.Equal(("ended", "Weekly sync"), (Text(meeting, "status"), Text(meeting, "title")));
        Assert.Equal(["1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"], Ids(meeting, "recordings").Order());
        Assert.Equal(["chat", "summary", "transcript"], meeting.GetProperty("artefacts").EnumerateArray().Select(a => Text(a, "kind")).Order());
        var uploaded = await GetAsync(api, "/api/recordings/dyte/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
        Assert.Equal(("ready", "UPLOADED", DyteSession), (Text(uploaded, "status"), Text(uploaded, "providerStatus"), Text(uploaded, "sessionId")));
        Assert.StartsWith("https://", Text(uploaded, "downloadUrl"), StringComparison.Ordinal);
        Assert.Equal("failed", Text(await GetAsync(api, "/api/recordings/dyte/1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"), "status"));
        Assert.Equal(dyteLivestream, Text(await GetAsync(api, "/api/livestreams/dyte/d4c3b2a1-0f9e-4d8c-b7a6-958473625140"), "status"));

        // FastPix: the stream was deleted in the end, and so was its simulcast target.
        var stream = await GetAsync(api, "/api/livestreams/fastpix/7d2e9c4b1a0f48e6b3c5d8a9f1e2c3b4");
        Assert.Equal(("deleted", "deleted"), (Text(stream, "status"), Text(stream, "providerStatus")));
        Assert.Equal("deleted", Text(Assert.Single(stream.GetProperty("simulcastTargets").EnumerateArray()), "status"));

        // FastPix sends no end of a recording: it ended when the stream disconnected for good (no reconnect within the
        // 60 s window, and the idle 60.05 s later shows the window closed).
        var recording = await GetAsync(api, "/api/recordings/fastpix/7d2e9c4b1a0f48e6b3c5d8a9f1e2c3b4-20240610T062003950Z");
        Assert.Equal(("stopped", "disconnected"), (Text(recording, "status"), Text(recording, "providerStatus")));
        Assert.Equal(new DateTimeOffset(2024, 6, 10, 7, 30, 0, TimeSpan.Zero), recording.GetProperty("stoppedAt").GetDateTimeOffset());

        // eyeson: the room shut down with its finished recording; StreamRec uploads ready and failed; supervisor linked.
        var eyesonRoom = await GetAsync(api, "/api/sessions/eyeson/66670a1b2c3d4e5f60718293");
        Assert.Equal("ended", Text(eyesonRoom, "status"));
        Assert.Equal(["66670b2c3d4e5f6071829301"], Ids(eyesonRoom, "recordings"));
        Assert.Equal("ready", Text(await GetAsync(api, "/api/recordings/eyeson/66670b2c3d4e5f6071829301"), "status"));
        Assert.Equal("ready", Text(await GetAsync(api, "/api/recordings/eyeson/rec-7f3c"), "status"));
        var failedUpload = await GetAsync(api, "/api/recordings/eyeson/rec-8a1d");
        Assert.Equal("failed", Text(failedUpload, "status"));
        Assert.Contains("403", Text(failedUpload, "failureReason"), StringComparison.Ordinal);
        Assert.Equal(["5061fd09-834c-1efa-be18-4a08eb54996f"], Ids(await GetAsync(api, "/api/sessions/eyeson/6760fea3-589c-4253-b1c6-3d87123be956"), "linkedSessions"));

        // The overview counts agree with all of the above.
        var overview = await EventuallyAsync(api, "/api/overview", o => o.GetProperty("recordings").GetProperty("total").GetInt32() == 7
            && Count(o.GetProperty("sessions").GetProperty("byStatus"), "ended") == 5
            && Count(o.GetProperty("recordings").GetProperty("byStatus"), "ready") == 4
            && Count(o.GetProperty("recordings").GetProperty("byStatus"), "failed") == 2);
        Assert.Equal(5, overview.GetProperty("sessions").GetProperty("byStatus").GetProperty("ended").GetInt32());
        Assert.Equal((4, 2), (overview.GetProperty("recordings").GetProperty("byStatus").GetProperty("ready").GetInt32(),
            overview.GetProperty("recordings").GetProperty("byStatus").GetProperty("failed").GetInt32()));
        Assert.Equal(2, overview.GetProperty("livestreams").GetProperty("total").GetInt32());
    }

    /// <summary>The count under <paramref name="name"/> in an answer's counts (<c>byHealth</c>, <c>byStatus</c>); 0 while none is filed.</summary>
    /// <summary>The fleet's unhealthy servers as <c>health/reason</c>, in order.</summary>
    private static IEnumerable<string> Unhealthy(JsonElement fleet) =>
        fleet.GetProperty("unhealthy").EnumerateArray().Select(s => $"{Text(s, "health")}/{Text(s, "healthReason")}").Order(StringComparer.Ordinal);

    private static int Count(JsonElement counts, string name) => counts.TryGetProperty(name, out var count) ? count.GetInt32() : 0;

    private static async Task DeliverAsync(WebhookApiFactory api, Fixture fixture)
    {
        using var response = await api.PostAsync(fixture.Kind, TestSources.FixtureRequest(fixture));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{fixture.Id}: {(int)response.StatusCode}");
    }

    private static async Task<JsonElement> GetAsync(WebhookApiFactory api, string path)
    {
        using var request = WebhookApiFactory.Api(HttpMethod.Get, path);
        using var response = await api.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Lists and counts come from the index shards, updated just after each change: ask until they agree.</summary>
    private static async Task<JsonElement> EventuallyAsync(WebhookApiFactory api, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var value = await GetAsync(api, path);
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static string? Text(JsonElement element, string property) => element.GetProperty(property).GetString();

    private static IEnumerable<string> Ids(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!);
}
