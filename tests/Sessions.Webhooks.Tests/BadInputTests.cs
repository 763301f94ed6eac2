using System.Text;
using Sessions.Canonical;
using Sessions.Testing.Webhooks;

namespace Sessions.Webhooks.Tests;

/// <summary>
/// Broken bodies, correctly signed for their kind so that the parser really sees them: every one is an
/// <see cref="WebhookVerdict.Invalid"/> with a detail a person can act on, never an exception.
/// </summary>
public sealed class BadInputTests
{
    /// <summary>Per kind: a well-formed body, one with its required id missing (and the field the detail must name), one of an unknown type.</summary>
    private static readonly Dictionary<string, (byte[] Valid, string MissingId, string MissingField, string Unknown)> Samples = new()
    {
        ["liveswitch"] = (FixtureFiles.Get("liveswitch/04-channel.activated.json").Body,
            """{"type":"channel.activated","timestamp":1718000061000,"channel":{"applicationId":"tracker-demo-app"}}""", "channel.id",
            """{"type":"channel.teleported","channel":{"id":"room-42","applicationId":"tracker-demo-app"}}"""),
        ["dyte"] = (FixtureFiles.Get("dyte/01-meeting.started.json").Body,
            """{"event":"meeting.started","meeting":{"id":"5f1c2a9e","title":"Weekly sync"}}""", "meeting.sessionId",
            """{"event":"meeting.teleported","meeting":{"sessionId":"s-1"}}"""),
        ["fastpix"] = (FixtureFiles.Get("fastpix/05-video.live_stream.active.json").Body,
            """{"type":"video.live_stream.active","object":{"type":"live","id":"s-1"},"data":{"streamId":"s-1"}}""", "id",
            """{"type":"video.live_stream.srt_detected","id":"e-1","object":{"type":"live","id":"s-1"}}"""),
        ["eyeson"] = (FixtureFiles.Get("eyeson/rest/02-room_update.ready.json").Body,
            """{"timestamp":1718000001,"type":"room_update","room":{"ready":true}}""", "room.id",
            """{"timestamp":1718000001,"type":"presentation_update","room":{"id":"room-1"}}"""),
        ["eyeson-streamrec"] = (FixtureFiles.Get("eyeson/streamrec/08-upload_ready.json").Body,
            """{"status":"upload_ready","client_id":"client-0"}""", "rec_id",
            """{"status":"upload_paused","rec_id":"rec-1"}"""),
        ["standard"] = ("""{"type":"session.started","data":{"provider":"acme","id":"s-1"}}"""u8.ToArray(),
            """{"type":"session.started","data":{"provider":"acme"}}""", "data.id",
            """{"type":"meeting.teleported","data":{"id":"s-1"}}"""),
    };

