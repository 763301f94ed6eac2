using System.Text;
using Sessions.Canonical;
using Sessions.Testing.Webhooks;

namespace Sessions.Webhooks.Tests;

/// <summary>The <c>standard</c> kind: Standard Webhooks v1 authenticity and the canonical body of STANDARD.md.</summary>
public sealed class StandardWebhooksTests
{
    // The test vector of research/providers.md §5 (computed with the reference C# library and standardwebhooks@1.1.1).
    private const string VectorSecret = "whsec_dGVzdC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQtMDEyMzQ1";
    private const string VectorId = "msg_tracker_0001";
    private const string VectorTimestamp = "1700000000";
    private const string VectorSignature = "v1,3r5YtD4lTNFicWyLCOkF/6uhZQLZmnwnUHeeE6d/Lbg=";
    private static readonly byte[] VectorBody = """{"type":"example.event","timestamp":"2023-11-14T22:13:20Z","data":{"foo":"bar"}}"""u8.ToArray();
    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Theory]
    [InlineData(-60)]
    [InlineData(0)]
    [InlineData(60)]
    public void TestVectorVerifiesWithinAMinuteOfItsTimestamp(int offsetSeconds)
    {
        var verdict = Handle(VectorSignature, VectorTime.AddSeconds(offsetSeconds));

        var item = Assert.IsType<UnmappedEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(verdict).Items));
        Assert.Equal("example.event", item.Type);
    }

    [Fact]
    public void TimestampSixMinutesOldIsUnauthorized()
    {
        var verdict = Handle(VectorSignature, VectorTime.AddMinutes(6));

        Assert.Contains("old", Assert.IsType<WebhookVerdict.Unauthorized>(verdict).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampSixMinutesAheadIsUnauthorized()
    {
        var verdict = Handle(VectorSignature, VectorTime.AddMinutes(-6));

        Assert.Contains("future", Assert.IsType<WebhookVerdict.Unauthorized>(verdict).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void RotatedSignatureListWithOneGoodV1EntryVerifies()
    {
        var rotated = $"v1,{Convert.ToBase64String(new byte[32])} v1a,c29tZS1lZDI1NTE5LXNpZ25hdHVyZQ== {VectorSignature}";

        Assert.IsType<WebhookVerdict.Accepted>(Handle(rotated, VectorTime));
    }

    [Fact]
    public void SignatureListWithoutAGoodV1EntryIsUnauthorized()
    {
        var rotated = $"v1,{Convert.ToBase64String(new byte[32])} v1a,{VectorSignature[3..]}";

        Assert.IsType<WebhookVerdict.Unauthorized>(Handle(rotated, VectorTime));
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public void MissingStandardHeaderIsUnauthorized(string header)
    {
        var headers = VectorHeaders(VectorSignature);
        headers.Remove(header);

        var verdict = WebhookPipeline.Handle(TestSources.For("standard"), TestSources.Request(VectorBody, headers, receivedAt: VectorTime));

        Assert.Contains(header, Assert.IsType<WebhookVerdict.Unauthorized>(verdict).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void StandardWithAnotherSecretIsUnauthorized()
    {
        var source = new WebhookSource { Name = "std", Kind = "standard", Secret = "whsec_" + Convert.ToBase64String(new byte[24]) };

        var verdict = WebhookPipeline.Handle(source, TestSources.Request(VectorBody, VectorHeaders(VectorSignature), receivedAt: VectorTime));

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    public static TheoryData<string, EntityKind, EntityChange> CanonicalBodies => new()
    {
        { """{"type":"server.started","data":{"provider":"acme","id":"srv-1","role":"sfu","region":"eu"}}""", EntityKind.Server,
            new ServerStateChanged("sfu", ServerStatus.Started, new ServerInfo(Region: "eu")) },
        { """{"type":"server.stopped","data":{"provider":"acme","id":"srv-1","role":"sfu"}}""", EntityKind.Server,
            new ServerStateChanged("sfu", ServerStatus.Stopped, new ServerInfo()) },
        { """{"type":"server.seen","data":{"provider":"acme","id":"srv-1","role":"sfu"}}""", EntityKind.Server, new ServerSeen("sfu") },
        { """{"type":"session.started","data":{"provider":"acme","id":"s-1","title":"Standup"}}""", EntityKind.Session,
            new SessionStatusChanged(SessionStatus.Active, "Standup") },
        { """{"type":"session.ended","data":{"provider":"acme","id":"s-1","reason":"host left"}}""", EntityKind.Session,
            new SessionStatusChanged(SessionStatus.Ended, Reason: "host left") },
        { """{"type":"participant.joined","data":{"provider":"acme","id":"s-1","participantId":"p-1","name":"Ann"}}""", EntityKind.Session,
            new ParticipantChanged("p-1", true, "Ann") },
        { """{"type":"participant.left","data":{"provider":"acme","id":"s-1","participantId":"p-1"}}""", EntityKind.Session,
            new ParticipantChanged("p-1", false) },
        { """{"type":"recording.status","data":{"provider":"acme","id":"r-1","status":"Ready","durationMs":5000}}""", EntityKind.Recording,
            new RecordingStatusChanged(RecordingStatus.Ready, "Ready", Details: new RecordingDetails(DurationMs: 5000)) },
        { """{"type":"livestream.status","data":{"provider":"acme","id":"l-1","status":"live"}}""", EntityKind.Livestream,
            new LivestreamStatusChanged(LivestreamStatus.Live, "live") },
    };

    [Theory]
    [MemberData(nameof(CanonicalBodies))]
    public void CanonicalBodyMapsToItsEntityAndChange(string json, EntityKind kind, EntityChange change)
    {
        var verdict = TestSources.HandleSigned("standard", Encoding.UTF8.GetBytes(json));

        var item = Assert.IsType<CanonicalEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(verdict).Items));
        Assert.Equal((kind, "acme"), (item.Kind, item.Provider));
        Assert.Equal(change, item.Change);
        Assert.Equal($"acme:{TestSources.StandardMessageId}", item.DedupeKey);
        Assert.Equal(TestSources.ReceivedAt, item.OccurredAt);
    }

    [Fact]
    public void CanonicalTimestampIsTheEventTime()
    {
        var body = """{"type":"session.started","timestamp":"2024-06-10T06:00:00Z","data":{"provider":"acme","id":"s-1"}}"""u8.ToArray();

        var item = Assert.IsType<CanonicalEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(TestSources.HandleSigned("standard", body)).Items));

        Assert.Equal(new DateTimeOffset(2024, 6, 10, 6, 0, 0, TimeSpan.Zero), item.OccurredAt);
    }

    [Fact]
    public void RecordingWithASessionAlsoLinksTheSession()
    {
        var body = """{"type":"recording.status","data":{"provider":"acme","id":"r-1","status":"recording","sessionId":"s-1"}}"""u8.ToArray();

        var items = Assert.IsType<WebhookVerdict.Accepted>(TestSources.HandleSigned("standard", body)).Items.Cast<CanonicalEvent>().ToList();

        Assert.Equal((EntityKind.Session, "s-1"), (items[1].Kind, items[1].EntityId));
        Assert.Equal(new SessionLinked(EntityKind.Recording, "r-1"), items[1].Change);
        Assert.Equal($"acme:{TestSources.StandardMessageId}#link", items[1].DedupeKey);
    }

    [Theory]
    [InlineData("""{"type":"session.started","data":{"provider":"dyte","id":"s-1"}}""", "data.provider")]
    [InlineData("""{"type":"session.started","data":{"provider":"Acme Corp","id":"s-1"}}""", "data.provider")]
    [InlineData("""{"type":"session.started","data":{"id":"s-1"}}""", "data.provider")]
    [InlineData("""{"type":"recording.status","data":{"provider":"acme","id":"r-1","status":"3"}}""", "data.status")]
    [InlineData("""{"type":"livestream.status","data":{"provider":"acme","id":"l-1","status":"Live,Idle"}}""", "data.status")]
    [InlineData("""{"type":"participant.joined","data":{"provider":"acme","id":"s-1"}}""", "data.participantId")]
    [InlineData("""{"type":"session.started","timestamp":"yesterday","data":{"provider":"acme","id":"s-1"}}""", "timestamp")]
    public void CanonicalBodyWithABadFieldIsInvalidNamingIt(string json, string field)
    {
        var verdict = TestSources.HandleSigned("standard", Encoding.UTF8.GetBytes(json));

        Assert.Contains($"'{field}'", Assert.IsType<WebhookVerdict.Invalid>(verdict).Detail, StringComparison.Ordinal);
    }

    private static WebhookVerdict Handle(string signatureHeader, DateTimeOffset receivedAt) =>
        WebhookPipeline.Handle(
            new WebhookSource { Name = "std", Kind = "standard", Secret = VectorSecret },
            TestSources.Request(VectorBody, VectorHeaders(signatureHeader), receivedAt: receivedAt));

    private static Dictionary<string, string> VectorHeaders(string signatureHeader) => new()
    {
        ["webhook-id"] = VectorId,
        ["webhook-timestamp"] = VectorTimestamp,
        ["webhook-signature"] = signatureHeader,
    };
}
