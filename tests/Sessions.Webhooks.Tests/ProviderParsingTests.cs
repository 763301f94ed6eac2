using System.Text;
using System.Text.Json.Nodes;
using Sessions.Canonical;
using Sessions.Testing.Webhooks;
using static Sessions.Webhooks.Tests.FixtureExpectations;

namespace Sessions.Webhooks.Tests;

/// <summary>Tolerant parsing, event times and dedupe keys, per the fixture READMEs and design/providers.md.</summary>
public sealed class ProviderParsingTests
{
    [Fact]
    public void BothFastPixEnvelopesParseToTheSameEvent()
    {
        var sdk = Single(TestSources.HandleFixture(FixtureFiles.Get("fastpix/12-video.live_stream.idle.json")));
        var docs = Single(TestSources.HandleFixture(FixtureFiles.Get("fastpix/99-variant.docs-table-envelope.video.live_stream.idle.json")));

        Assert.Equal((sdk.Type, sdk.Kind, sdk.EntityId, sdk.OccurredAt), (docs.Type, docs.Kind, docs.EntityId, docs.OccurredAt));
        var sdkChange = Assert.IsType<LivestreamStatusChanged>(sdk.Change);
        var docsChange = Assert.IsType<LivestreamStatusChanged>(docs.Change);
        Assert.Equal((sdkChange.Status, sdkChange.ProviderStatus), (docsChange.Status, docsChange.ProviderStatus));
        Assert.Equal(At("2024-06-10T07:31:00.050Z"), docs.OccurredAt);
    }

    [Fact]
    public void DyteSpaceSeparatedTimesAreRead()
    {
        var items = Accepted(TestSources.HandleFixture(FixtureFiles.Get("dyte/09-recording.statusUpdate.UPLOADED.json")));

        var recording = Assert.IsType<CanonicalEvent>(items[0]);
        var details = Assert.IsType<RecordingStatusChanged>(recording.Change).Details!;
        Assert.Equal(At("2024-06-10T06:14:05.118342Z"), details.StartedAt);
        Assert.Equal(At("2024-06-10T07:02:00.771205Z"), details.StoppedAt);
        Assert.Equal(At("2024-06-17T07:02:40.004512Z"), details.DownloadUrlExpiresAt);
        Assert.Equal(details.StoppedAt, recording.OccurredAt);
    }

    [Fact]
    public void DyteParticipantTimesAreTheEventTimes()
    {
        var joined = Single(TestSources.HandleFixture(FixtureFiles.Get("dyte/02-meeting.participantJoined.json")));
        var left = Single(TestSources.HandleFixture(FixtureFiles.Get("dyte/07-meeting.participantLeft.json")));

        Assert.Equal(At("2024-06-10T06:13:21.002Z"), joined.OccurredAt);
        Assert.Equal(At("2024-06-10T07:01:59.410Z"), left.OccurredAt);
    }

    [Fact]
    public void DyteStateWordsAreReadInAnyLetterCase()
    {
        var body = """{"event":"Livestreaming.StatusUpdate","streamId":"s-1","status":"live"}"""u8.ToArray();

        var item = Single(TestSources.HandleSigned("dyte", body));

        Assert.Equal(new LivestreamStatusChanged(LivestreamStatus.Live, "live"), item.Change);
        Assert.Equal(TestSources.ReceivedAt, item.OccurredAt);
    }