    public static TheoryData<string> Kinds => [.. TestSources.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void WellFormedSampleIsAccepted(string kind)
    {
        Assert.IsType<WebhookVerdict.Accepted>(TestSources.HandleSigned(kind, Samples[kind].Valid));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EmptyBodyIsInvalid(string kind)
    {
        Assert.Equal("body is empty", Invalid(kind, []));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void InvalidJsonIsInvalid(string kind)
    {
        Assert.StartsWith("body is not valid JSON: ", Invalid(kind, "{\"type\": oops}"u8.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ArrayWhereAnObjectIsExpectedIsInvalid(string kind)
    {
        // LiveSwitch takes an array (a batch), but of objects.
        var expected = kind == "liveswitch" ? "item [0] must be a JSON object, not a number" : "body must be a JSON object, not an array";

        Assert.Equal(expected, Invalid(kind, "[1,2]"u8.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void NumberBodyIsInvalid(string kind)
    {
        Assert.Equal("body must be a JSON object, not a number", Invalid(kind, "42"u8.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TruncatedBodyIsInvalid(string kind)
    {
        // A LiveSwitch body cut before its applicationId is no longer signed by anyone: a server event stays admissible.
        var valid = kind == "liveswitch" ? FixtureFiles.Get("liveswitch/01-gateway.started.json").Body : Samples[kind].Valid;

        Assert.StartsWith("body is not valid JSON: ", Invalid(kind, valid[..(valid.Length * 2 / 3)]), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void InvalidUtf8IsInvalid(string kind)
    {
        byte[] body = [.. "{\"type\":\"a"u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Equal("body is not valid UTF-8", Invalid(kind, body));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TenThousandLevelNestingIsInvalid(string kind)
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000));

        Assert.Contains("maximum configured depth of 64", Invalid(kind, body), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DeeplyNestedValueInsideAnEventIsInvalid(string kind)
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"gateway.x\",\"event\":\"x\",\"status\":\"x\",\"deep\":" + new string('[', 10_000) + new string(']', 10_000) + "}");

        Assert.StartsWith("body is not valid JSON: ", Invalid(kind, body), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MissingRequiredIdIsInvalidNamingTheField(string kind)
    {
        var (_, missingId, field, _) = Samples[kind];

        Assert.Equal($"field '{field}' is missing", Invalid(kind, Encoding.UTF8.GetBytes(missingId)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void UnknownEventTypeIsAcknowledgedAsUnmapped(string kind)
    {
        var verdict = TestSources.HandleSigned(kind, Encoding.UTF8.GetBytes(Samples[kind].Unknown));

        var item = Assert.IsType<UnmappedEvent>(Assert.Single(Assert.IsType<WebhookVerdict.Accepted>(verdict).Items));
        Assert.NotEmpty(item.Type);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MissingDiscriminatorIsInvalidNamingIt(string kind)
    {
        var discriminator = kind switch { "dyte" => "event", "eyeson-streamrec" => "status", _ => "type" };

        Assert.Equal($"field '{discriminator}' is missing", Invalid(kind, "{\"id\":\"x\"}"u8.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LoneSurrogateEscapesAreInvalidNotAnException(string kind)
    {
        var discriminator = kind switch { "dyte" => "event", "eyeson-streamrec" => "status", _ => "type" };

        Assert.Equal($"field '{discriminator}' must be valid text", Invalid(kind, Encoding.UTF8.GetBytes($$"""{"\uD800":1,"{{discriminator}}":"\uDC00"}""")));
    }

    [Theory]
    [InlineData("fastpix", """{"type":"video.live_stream.active","id":"e-1","data":{"streamId":42}}""", "field 'data.streamId' must be a string")]
    [InlineData("standard", """{"type":"session.ended","data":{"provider":"acme","id":7}}""", "field 'data.id' must be a string")]
    [InlineData("dyte", """{"event":"meeting.started","meeting":"not an object"}""", "field 'meeting' must be an object")]
    [InlineData("eyeson", """{"type":"room_update","timestamp":"soon","room":{"id":"r"}}""", "field 'timestamp' must be a time (ISO-8601 or epoch seconds/milliseconds)")]
    [InlineData("liveswitch", """[{"type":"gateway.started","gateway":{"id":"g"}},{"timestamp":1}]""", "field '[1].type' is missing")]
    [InlineData("liveswitch", "[]", "body is an empty batch")]
    [InlineData("liveswitch", """{"type":"gateway.started","origin":"gateway"}""", "field 'gateway' is missing")]
    [InlineData("eyeson-streamrec", """{"status":"session_finished","session_id":""}""", "field 'session_id' must not be empty")]
    [InlineData("fastpix", """{"type":"video.live_stream.idle","id":"e-1","object":{"name":"live","id":""},"data":{"streamId":""}}""", "field 'data.streamId' must not be empty")]
    [InlineData("eyeson", """{"type":"room_update","room":{"id":"r","\uD800x":1}}""", "a property name in 'room' is not valid text")]
    public void FieldOfTheWrongShapeIsInvalidNamingIt(string kind, string json, string detail)
    {
        Assert.Equal(detail, Invalid(kind, Encoding.UTF8.GetBytes(json)));
    }

    private static string Invalid(string kind, byte[] body) => Assert.IsType<WebhookVerdict.Invalid>(TestSources.HandleSigned(kind, body)).Detail;
}
