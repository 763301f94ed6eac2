using System.Security.Cryptography;
using System.Text;
using Sessions.Canonical;
using Sessions.Testing.Webhooks;

namespace Sessions.Webhooks.Tests;

/// <summary>Signatures and tokens decide before anything is parsed; details never carry a secret.</summary>
public sealed class AuthenticityTests
{
    private static readonly string[] Secrets =
        [TestSources.LiveSwitchSecret, TestSources.FastPixSecret, TestSources.EyesonApiKey, TestSources.StandardSecret, TestSources.Token];

    public static TheoryData<string> ServerEventIds => [.. FixtureFiles.All.Where(f => f.Kind == "liveswitch" && f.Value("signature") is null).Select(f => f.Id)];

    public static TheoryData<string> Kinds => [.. TestSources.Kinds];

    [Theory]
    [MemberData(nameof(ServerEventIds))]
    public void LiveSwitchServerEventWithoutTokenIsUnauthorized(string id)
    {
        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(FixtureFiles.Get(id).Body));

        var unauthorized = Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
        Assert.Contains("token", unauthorized.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ServerEventIds))]
    public void LiveSwitchServerEventWithQueryTokenIsAccepted(string id)
    {
        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(FixtureFiles.Get(id).Body, queryToken: TestSources.Token));

        Assert.IsType<WebhookVerdict.Accepted>(verdict);
    }

    [Theory]
    [MemberData(nameof(ServerEventIds))]
    public void LiveSwitchServerEventWithBearerTokenIsAccepted(string id)
    {
        var headers = new Dictionary<string, string> { ["authorization"] = "bearer " + TestSources.Token };

        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(FixtureFiles.Get(id).Body, headers));

        Assert.IsType<WebhookVerdict.Accepted>(verdict);
    }

    [Fact]
    public void LiveSwitchServerEventWithWrongTokenIsUnauthorized()
    {
        var body = FixtureFiles.Get("liveswitch/01-gateway.started.json").Body;

        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(body, queryToken: TestSources.Token + "x"));

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    [Fact]
    public void LiveSwitchApplicationEventIsNotAcceptedOnTheTokenAlone()
    {
        var body = FixtureFiles.Get("liveswitch/04-channel.activated.json").Body;

        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(body, queryToken: TestSources.Token));

        var unauthorized = Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
        Assert.Contains("X-ApplicationSignature", unauthorized.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"channel.activated","channel":{"id":"room-x"}}""")]
    [InlineData("""{"type":"connection.connected","connection":{"id":"k1","channelId":"room-x","clientId":"c1"}}""")]
    [InlineData("""{"type":"client.registered","client":{"id":"c1"}}""")]
    [InlineData("""{"type":"server.message","message":{"channelId":"room-x"}}""")]
    [InlineData("""{"type":"channel.teleported"}""")]
    [InlineData("""[{"type":"gateway.started","gateway":{"id":"g1"}},{"type":"channel.activated","channel":{"id":"room-x"}}]""")]
    [InlineData("""{"type":"gateway.started","gateway":{"id":"g1"},"type":"channel.activated","channel":{"id":"room-x"}}""")]
    public void LiveSwitchTokenAdmitsServerEventsOnly(string json)
    {
        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(Encoding.UTF8.GetBytes(json), queryToken: TestSources.Token));

        var unauthorized = Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
        Assert.Contains("X-ApplicationSignature", unauthorized.Detail, StringComparison.Ordinal);
        Assert.Contains("server events only", unauthorized.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveSwitchBatchOfServerEventsIsAcceptedOnTheToken()
    {
        var body = """[{"type":"gateway.started","gateway":{"id":"g1"}},{"type":"MediaServer.Stats","mediaserver":{"id":"m1"}}]"""u8.ToArray();

        var verdict = WebhookPipeline.Handle(TestSources.For("liveswitch"), TestSources.Request(body, queryToken: TestSources.Token));

        Assert.Equal(2, Assert.IsType<WebhookVerdict.Accepted>(verdict).Items.Count);
    }

    [Fact]
    public void LiveSwitchChannelsOfTwoApplicationsAreTwoSessions()
    {
        var source = TestSources.For("liveswitch");
        source.ApplicationSecrets["second-app"] = "second-app-secret-0123456789";
        var ids = new List<string>();
        foreach (var (application, secret) in new[] { (TestSources.LiveSwitchApplication, TestSources.LiveSwitchSecret), ("second-app", "second-app-secret-0123456789") })
        {
            var body = Encoding.UTF8.GetBytes($$$"""{"type":"channel.activated","channel":{"id":"room-1","applicationId":"{{{application}}}"}}""");
            var headers = new Dictionary<string, string> { ["X-ApplicationSignature"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)) };

            var verdict = WebhookPipeline.Handle(source, TestSources.Request(body, headers));

            ids.Add(Assert.IsType<CanonicalEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(verdict).Items)).EntityId);
        }

        Assert.Equal([$"{TestSources.LiveSwitchApplication}:room-1", "second-app:room-1"], ids);
    }

    [Fact]
    public void LiveSwitchEventOfAnUnconfiguredApplicationIsUnauthorized()
    {
        var body = "{\"type\":\"channel.activated\",\"channel\":{\"id\":\"c\",\"applicationId\":\"other-app\"}}"u8.ToArray();

        var verdict = TestSources.HandleSigned("liveswitch", body);

        var unauthorized = Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
        Assert.Contains("other-app", unauthorized.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveSwitchBatchNamingTwoApplicationsIsUnauthorized()
    {
        var body = """
            [{"type":"channel.activated","channel":{"id":"a","applicationId":"tracker-demo-app"}},
             {"type":"channel.activated","channel":{"id":"b","applicationId":"other-app"}}]
            """u8.ToArray();

        var verdict = TestSources.HandleSigned("liveswitch", body);

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    [Fact]
    public void LiveSwitchSignatureFoundThroughAConnectionApplicationIdVerifies()
    {
        var body = FixtureFiles.Get("liveswitch/07-connection.connected.json").Body;
        var source = TestSources.For("liveswitch");
        source.Token = null;
        var headers = new Dictionary<string, string> { ["X-ApplicationSignature"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestSources.LiveSwitchSecret), body)) };

        var verdict = WebhookPipeline.Handle(source, TestSources.Request(body, headers));

        Assert.IsType<WebhookVerdict.Accepted>(verdict);
    }

    [Fact]
    public void EyesonSignatureIsAcceptedInUpperCaseHex()
    {
        var fixture = FixtureFiles.Get("eyeson/rest/07-room_update.shutdown.json");
        var headers = new Dictionary<string, string> { ["X-Eyeson-Signature"] = fixture.Value("signature")!.ToUpperInvariant() };

        var verdict = WebhookPipeline.Handle(TestSources.For("eyeson"), TestSources.Request(fixture.Body, headers));

        Assert.IsType<WebhookVerdict.Accepted>(verdict);
    }

    [Fact]
    public void RealtimeKitSignatureHeaderIsAcceptedAndItsUuidIsTheDedupeKey()
    {
        var fixture = FixtureFiles.Get("dyte/01-meeting.started.json");
        var headers = new Dictionary<string, string> { ["rtk-signature"] = fixture.Value("dyte-signature")!, ["rtk-uuid"] = "rtk-event-1" };

        var verdict = WebhookPipeline.Handle(TestSources.For("dyte"), TestSources.Request(fixture.Body, headers));

        var item = Assert.IsType<CanonicalEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(verdict).Items));
        Assert.Equal("dyte:rtk-event-1", item.DedupeKey);
    }

    [Fact]
    public void DyteWithoutUuidHeaderFallsBackToTheBodyDigest()
    {
        var fixture = FixtureFiles.Get("dyte/02-meeting.participantJoined.json");
        var headers = new Dictionary<string, string> { ["rtk-signature"] = fixture.Value("dyte-signature")! };

        var verdict = WebhookPipeline.Handle(TestSources.For("dyte"), TestSources.Request(fixture.Body, headers));

        var item = Assert.IsType<CanonicalEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(verdict).Items));
        Assert.Equal("dyte:sha256:" + Convert.ToHexStringLower(SHA256.HashData(fixture.Body)), item.DedupeKey);
    }

    [Fact]
    public void DyteSourceWithAnUnreadablePublicKeyIsUnauthorized()
    {
        var fixture = FixtureFiles.Get("dyte/01-meeting.started.json");
        var source = TestSources.For("dyte");
        source.PublicKeyPem = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----";

        var verdict = WebhookPipeline.Handle(source, TestSources.FixtureRequest(fixture));

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    [Fact]
    public void DyteSourceWhosePublicKeyChangesIsCheckedWithTheNewKey()
    {
        var fixture = FixtureFiles.Get("dyte/01-meeting.started.json");
        var source = TestSources.For("dyte");
        Assert.IsType<WebhookVerdict.Accepted>(WebhookPipeline.Handle(source, TestSources.FixtureRequest(fixture)));

        source.PublicKeyPem = TestSources.TestRsa.ExportSubjectPublicKeyInfoPem();

        Assert.IsType<WebhookVerdict.Unauthorized>(WebhookPipeline.Handle(source, TestSources.FixtureRequest(fixture)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SourceWithNothingConfiguredRejectsEveryRequest(string kind)
    {
        var (_, request) = TestSources.Authenticated(kind, FixtureFiles.Get("fastpix/05-video.live_stream.active.json").Body, TestSources.ReceivedAt);
        request = request with { QueryToken = TestSources.Token };

        var verdict = WebhookPipeline.Handle(new WebhookSource { Name = "empty", Kind = kind }, request);

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    [Fact]
    public void SourceOfAnUnknownKindIsUnauthorized()
    {
        var verdict = WebhookPipeline.Handle(new WebhookSource { Name = "x", Kind = "zoom", Token = TestSources.Token }, TestSources.Request("{}"u8.ToArray(), queryToken: TestSources.Token));

        Assert.IsType<WebhookVerdict.Unauthorized>(verdict);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void KindsAreKnownInAnyLetterCase(string kind)
    {
        Assert.True(WebhookPipeline.IsKnownKind(kind));
        Assert.True(WebhookPipeline.IsKnownKind(kind.ToUpperInvariant()));
        Assert.False(WebhookPipeline.IsKnownKind(kind + "x"));
    }

    [Fact]
    public void UnauthorizedDetailsNeverContainASecret()
    {
        var details = new List<string>();
        foreach (var fixture in FixtureFiles.All)
        {
            var request = TestSources.FixtureRequest(fixture);
            var tampered = fixture.Body.ToArray();
            tampered[^2] ^= 0x01;
            foreach (var candidate in new[] { request with { Body = tampered }, TestSources.Request(fixture.Body) })
            {
                if (WebhookPipeline.Handle(TestSources.For(fixture.Kind), candidate) is WebhookVerdict.Unauthorized unauthorized)
                {
                    details.Add(unauthorized.Detail);
                }
            }
        }

        Assert.NotEmpty(details);
        Assert.All(details, detail => Assert.DoesNotContain(Secrets, secret => detail.Contains(secret, StringComparison.Ordinal)));
    }
}