    [Fact]
    public void EyesonEpochSecondsAndIsoTimesInOnePayloadAreBothRead()
    {
        var items = Accepted(TestSources.HandleFixture(FixtureFiles.Get("eyeson/rest/03-recording_update.started.json")));

        var recording = Assert.IsType<CanonicalEvent>(items[0]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1718000100), recording.OccurredAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1718000100), Assert.IsType<RecordingStatusChanged>(recording.Change).Details!.StartedAt);
    }

    [Fact]
    public void EyesonFieldsAreReadWhicheverTimeShapeTheyArriveIn()
    {
        var body = """
            {"timestamp":"2024-06-10T06:28:20Z","type":"recording_update","recording":{"id":"r-1","created_at":"2024-06-10 06:15:00Z",
             "duration":null,"links":{"download":null},"room":{"id":"room-1","started_at":1718000001000}}}
            """u8.ToArray();

        var recording = Assert.IsType<CanonicalEvent>(Accepted(TestSources.HandleSigned("eyeson", body))[0]);

        Assert.Equal(At("2024-06-10T06:28:20Z"), recording.OccurredAt);
        Assert.Equal(At("2024-06-10T06:15:00Z"), Assert.IsType<RecordingStatusChanged>(recording.Change).Details!.StartedAt);
    }

    [Fact]
    public void LiveSwitchEpochMillisecondsAreTheEventTime()
    {
        var item = Single(TestSources.HandleFixture(FixtureFiles.Get("liveswitch/05-channel.client.joined.json")));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718000061010), item.OccurredAt);
    }

    [Fact]
    public void LiveSwitchBatchGivesOneItemPerElementWithDistinctDedupeKeys()
    {
        var items = Accepted(TestSources.HandleFixture(FixtureFiles.Get("liveswitch/08-batch.connection.failing+failed.json"))).Cast<CanonicalEvent>().ToList();

        Assert.Equal(["connection.failing", "connection.failed"], items.Select(i => i.Type));
        Assert.Equal(["liveswitch:evt-0008a", "liveswitch:evt-0008b"], items.Select(i => i.DedupeKey));
        Assert.Equal([DateTimeOffset.FromUnixTimeMilliseconds(1718000090000), DateTimeOffset.FromUnixTimeMilliseconds(1718000095000)], items.Select(i => i.OccurredAt));
    }

    [Fact]
    public void LiveSwitchBatchWithoutEventIdsStillGivesDistinctStableDedupeKeys()
    {
        var batch = JsonNode.Parse(FixtureFiles.Get("liveswitch/06-batch.connection.initializing+connecting.json").Body)!.AsArray();
        foreach (var element in batch)
        {
            element!.AsObject().Remove("id");
        }
        var body = Encoding.UTF8.GetBytes(batch.ToJsonString());

        var first = Accepted(TestSources.HandleSigned("liveswitch", body)).Cast<CanonicalEvent>().Select(i => i.DedupeKey).ToList();
        var again = Accepted(TestSources.HandleSigned("liveswitch", body)).Cast<CanonicalEvent>().Select(i => i.DedupeKey).ToList();

        Assert.Equal(2, first.Distinct().Count());
        Assert.All(first, key => Assert.StartsWith("liveswitch:sha256:", key, StringComparison.Ordinal));
        Assert.Equal(first, again);
    }

    [Fact]
    public void LiveSwitchEventTypesAreReadInAnyLetterCase()
    {
        var body = """{"type":"Channel.Activated","timestamp":1718000061000,"channel":{"id":"room-7","applicationId":"tracker-demo-app"}}"""u8.ToArray();

        var item = Single(TestSources.HandleSigned("liveswitch", body));

        Assert.Equal("Channel.Activated", item.Type);
        Assert.Equal(new SessionStatusChanged(SessionStatus.Active), item.Change);
    }

    [Fact]
    public void LiveSwitchRtmpEventMovesTheLivestreamAndLinksItsSession()
    {
        var body = """{"type":"channel.rtmp.started","timestamp":1718000061000,"channel":{"id":"room-7","applicationId":"tracker-demo-app"}}"""u8.ToArray();

        var items = Accepted(TestSources.HandleSigned("liveswitch", body)).Cast<CanonicalEvent>().ToList();

        Assert.Equal((EntityKind.Livestream, "tracker-demo-app:room-7"), (items[0].Kind, items[0].EntityId));
        Assert.Equal(new LivestreamStatusChanged(LivestreamStatus.Live, "started", "tracker-demo-app:room-7"), items[0].Change);
        Assert.Equal(new SessionLinked(EntityKind.Livestream, "tracker-demo-app:room-7"), items[1].Change);
    }

    [Fact]
    public void LiveSwitchStatsMoveOnlyLastSeen()
    {
        var body = """
            [{"type":"mediaserver.stats","timestamp":1718000061000,"origin":"mediaserver","mediaserver":{"id":"ms-1"}},
             {"type":"connection.stats","timestamp":1718000061000,"connection":{"id":"c-1","channelId":"room-7"}},
             {"type":"client.stats","timestamp":1718000061000,"client":{"id":"cl-1","applicationId":"tracker-demo-app"}}]
            """u8.ToArray();

        var items = Accepted(TestSources.HandleSigned("liveswitch", body)).Cast<CanonicalEvent>().ToList();

        Assert.Equal([new ServerSeen("mediaserver"), new SessionSeen(), new ClientActive("tracker-demo-app", new ClientInfo())], items.Select(i => i.Change));
        Assert.Equal((EntityKind.Client, "cl-1"), (items[2].Kind, items[2].EntityId));
    }

    [Fact]
    public void LinkEventsHaveTheirOwnDedupeKeys()
    {
        var items = Accepted(TestSources.HandleFixture(FixtureFiles.Get("dyte/09-recording.statusUpdate.UPLOADED.json"))).Cast<CanonicalEvent>().ToList();

        Assert.Equal(2, items.Count);
        Assert.NotEqual(items[0].DedupeKey, items[1].DedupeKey);
        Assert.Equal(items[0].OccurredAt, items[1].OccurredAt);
    }

    [Theory]
    [InlineData("liveswitch/07-connection.connected.json")]
    [InlineData("liveswitch/06-batch.connection.initializing+connecting.json")]
    [InlineData("dyte/02-meeting.participantJoined.json")]
    [InlineData("fastpix/12-video.live_stream.idle.json")]
    [InlineData("eyeson/rest/07-room_update.shutdown.json")]
    public void DuplicateDeliveryGivesEqualDedupeKeys(string id)
    {
        var fixture = FixtureFiles.Get(id);

        var first = Keys(TestSources.HandleFixture(fixture));
        var second = Keys(TestSources.HandleFixture(fixture));

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void FastPixRetryWithDifferentAttemptsKeepsTheEventIdAsDedupeKey()
    {
        var fixture = FixtureFiles.Get("fastpix/12-video.live_stream.idle.json");
        var retry = JsonNode.Parse(fixture.Body)!;
        retry["attempts"] = new JsonArray(new JsonObject { ["attempt"] = 1 });

        var original = Single(TestSources.HandleFixture(fixture));
        var retried = Single(TestSources.HandleSigned("fastpix", Encoding.UTF8.GetBytes(retry.ToJsonString())));

        Assert.Equal("fastpix:5f5e1000-0000-4000-8000-00000000000c", original.DedupeKey);
        Assert.Equal(original.DedupeKey, retried.DedupeKey);
    }

    [Fact]
    public void FastPixRecordingStartsARecordingKeyedByStreamAndStart()
    {
        var items = Accepted(TestSources.HandleFixture(FixtureFiles.Get("fastpix/06-video.live_stream.recording.json"))).Cast<CanonicalEvent>().ToList();

        Assert.Equal([EntityKind.Livestream, EntityKind.Recording], items.Select(i => i.Kind));
        Assert.Equal("fastpix:5f5e1000-0000-4000-8000-000000000006#recording", items[1].DedupeKey);
    }

    [Fact]
    public void FastPixMediaCreatedNamingItsStreamRecordsTheAsset()
    {
        var body = """{"type":"video.media.created","id":"e-1","object":{"type":"media","id":"m-1"},"data":{"id":"m-1","streamId":"s-1"}}"""u8.ToArray();

        var item = Single(TestSources.HandleSigned("fastpix", body));

        Assert.Equal((EntityKind.Livestream, "s-1"), (item.Kind, item.EntityId));
        Assert.Equal(new LivestreamAssetCreated("m-1"), item.Change);
    }

    [Fact]
    public void EyesonRoomUpdatesWithDifferentBodiesHaveDifferentDedupeKeys()
    {
        var ready = Single(TestSources.HandleFixture(FixtureFiles.Get("eyeson/rest/02-room_update.ready.json")));
        var shutdown = Single(TestSources.HandleFixture(FixtureFiles.Get("eyeson/rest/07-room_update.shutdown.json")));

        Assert.NotEqual(ready.DedupeKey, shutdown.DedupeKey);
        Assert.StartsWith("eyeson:room_update:", ready.DedupeKey, StringComparison.Ordinal);
    }

    private static List<string> Keys(WebhookVerdict verdict) => [.. Accepted(verdict).Cast<CanonicalEvent>().Select(i => i.DedupeKey)];

    private static IReadOnlyList<WebhookItem> Accepted(WebhookVerdict verdict) => Assert.IsType<WebhookVerdict.Accepted>(verdict).Items;

    private static CanonicalEvent Single(WebhookVerdict verdict) => Assert.IsType<CanonicalEvent>(Assert.Single(Accepted(verdict)));
}
