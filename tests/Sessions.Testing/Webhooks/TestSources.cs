using System.Security.Cryptography;
using System.Text;
using Sessions.Webhooks;

namespace Sessions.Testing.Webhooks;

/// <summary>Sources configured with the fixtures' test-only secrets, and requests signed the way each vendor signs.</summary>
public static class TestSources
{
    public const string LiveSwitchApplication = "tracker-demo-app";
    public const string LiveSwitchSecret = "test-only-liveswitch-shared-secret-7f3a";
    public const string FastPixSecret = "dGVzdC1vbmx5LWZhc3RwaXgtc2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OQ==";
    public const string EyesonApiKey = "test-only-eyeson-api-key-NOTREAL";
    public const string StandardSecret = "whsec_dGVzdC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQtMDEyMzQ1";
    public const string Token = "test-token-4f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public const string StandardMessageId = "msg_test_0001";

    public static readonly string[] Kinds = ["liveswitch", "dyte", "fastpix", "eyeson", "eyeson-streamrec", "standard"];

    /// <summary>Receive time for the fixtures (after all their events).</summary>
    public static readonly DateTimeOffset ReceivedAt = new(2024, 6, 10, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A key pair made for this test run; the fixtures' Dyte private key was discarded, so new bodies are signed with this.</summary>
    public static readonly RSA TestRsa = RSA.Create(2048);

    public static string FixturePublicKeyPem => FixtureFiles.ReadText("dyte/test-public-key.pem");

    /// <summary>A source of <paramref name="kind"/> with the test secrets; Dyte uses the fixtures' public key.</summary>
    public static WebhookSource For(string kind) => kind switch
    {
        "liveswitch" => new WebhookSource
        {
            Name = "ls",
            Kind = kind,
            Token = Token,
            ApplicationSecrets = new(StringComparer.Ordinal) { [LiveSwitchApplication] = LiveSwitchSecret },
        },
        "dyte" => new WebhookSource { Name = "dyte", Kind = kind, PublicKeyPem = FixturePublicKeyPem },
        "fastpix" => new WebhookSource { Name = "fp", Kind = kind, Secret = FastPixSecret },
        "eyeson" => new WebhookSource { Name = "ey", Kind = kind, Secret = EyesonApiKey },
        "eyeson-streamrec" => new WebhookSource { Name = "sr", Kind = kind, Token = Token },
        "standard" => new WebhookSource { Name = "std", Kind = kind, Secret = StandardSecret },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static WebhookRequest Request(byte[] body, IEnumerable<KeyValuePair<string, string>>? headers = null, string? queryToken = null, DateTimeOffset? receivedAt = null) =>
        new(body, new Dictionary<string, string>(headers ?? [], StringComparer.OrdinalIgnoreCase), queryToken, receivedAt ?? ReceivedAt);

    /// <summary>The fixture as its README says to send it: its signature headers, or the token where the vendor signs nothing.</summary>
    public static WebhookRequest FixtureRequest(Fixture fixture)
    {
        var headers = new Dictionary<string, string>();
        string? token = null;
        switch (fixture.Kind)
        {
            case "liveswitch" when fixture.Value("signature") is { } signature:
                headers["X-ApplicationSignature"] = signature;
                break;
            case "liveswitch" or "eyeson-streamrec":
                token = Token;
                break;
            case "dyte":
                foreach (var name in new[] { "dyte-webhook-id", "dyte-uuid", "dyte-signature" })
                {
                    headers[name] = fixture.Value(name)!;
                }
                break;
            case "fastpix":
                headers["FastPix-Signature"] = fixture.Value("signature")!;
                break;
            case "eyeson":
                headers["X-Eyeson-Signature"] = fixture.Value("signature")!;
                break;
        }
        return Request(fixture.Body, headers, token);
    }

    public static WebhookVerdict HandleFixture(Fixture fixture) => WebhookPipeline.Handle(For(fixture.Kind), FixtureRequest(fixture));

    /// <summary>
    /// Sends <paramref name="body"/> to a <paramref name="kind"/> source, authenticated as the vendor would:
    /// signed with the test secret (LiveSwitch also carries the token, for bodies without an applicationId;
    /// Dyte is signed with <see cref="TestRsa"/>), so that any body reaches the parser.
    /// </summary>
    public static WebhookVerdict HandleSigned(string kind, byte[] body, DateTimeOffset? receivedAt = null)
    {
        var (source, request) = Authenticated(kind, body, receivedAt ?? ReceivedAt);
        return WebhookPipeline.Handle(source, request);
    }

    public static (WebhookSource Source, WebhookRequest Request) Authenticated(string kind, byte[] body, DateTimeOffset receivedAt)
    {
        var source = For(kind);
        var headers = new Dictionary<string, string>();
        switch (kind)
        {
            case "liveswitch":
                headers["X-ApplicationSignature"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(LiveSwitchSecret), body));
                headers["Authorization"] = "Bearer " + Token;
                break;
            case "dyte":
                source.PublicKeyPem = TestRsa.ExportSubjectPublicKeyInfoPem();
                headers["dyte-uuid"] = "0b1c2d3e-0000-4000-8000-000000000001";
                headers["dyte-signature"] = Convert.ToBase64String(TestRsa.SignData(body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
                break;
            case "fastpix":
                headers["FastPix-Signature"] = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(FastPixSecret), body));
                break;
            case "eyeson":
                headers["X-Eyeson-Signature"] = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(EyesonApiKey), body));
                break;
            case "eyeson-streamrec":
                headers["Authorization"] = "Bearer " + Token;
                break;
            case "standard":
                var timestamp = receivedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                headers["webhook-id"] = StandardMessageId;
                headers["webhook-timestamp"] = timestamp;
                headers["webhook-signature"] = "v1," + StandardSignature(StandardSecret, StandardMessageId, timestamp, body);
                break;
        }
        return (source, Request(body, headers, receivedAt: receivedAt));
    }

    public static string StandardSignature(string secret, string id, string timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] content = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        return Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
